package com.audmg.drive.media;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.audio.AudioHeader;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;
import org.jaudiotagger.tag.images.Artwork;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Audio: duration, codec, sample rate, channels, bitrate and tags (jaudiotagger), the embedded
 * cover as a JPEG, waveform peaks (a small JSON a player draws), and for formats JavaFX and many
 * players cannot play (FLAC, OGG Vorbis, OGG Opus) a 16-bit PCM WAV rendition. Decoding goes through
 * Java Sound with the JFLAC, VorbisSPI and MP3SPI providers, and Concentus for Opus ({@link OggOpus});
 * M4A (AAC in MP4) is decoded with JAAD for its waveform (it plays as it is); raw ADTS AAC is decoded with JAAD
 * for its waveform and a WAV rendition.
 */
public final class AudioProcessor {

    public static final int PEAKS = 800;
    public static final int COVER_EDGE = 600;
    /** Renditions above this rate are halved (96 kHz to 48 kHz): every player handles 48 kHz PCM. */
    static final int MAX_RENDITION_RATE = 48_000;

    /** jaudiotagger logs every block and field at INFO through java.util.logging (held: loggers are weakly kept). */
    private static final Logger TAGGER_LOG = Logger.getLogger("org.jaudiotagger");

    static {
        TAGGER_LOG.setLevel(Level.SEVERE);
    }

    public Derived process(Path original, String contentType, Path workDir) throws MediaException, IOException {
        if (isOpus(original)) {
            return processOpus(original, workDir);
        }
        boolean aac = "audio/mp4".equals(contentType) || "audio/aac".equals(contentType);
        if (aac && AacDecoding.isAdts(original)) {
            return processAdts(original, workDir);
        }
        String extension = extensionOf(contentType);
        Path named = workDir.resolve("original." + extension);
        Files.createLink(named, original);
        ObjectNode media = Json.object();
        List<Derived.Output> outputs = new ArrayList<>();
        boolean opus = false;
        long durationMs = 0;
        try {
            AudioFile file = AudioFileIO.read(named.toFile());
            AudioHeader header = file.getAudioHeader();
            durationMs = Math.round(header.getPreciseTrackLength() * 1000);
            media.put("durationMs", durationMs);
            String encoding = header.getEncodingType() == null ? "" : header.getEncodingType();
            opus = encoding.toLowerCase(Locale.ROOT).contains("opus");
            media.put("codec", codec(contentType, encoding));
            media.put("sampleRate", header.getSampleRateAsNumber());
            int channels = channels(header.getChannels());
            if (aac) {
                // The mp4a entry's count (what jaudiotagger reports) says 2 for mono AAC from some muxers.
                Mp4AudioConfig.Config config = Mp4AudioConfig.read(named);
                if (config != null) {
                    channels = config.channels();
                }
            }
            media.put("channels", channels);
            long bitrate = header.getBitRateAsNumber();
            if (bitrate > 0) {
                media.put("bitrate", bitrate * 1000);
            } else {
                media.putNull("bitrate");
            }
            putTags(file.getTag(), media, workDir, outputs);
        } catch (Exception | LinkageError e) {
            throw new MediaException("the audio cannot be read: " + message(e), e);
        }
        if (!opus && aac) {
            // M4A plays as it is (JavaFX Media plays AAC in MP4): a waveform only.
            AacDecoding.Decoded decoded = AacDecoding.decode(named);
            // HE-AAC v2 signalled only in the stream (implicit parametric stereo) decodes to more channels.
            media.put("channels", Math.max(media.get("channels").asInt(), decoded.stream().getFormat().getChannels()));
            waveformAndRendition(decoded.stream(), decoded.durationMs(), false, workDir, outputs);
            return new Derived(media, outputs);
        }
        boolean decodable = !opus;
        if (decodable) {
            boolean rendition = "audio/flac".equals(contentType) || "audio/ogg".equals(contentType);
            AudioInputStream source;
            try {
                source = AudioSystem.getAudioInputStream(new BufferedInputStream(Files.newInputStream(named), 65536));
            } catch (UnsupportedAudioFileException e) {
                throw new MediaException("the audio cannot be decoded: " + message(e), e);
            }
            waveformAndRendition(source, durationMs, rendition, workDir, outputs);
        }
        return new Derived(media, outputs);
    }

