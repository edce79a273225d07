package com.audmg.drive.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;

/** The image and audio processors on real bytes: small committed fixtures and images generated here. */
class ProcessorsTest {

    @TempDir
    Path work;

    static Path fixture(Path dir, String name) throws IOException {
        Path target = dir.resolve("in-" + name);
        try (InputStream in = ProcessorsTest.class.getResourceAsStream("/media/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }

    static Map<String, Derived.Output> outputs(Derived derived) {
        return derived.outputs().stream().collect(Collectors.toMap(Derived.Output::name, o -> o));
    }

    static BufferedImage read(Path file) throws IOException {
        return ImageIO.read(file.toFile());
    }

    @Test
    void jpegWithExifOrientation6IsTurnedUprightWithDateAndCamera() throws Exception {
        // 400 x 300 stored: left half red, right half blue; orientation 6 = rotate 90 degrees clockwise.
        Derived derived = new ImageProcessor().process(fixture(work, "orientation6.jpg"), work);
        assertEquals(300, derived.media().get("width").asInt());
        assertEquals(400, derived.media().get("height").asInt());
        assertEquals(6, derived.media().get("orientation").asInt());
        assertEquals("2024-07-14T18:30:05Z", derived.media().get("takenAt").asText());
        assertEquals("Canon EOS R6", derived.media().get("camera").asText());
        BufferedImage thumb = read(outputs(derived).get("thumb.jpg").file());
        assertEquals(240, thumb.getWidth());
        assertEquals(320, thumb.getHeight());
        // Rotated clockwise, the stored left (red) half is now on top, the blue half below.
        assertTrue(isRed(thumb.getRGB(120, 40)), "top is red");
        assertTrue(isBlue(thumb.getRGB(120, 280)), "bottom is blue");
    }

    @Test
    void largeJpegGetsSmallThumbnailAndPreview() throws Exception {
        BufferedImage big = new BufferedImage(6000, 4000, BufferedImage.TYPE_INT_RGB);
        var g = big.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.CYAN, 6000, 4000, java.awt.Color.MAGENTA));
        g.fillRect(0, 0, 6000, 4000);
        g.dispose();
        Path original = work.resolve("big.jpg");
        ImageIO.write(big, "jpeg", original.toFile());
        Derived derived = new ImageProcessor().process(original, work);
        assertEquals(6000, derived.media().get("width").asInt());
        assertEquals(4000, derived.media().get("height").asInt());
        assertTrue(derived.media().get("takenAt").isNull());
        BufferedImage preview = read(outputs(derived).get("preview.jpg").file());
        assertEquals(1600, Math.max(preview.getWidth(), preview.getHeight()));
        Path thumb = outputs(derived).get("thumb.jpg").file();
        assertEquals(320, read(thumb).getWidth());
        assertTrue(Files.size(thumb) * 20 < Files.size(original), "thumbnail under 5 % of the original");
    }

    @Test
    void pngWithAlphaGifAndBmpGetThumbnails() throws Exception {
        for (String format : new String[] {"png", "gif", "bmp"}) {
            BufferedImage image = new BufferedImage(900, 600, format.equals("png")
                    ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            var g = image.createGraphics();
            g.setColor(java.awt.Color.GREEN);
            g.fillRect(0, 0, 450, 600);
            g.dispose();
            Path original = work.resolve("image." + format);
            assertTrue(ImageIO.write(image, format, original.toFile()), format);
            Derived derived = new ImageProcessor().process(original, work);
            assertEquals(900, derived.media().get("width").asInt(), format);
            assertEquals(600, derived.media().get("height").asInt(), format);
            BufferedImage thumb = read(outputs(derived).get("thumb.jpg").file());
            assertEquals(320, thumb.getWidth(), format);
            if (format.equals("png")) {
                // Transparent pixels become white, not black, in the JPEG.
                int rgb = thumb.getRGB(300, 100);
                assertTrue(((rgb >> 16) & 0xff) > 240 && ((rgb >> 8) & 0xff) > 240 && (rgb & 0xff) > 240,
                        Integer.toHexString(rgb));
            }
        }
    }

    @Test
    void webpIsDecoded() throws Exception {
        Derived derived = new ImageProcessor().process(fixture(work, "photo.webp"), work);
        assertEquals(300, derived.media().get("width").asInt());
        assertEquals(200, derived.media().get("height").asInt());
        BufferedImage thumb = read(outputs(derived).get("thumb.jpg").file());
        assertEquals(300, thumb.getWidth(), "never scaled up");
    }

    @Test
    void decompressionBombFailsFromItsHeaderWithoutDecoding() throws Exception {
        Path bomb = work.resolve("bomb.png");
        Files.write(bomb, pngDeclaring(50_000, 50_000));
        assertTrue(Files.size(bomb) < 200);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        MediaException e = assertThrows(MediaException.class, () -> new ImageProcessor().process(bomb, work));
        assertTrue(e.getMessage().contains("50000 x 50000"), e.getMessage());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 100_000_000L, "no large allocation");
    }

    @Test
    void coverArtBombIsSkippedNotDecoded() throws Exception {
        assertNull(ImageProcessor.cover(pngDeclaring(50_000, 50_000), 600, work.resolve("cover.jpg")));
        assertNotNull(ImageProcessor.cover(Files.readAllBytes(fixture(work, "cover.jpg")), 600, work.resolve("c2.jpg")));
    }

    @Test
    void corruptImageFailsWithAReason() throws Exception {
        Path corrupt = work.resolve("corrupt.jpg");
        byte[] bytes = Files.readAllBytes(fixture(work, "orientation6.jpg"));
        byte[] truncated = java.util.Arrays.copyOf(bytes, 300);
        Files.write(corrupt, truncated);
        MediaException e = assertThrows(MediaException.class, () -> new ImageProcessor().process(corrupt, work));
        assertNotNull(e.getMessage());
    }

    @Test
    void mp3TagsCoverAndWaveformButNoRendition() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone.mp3"), "audio/mpeg", work);
        JsonNode m = derived.media();
        assertEquals("Mp3 Song", m.get("title").asText());
        assertEquals("Lame Artist", m.get("artist").asText());
        assertEquals("Lame Album", m.get("album").asText());
        assertEquals(5, m.get("track").asInt());
        assertEquals(2018, m.get("year").asInt());
        assertEquals("mp3", m.get("codec").asText());
        assertEquals(44100, m.get("sampleRate").asInt());
        assertEquals(2, m.get("channels").asInt());
        assertEquals(128000, m.get("bitrate").asInt());
        assertTrue(Math.abs(m.get("durationMs").asLong() - 3000) < 100, m.toString());
        Map<String, Derived.Output> out = outputs(derived);
        BufferedImage cover = read(out.get("cover.jpg").file());
        assertEquals(240, cover.getWidth());
        assertWaveform(out.get("waveform.json").file());
        assertNull(out.get("playable.wav"), "MP3 plays as it is");
    }

