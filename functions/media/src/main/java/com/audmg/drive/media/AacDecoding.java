package com.audmg.drive.media;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import net.sourceforge.jaad.aac.Decoder;
import net.sourceforge.jaad.aac.SampleBuffer;
import net.sourceforge.jaad.adts.ADTSDemultiplexer;
import net.sourceforge.jaad.mp4.MP4Container;
import net.sourceforge.jaad.mp4.api.AudioTrack;
import net.sourceforge.jaad.mp4.api.Track;

/**
 * AAC decoded to PCM with JAAD (pure Java: AAC-LC, HE-AAC with SBR and parametric stereo), frame by frame as the
 * stream is read, through JAAD's own API (its javax.sound reader is not used: it claims other formats' streams).
 * Two containers: MP4/M4A (the first AAC track) and raw ADTS ({@code .aac}, optionally after an ID3v2 tag).
 */
final class AacDecoding {
    private AacDecoding() {
    }

    /** AAC encoders put this many samples of silence first ("priming"; 1024 for ffmpeg and Nero, 2112 Apple's). */
    private static final int PRIMING = 1024;

    /**
     * The decoded stream and its length (what the waveform's peaks are spread over); its format gives the channels
     * and rate the decoder outputs (stereo for parametric stereo, twice the core rate with SBR).
     */
    record Decoded(AudioInputStream stream, long durationMs) {
    }

    /** The next AAC access unit of a container, or null at its end. */
    private interface Frames {
        byte[] next() throws IOException;
    }