    /**
     * Raw ADTS AAC ({@code .aac}): format and length from the frame headers, tags from an ID3v2 tag before the first
     * frame (ffmpeg and others write one), decoded with JAAD for the waveform and a WAV rendition (JavaFX Media plays
     * AAC in an MP4 container only).
     */
    private Derived processAdts(Path original, Path workDir) throws MediaException, IOException {
        AacDecoding.AdtsInfo info = AacDecoding.adtsInfo(original);
        AacDecoding.Decoded decoded = AacDecoding.decodeAdts(original, info);
        javax.sound.sampled.AudioFormat format = decoded.stream().getFormat();
        ObjectNode media = Json.object();
        media.put("durationMs", decoded.durationMs());
        media.put("codec", "aac");
        media.put("sampleRate", Math.round(format.getSampleRate()));
        media.put("channels", Math.max(info.channels(), format.getChannels()));
        media.put("bitrate", decoded.durationMs() > 0 ? info.bytes() * 8 * 1000 / decoded.durationMs() : 0);
        List<Derived.Output> outputs = new ArrayList<>();
        Tag tag = null;
        try (java.io.InputStream in = new BufferedInputStream(Files.newInputStream(original))) {
            byte[] id3 = AacDecoding.skipId3(in);
            if (id3 != null) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(id3);
                tag = switch (id3[3]) {
                    case 2 -> new org.jaudiotagger.tag.id3.ID3v22Tag(bytes, "");
                    case 3 -> new org.jaudiotagger.tag.id3.ID3v23Tag(bytes, "");
                    default -> new org.jaudiotagger.tag.id3.ID3v24Tag(bytes, "");
                };
            }
        } catch (Exception e) {
            // An unreadable tag: the audio is still processed, without tags.
            tag = null;
        }
        try {
            putTags(tag, media, workDir, outputs);
        } catch (Exception | LinkageError e) {
            throw new MediaException("the audio's tags cannot be read: " + message(e), e);
        }
        try (AudioInputStream pcm = decoded.stream()) {
            waveformAndRendition(pcm, decoded.durationMs(), true, workDir, outputs);
        }
        return new Derived(media, outputs);
    }

    /** Title, artist, album, track, year and the cover art of {@code tag} (null: none). */
    private static void putTags(Tag tag, ObjectNode media, Path workDir, List<Derived.Output> outputs)
            throws IOException {
        media.put("title", field(tag, FieldKey.TITLE));
        media.put("artist", field(tag, FieldKey.ARTIST));
        media.put("album", field(tag, FieldKey.ALBUM));
        Integer trackNumber = leadingInt(field(tag, FieldKey.TRACK));
        if (trackNumber == null) {
            media.putNull("track");
        } else {
            media.put("track", trackNumber);
        }
        Integer year = leadingInt(field(tag, FieldKey.YEAR));
        if (year == null) {
            media.putNull("year");
        } else {
            media.put("year", year);
        }
        Artwork artwork = tag == null ? null : tag.getFirstArtwork();
        if (artwork != null && artwork.getBinaryData() != null) {
            Derived.Output cover = ImageProcessor.cover(artwork.getBinaryData(), COVER_EDGE, workDir.resolve("cover.jpg"));
            if (cover != null) {
                outputs.add(cover);
            }
        }
    }

    /** Ogg Opus: headers and tags read here ({@link OggOpus}), decoded with Concentus, rendered to WAV. */
    private Derived processOpus(Path original, Path workDir) throws MediaException, IOException {
        OggOpus.Info info;
        try {
            info = OggOpus.info(original);
        } catch (RuntimeException e) {
            throw new MediaException("the Opus stream cannot be read: " + message(e), e);
        }
        ObjectNode media = Json.object();
        media.put("durationMs", info.durationMs());
        media.put("codec", "opus");
        media.put("sampleRate", info.inputRate());
        media.put("channels", info.channels());
        if (info.durationMs() > 0) {
            media.put("bitrate", Files.size(original) * 8 * 1000 / info.durationMs());
        } else {
            media.putNull("bitrate");
        }
        media.put("title", info.tags().get("TITLE"));
        media.put("artist", info.tags().get("ARTIST"));
        media.put("album", info.tags().get("ALBUM"));
        Integer track = leadingInt(info.tags().get("TRACKNUMBER"));
        if (track == null) {
            media.putNull("track");
        } else {
            media.put("track", track);
        }
        Integer year = leadingInt(info.tags().getOrDefault("DATE", info.tags().get("YEAR")));
        if (year == null) {
            media.putNull("year");
        } else {
            media.put("year", year);
        }
        List<Derived.Output> outputs = new ArrayList<>();
        if (info.picture() != null) {
            Derived.Output cover = ImageProcessor.cover(info.picture(), COVER_EDGE, workDir.resolve("cover.jpg"));
            if (cover != null) {
                outputs.add(cover);
            }
        }
        waveformAndRendition(OggOpus.decode(original, info), info.durationMs(), true, workDir, outputs);
        return new Derived(media, outputs);
    }

    private static void waveformAndRendition(AudioInputStream source, long durationMs, boolean rendition, Path workDir,
                                             List<Derived.Output> outputs) throws MediaException, IOException {
        Path wav = rendition ? workDir.resolve("playable.wav") : null;
        float[] peaks = decode(source, wav, durationMs);
        Path waveform = workDir.resolve("waveform.json");
        ObjectNode json = Json.object();
        json.put("version", 1);
        json.put("durationMs", durationMs);
        ArrayNode array = json.putArray("peaks");
        for (float p : peaks) {
            array.add(Math.round(p * 1000) / 1000.0);
        }
        Files.writeString(waveform, Json.write(json));
        outputs.add(new Derived.Output("waveform.json", "application/json", waveform));
        if (wav != null) {
            outputs.add(new Derived.Output("playable.wav", "audio/wav", wav));
        }
    }

    /**
     * Decodes the whole stream once: {@value #PEAKS} peak amplitudes (0-1, all channels) and, when
     * {@code wav} is given, a 16-bit PCM WAV of it (at most {@value #MAX_RENDITION_RATE} Hz).
     */
    static float[] decode(AudioInputStream source, Path wav, long durationMs) throws MediaException, IOException {
        AudioFormat in = source.getFormat();
        int channels = Math.max(1, in.getChannels());
        float rate = in.getSampleRate() > 0 ? in.getSampleRate() : 44_100;
        // Decoders convert only to PCM at their own depth (JFLAC: 24-bit stays 24-bit); samples are
        // brought to 16 bits below.
        int bits = in.getSampleSizeInBits() == 8 || in.getSampleSizeInBits() == 24 || in.getSampleSizeInBits() == 32
                ? in.getSampleSizeInBits() : 16;
        int bytesPerSample = bits / 8;
        AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, rate, bits, channels,
                channels * bytesPerSample, rate, false);
        long expectedFrames = Math.max(1, (long) (durationMs / 1000.0 * rate));
        List<Float> peaks = new ArrayList<>(PEAKS + 16);
        int decimate = rate > MAX_RENDITION_RATE ? (int) Math.ceil(rate / MAX_RENDITION_RATE) : 1;
        try (AudioInputStream original = source;
             AudioInputStream decoded = AudioSystem.getAudioInputStream(pcm, original);
             RandomAccessFile out = wav == null ? null : new RandomAccessFile(wav.toFile(), "rw")) {
            if (out != null) {
                out.setLength(0);
                out.write(new byte[44]);
            }
            int frameBytes = channels * bytesPerSample;
            byte[] buffer = new byte[frameBytes * 8192];
            ByteBuffer outBuffer = ByteBuffer.allocate(channels * 2 * 8192).order(ByteOrder.LITTLE_ENDIAN);
            int carry = 0;
            long frame = 0;
            long sincePeak = 0;
            int peak = 0;
            long written = 0;
            int[] sums = new int[channels];
            int summed = 0;
            int n;
            while ((n = readFully(decoded, buffer, carry)) > 0) {
                int total = carry + n;
                int frames = total / frameBytes;
                outBuffer.clear();
                for (int f = 0; f < frames; f++) {
                    int base = f * frameBytes;
                    for (int c = 0; c < channels; c++) {
                        int sample = sample16(buffer, base + c * bytesPerSample, bytesPerSample);
                        int abs = Math.abs(sample);
                        if (abs > peak) {
                            peak = abs;
                        }
                        sums[c] += sample;
                    }
                    summed++;
                    if (summed == decimate) {
                        for (int c = 0; c < channels; c++) {
                            outBuffer.putShort((short) (sums[c] / decimate));
                            sums[c] = 0;
                        }
                        summed = 0;
                    }
                    frame++;
                    sincePeak++;
                    // Peak i covers frames [i, i + 1) * expected / PEAKS: exactly PEAKS when the length is right.
                    if (frame * PEAKS / expectedFrames > peaks.size()) {
                        peaks.add(Math.min(1f, peak / 32768f));
                        peak = 0;
                        sincePeak = 0;
                    }
                }
                if (out != null) {
                    out.write(outBuffer.array(), 0, outBuffer.position());
                    written += outBuffer.position();
                }
                carry = total - frames * frameBytes;
                System.arraycopy(buffer, frames * frameBytes, buffer, 0, carry);
            }
            if (frame == 0) {
                throw new MediaException("the audio holds no decodable samples");
            }
            if (sincePeak > 0) {
                peaks.add(Math.min(1f, peak / 32768f));
            }
            if (out != null) {
                out.seek(0);
                out.write(wavHeader(written, (int) (rate / decimate), channels));
            }
        } catch (MediaException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MediaException("the audio data is corrupt: " + message(e), e);
        }
        float[] result = new float[peaks.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = peaks.get(i);
        }
        return result;
    }

    /** One little-endian signed sample of 1-4 bytes, as a 16-bit value. */
    static int sample16(byte[] b, int at, int bytes) {
        return switch (bytes) {
            case 1 -> b[at] << 8;
            case 2 -> (short) ((b[at + 1] << 8) | (b[at] & 0xff));
            case 3 -> (b[at + 2] << 8) | (b[at + 1] & 0xff);
            default -> (b[at + 3] << 8) | (b[at + 2] & 0xff);
        };
    }

    private static int readFully(InputStream in, byte[] buffer, int offset) throws IOException {
        int read = 0;
        while (offset + read < buffer.length) {
            int n = in.read(buffer, offset + read, buffer.length - offset - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }

    static byte[] wavHeader(long dataBytes, int rate, int channels) {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) Math.min(0xffffffffL, 36 + dataBytes));
        b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(16);
        b.putShort((short) 1);
        b.putShort((short) channels);
        b.putInt(rate);
        b.putInt(rate * channels * 2);
        b.putShort((short) (channels * 2));
        b.putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) Math.min(0xffffffffL, dataBytes));
        return b.array();
    }

    /** Ogg Opus and Ogg Vorbis share a content type; the first page's codec header tells them apart. */
    static boolean isOpus(Path file) throws IOException {
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.startsWith("OggS") && text.contains("OpusHead");
    }

    private static String extensionOf(String contentType) {
        return switch (contentType) {
            case "audio/mpeg" -> "mp3";
            case "audio/flac" -> "flac";
            case "audio/ogg" -> "ogg";
            case "audio/wav" -> "wav";
            case "audio/mp4", "audio/aac" -> "m4a";
            default -> "bin";
        };
    }

    private static String codec(String contentType, String encoding) {
        String e = encoding.toLowerCase(Locale.ROOT);
        if (e.contains("opus")) {
            return "opus";
        }
        if (e.contains("vorbis")) {
            return "vorbis";
        }
        if (e.contains("flac")) {
            return "flac";
        }
        if (e.contains("aac") || e.contains("mp4")) {
            return "aac";
        }
        if (e.contains("alac")) {
            return "alac";
        }
        if (e.contains("mpeg") || e.contains("mp3") || "audio/mpeg".equals(contentType)) {
            return "mp3";
        }
        if ("audio/wav".equals(contentType)) {
            return "pcm";
        }
        return e.isBlank() ? "unknown" : e;
    }

    private static int channels(String raw) {
        Integer n = leadingInt(raw);
        if (n != null) {
            return n;
        }
        String r = raw == null ? "" : raw.toLowerCase(Locale.ROOT);
        return r.contains("mono") ? 1 : 2;
    }

    private static String field(Tag tag, FieldKey key) {
        if (tag == null) {
            return null;
        }
        try {
            String value = tag.getFirst(key);
            if (value == null || value.isBlank()) {
                return null;
            }
            String clean = value.replace('\u0000', ' ').strip();
            return clean.length() > 255 ? clean.substring(0, 255) : clean;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Integer leadingInt(String value) {
        if (value == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d{1,6})").matcher(value);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) : m;
    }
}