    /**
     * tone.m4a (9 KB): 2 s of 440 Hz, AAC-LC mono 22.05 kHz 24 kb/s, MP4 tags and cover art, made once with
     * ffmpeg 5.1 (Debian 12's): see src/test/resources/media/README.md.
     */
    @Test
    void m4aGetsTagsDurationCoverAndWaveformButNoRendition() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone.m4a"), "audio/mp4", work);
        JsonNode m = derived.media();
        assertEquals("M4a Song", m.get("title").asText());
        assertEquals("Aac Artist", m.get("artist").asText());
        assertEquals("Mp4 Album", m.get("album").asText());
        assertEquals(7, m.get("track").asInt());
        assertEquals(2024, m.get("year").asInt());
        assertEquals("aac", m.get("codec").asText());
        assertEquals(22050, m.get("sampleRate").asInt());
        assertEquals(1, m.get("channels").asInt());
        assertTrue(Math.abs(m.get("durationMs").asLong() - 2000) < 100, m.toString());
        Map<String, Derived.Output> out = outputs(derived);
        BufferedImage cover = read(out.get("cover.jpg").file());
        assertEquals(240, cover.getWidth());
        assertWaveform(out.get("waveform.json").file());
        assertNull(out.get("playable.wav"), "M4A/AAC plays as it is (JavaFX Media plays AAC)");
    }

    /**
     * tone.aac (13 KB): raw ADTS, AAC-LC stereo 44.1 kHz, 2 s (440 Hz at 0.6 left, 660 Hz at 0.3 right) after an
     * ID3v2.4 tag, made once with ffmpeg 5.1: see src/test/resources/media/README.md.
     */
    @Test
    void rawAdtsAacGetsTagsDurationWaveformAndAWavRendition() throws Exception {
        for (String declared : List.of("audio/aac", "audio/mp4")) {
            Path dir = Files.createDirectories(work.resolve(declared.replace('/', '-')));
            Derived derived = new AudioProcessor().process(fixture(dir, "tone.aac"), declared, dir);
            JsonNode m = derived.media();
            assertEquals("Adts Song", m.get("title").asText());
            assertEquals("Raw Artist", m.get("artist").asText());
            assertEquals("Adts Album", m.get("album").asText());
            assertEquals(4, m.get("track").asInt());
            assertEquals(2023, m.get("year").asInt());
            assertEquals("aac", m.get("codec").asText());
            assertEquals(44100, m.get("sampleRate").asInt());
            assertEquals(2, m.get("channels").asInt());
            assertTrue(Math.abs(m.get("durationMs").asLong() - 2000) < 100, m.toString());
            assertTrue(m.get("bitrate").asInt() > 30_000 && m.get("bitrate").asInt() < 70_000, m.toString());
            Map<String, Derived.Output> out = outputs(derived);
            assertWaveform(out.get("waveform.json").file());
            // JavaFX Media plays AAC in MP4 only: raw ADTS gets a rendition that plays with seek. ADTS records no
            // end padding (MP4 has edit lists): the last frame's filler (here 20 ms of 1024 samples) stays.
            assertWav(out.get("playable.wav").file(), 44100, 2, 2.02);
        }
    }

    /**
     * HE-AAC v2 (SBR + parametric stereo) carries a mono core: its AudioSpecificConfig says 1 channel at half the
     * rate. The three ways ISO 14496-3 signals it must read as stereo at the output rate. No encoder of HE-AAC exists
     * here (Debian's ffmpeg has only AAC-LC; fdk-aac is not packaged), so these are configurations, not streams.
     */
    @Test
    void heAacV2ConfigurationsReadAsStereoAtTheOutputRate() {
        // Explicit hierarchical: object type 29 (PS), core 22.05 kHz mono, extension 44.1 kHz, core type 2.
        assertEquals(new Mp4AudioConfig.Config(2, 44100), Mp4AudioConfig.audioSpecificConfig(
                bits("11101", "0111", "0001", "0100", "00010", "000")));
        // Explicit hierarchical SBR only (object type 5, HE-AAC v1): mono stays mono, the rate doubles.
        assertEquals(new Mp4AudioConfig.Config(1, 44100), Mp4AudioConfig.audioSpecificConfig(
                bits("00101", "0111", "0001", "0100", "00010", "000")));
        // Backward compatible: AAC-LC 22.05 kHz mono, then sync extension 0x2b7 (SBR, 44.1 kHz) and 0x548 (PS).
        assertEquals(new Mp4AudioConfig.Config(2, 44100), Mp4AudioConfig.audioSpecificConfig(
                bits("00010", "0111", "0001", "000", "01010110111", "00101", "1", "0100", "10101001000", "1")));
        // The same without PS, and plain AAC-LC: as declared.
        assertEquals(new Mp4AudioConfig.Config(1, 44100), Mp4AudioConfig.audioSpecificConfig(
                bits("00010", "0111", "0001", "000", "01010110111", "00101", "1", "0100", "10101001000", "0")));
        assertEquals(new Mp4AudioConfig.Config(1, 22050), Mp4AudioConfig.audioSpecificConfig(
                bits("00010", "0111", "0001", "000")));
        // Truncated: unknown, not a guess.
        assertNull(Mp4AudioConfig.audioSpecificConfig(new byte[] {(byte) 0xe8}));
    }

    /** Bit fields, most significant first, padded with zeros to whole bytes. */
    private static byte[] bits(String... fields) {
        String all = String.join("", fields);
        byte[] out = new byte[(all.length() + 7) / 8];
        for (int i = 0; i < all.length(); i++) {
            if (all.charAt(i) == '1') {
                out[i / 8] |= (byte) (0x80 >> (i % 8));
            }
        }
        return out;
    }

    @Test
    void flacGetsTagsCoverWaveformAndWavRendition() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone.flac"), "audio/flac", work);
        JsonNode m = derived.media();
        assertEquals("Flac Song", m.get("title").asText());
        assertEquals("The Testers", m.get("artist").asText());
        assertEquals(3, m.get("track").asInt());
        assertEquals(2021, m.get("year").asInt());
        assertEquals("flac", m.get("codec").asText());
        Map<String, Derived.Output> out = outputs(derived);
        assertNotNull(out.get("cover.jpg"));
        assertWaveform(out.get("waveform.json").file());
        assertWav(out.get("playable.wav").file(), 44100, 2, 3.0);
    }

    @Test
    void hiResFlacRenditionIsHalvedTo48kHz() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone-24-96.flac"), "audio/flac", work);
        assertEquals(96000, derived.media().get("sampleRate").asInt());
        assertWav(outputs(derived).get("playable.wav").file(), 48000, 2, 2.0);
    }

    @Test
    void oggVorbisGetsTagsWaveformAndWavRendition() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone.ogg"), "audio/ogg", work);
        JsonNode m = derived.media();
        assertEquals("Ogg Song", m.get("title").asText());
        assertEquals("Vorbis Band", m.get("artist").asText());
        assertEquals("Open Formats", m.get("album").asText());
        assertEquals("vorbis", m.get("codec").asText());
        assertWaveform(outputs(derived).get("waveform.json").file());
        assertWav(outputs(derived).get("playable.wav").file(), 44100, 2, 3.0);
    }

    @Test
    void oggOpusGetsTagsWaveformAndA48kHzWavRendition() throws Exception {
        Derived derived = new AudioProcessor().process(fixture(work, "tone.opus"), "audio/ogg", work);
        JsonNode m = derived.media();
        assertEquals("opus", m.get("codec").asText());
        assertEquals("Opus Song", m.get("title").asText());
        assertEquals("Opus Artist", m.get("artist").asText());
        assertEquals(44100, m.get("sampleRate").asInt(), "the input rate the header records");
        assertEquals(2, m.get("channels").asInt());
        assertTrue(Math.abs(m.get("durationMs").asLong() - 3000) < 100, m.toString());
        assertWaveform(outputs(derived).get("waveform.json").file());
        assertWav(outputs(derived).get("playable.wav").file(), 48000, 2, 3.0);
    }

    @Test
    void corruptAudioFailsWithAReason() throws Exception {
        Path corrupt = work.resolve("corrupt.flac");
        byte[] bytes = Files.readAllBytes(fixture(work, "tone.flac"));
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, 40));
        assertThrows(MediaException.class, () -> new AudioProcessor().process(corrupt, "audio/flac", work));
    }

    static void assertWaveform(Path file) throws IOException {
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        JsonNode peaks = json.get("peaks");
        assertTrue(peaks.size() >= AudioProcessor.PEAKS - 5 && peaks.size() <= AudioProcessor.PEAKS + 5,
                "peaks: " + peaks.size());
        double max = 0;
        for (JsonNode p : peaks) {
            max = Math.max(max, p.asDouble());
        }
        assertTrue(max > 0.3 && max <= 1.0, "a loud tone peaks high: " + max);
        assertTrue(Files.size(file) < 16_000);
    }

    static void assertWav(Path file, int rate, int channels, double seconds) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            assertEquals(rate, (int) in.getFormat().getSampleRate());
            assertEquals(channels, in.getFormat().getChannels());
            assertEquals(16, in.getFormat().getSampleSizeInBits());
            double duration = in.getFrameLength() / in.getFormat().getFrameRate();
            assertTrue(Math.abs(duration - seconds) < 0.005, "duration " + duration + " s, expected " + seconds);
        }
    }

    private static boolean isRed(int rgb) {
        return ((rgb >> 16) & 0xff) > 200 && (rgb & 0xff) < 60;
    }

    private static boolean isBlue(int rgb) {
        return (rgb & 0xff) > 200 && ((rgb >> 16) & 0xff) < 60;
    }

    /** A valid PNG header declaring width x height, with a tiny IDAT: a decompression bomb's shape. */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var ihdr = java.nio.ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        var deflater = new java.util.zip.Deflater(9);
        deflater.setInput(new byte[1000]);
        deflater.finish();
        byte[] idat = new byte[200];
        int n = deflater.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        var crc = new java.util.zip.CRC32();
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