    /** Whether the file is raw ADTS (a sync word first, or after an ID3v2 tag) rather than an MP4 container. */
    static boolean isAdts(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            skipId3(in);
            int a = in.read();
            int b = in.read();
            return a == 0xff && b >= 0 && (b & 0xf6) == 0xf0;
        }
    }

    /**
     * Skips an ID3v2 tag at the start of {@code in} (ADTS files from ffmpeg and others carry one), leaving the stream
     * at the first byte after it (or at the start when there is none).
     *
     * @return the tag's bytes (header included), or null when there is none
     */
    static byte[] skipId3(InputStream in) throws IOException {
        in.mark(10);
        byte[] header = in.readNBytes(10);
        if (header.length < 10 || header[0] != 'I' || header[1] != 'D' || header[2] != '3') {
            in.reset();
            return null;
        }
        int size = (header[6] & 0x7f) << 21 | (header[7] & 0x7f) << 14 | (header[8] & 0x7f) << 7 | header[9] & 0x7f;
        if ((header[5] & 0x10) != 0) {
            size += 10; // footer
        }
        byte[] tag = new byte[10 + size];
        System.arraycopy(header, 0, tag, 0, 10);
        int read = in.readNBytes(tag, 10, size);
        if (read < size) {
            throw new EOFException("the ID3v2 tag runs past the end of the file");
        }
        return tag;
    }

    /** What the ADTS headers say: the configuration of the first frame, the frames and their payload bytes. */
    record AdtsInfo(byte[] decoderSpecificInfo, int sampleRate, int channels, long frames, long bytes) {
    }

    /** Reads every ADTS frame header of {@code file} without decoding. */
    static AdtsInfo adtsInfo(Path file) throws MediaException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            skipId3(in);
            ADTSDemultiplexer adts = new ADTSDemultiplexer(in);
            long frames = 0;
            long bytes = 0;
            byte[] first = null;
            int rate = adts.getSampleFrequency();
            int channels = adts.getChannelCount();
            while (true) {
                byte[] frame;
                try {
                    frame = adts.readNextFrame();
                } catch (EOFException end) {
                    break;
                }
                if (first == null) {
                    first = adts.getDecoderSpecificInfo();
                    rate = adts.getSampleFrequency();
                    channels = adts.getChannelCount();
                }
                frames++;
                bytes += frame.length;
            }
            if (frames == 0) {
                throw new MediaException("the ADTS stream has no frames");
            }
            return new AdtsInfo(first, rate, channels, frames, bytes);
        } catch (IOException | RuntimeException e) {
            throw new MediaException("the ADTS AAC cannot be read: " + e.getMessage(), e);
        }
    }

    /** Raw ADTS AAC as 16-bit PCM without the encoder's priming; the caller closes it (which closes the file). */
    static Decoded decodeAdts(Path file, AdtsInfo info) throws MediaException, IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536);
        try {
            skipId3(in);
            ADTSDemultiplexer adts = new ADTSDemultiplexer(in);
            Frames frames = () -> {
                try {
                    return adts.readNextFrame();
                } catch (EOFException end) {
                    return null;
                }
            };
            return decoded(info.decoderSpecificInfo(), info.frames(), frames, in);
        } catch (MediaException | RuntimeException e) {
            in.close();
            throw e;
        } catch (IOException e) {
            in.close();
            throw new MediaException("the ADTS AAC cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** The AAC track's frames, read without decoding. */
    private static long countFrames(Path file) throws MediaException, IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            List<Track> tracks = new MP4Container(raf).getMovie().getTracks(AudioTrack.AudioCodec.AAC);
            if (tracks.isEmpty()) {
                throw new MediaException("the file has no AAC audio track");
            }
            long frames = 0;
            Track track = tracks.get(0);
            while (track.hasMoreFrames()) {
                track.readNextFrame();
                frames++;
            }
            return frames;
        } catch (IOException | RuntimeException e) {
            throw new MediaException("the AAC audio cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The first AAC track of an MP4 {@code file} as 16-bit PCM without the encoder's priming; the caller closes it
     * (which closes the file).
     */
    static Decoded decode(Path file) throws MediaException, IOException {
        long frames = countFrames(file);
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
        try {
            MP4Container container = new MP4Container(raf);
            List<Track> tracks = container.getMovie().getTracks(AudioTrack.AudioCodec.AAC);
            if (tracks.isEmpty()) {
                throw new MediaException("the file has no AAC audio track");
            }
            Track track = tracks.get(0);
            return decoded(track.getDecoderSpecificInfo(), frames,
                    () -> track.hasMoreFrames() ? track.readNextFrame().getData() : null, raf);
        } catch (MediaException | RuntimeException e) {
            raf.close();
            throw e;
        } catch (IOException e) {
            raf.close();
            throw new MediaException("the AAC audio cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Decodes the first frame for the output format, then streams the rest as it is read. */
    private static Decoded decoded(byte[] decoderSpecificInfo, long frames, Frames source, Closeable file)
            throws MediaException, IOException {
        Decoder decoder = new Decoder(decoderSpecificInfo);
        SampleBuffer buffer = new SampleBuffer();
        byte[] first = source.next();
        if (first == null) {
            throw new MediaException("the AAC stream has no frames");
        }
        decoder.decodeFrame(first, buffer);
        AudioFormat format = new AudioFormat(buffer.getSampleRate(), buffer.getBitsPerSample(),
                buffer.getChannels(), true, buffer.isBigEndian());
        int frameBytes = buffer.getChannels() * buffer.getBitsPerSample() / 8;
        long samplesPerFrame = buffer.getData().length / frameBytes;
        long priming = PRIMING * (samplesPerFrame > 1024 ? samplesPerFrame / 1024 : 1);
        long skip = priming * frameBytes;
        long samples = Math.max(1, frames * samplesPerFrame - priming);
        long durationMs = Math.round(samples * 1000.0 / buffer.getSampleRate());
        InputStream pcm = new InputStream() {
            private byte[] current = buffer.getData();
            private int pos = (int) Math.min(skip, current.length);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos >= current.length) {
                    byte[] next = source.next();
                    if (next == null) {
                        return -1;
                    }
                    decoder.decodeFrame(next, buffer);
                    current = buffer.getData();
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
        return new Decoded(new AudioInputStream(pcm, format, AudioSystem.NOT_SPECIFIED), durationMs);
    }
}
