package com.audmg.drive.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import net.sourceforge.jaad.aac.Decoder;
import net.sourceforge.jaad.aac.SampleBuffer;
import net.sourceforge.jaad.mp4.MP4Container;
import net.sourceforge.jaad.mp4.api.AudioTrack;
import net.sourceforge.jaad.mp4.api.Track;

/**
 * AAC in MP4/M4A decoded to PCM with JAAD (pure Java, AAC-LC and HE-AAC), frame by frame as the stream
 * is read, through JAAD's own API (its javax.sound reader is not used: it claims other formats' streams).
 */
final class AacDecoding {
    private AacDecoding() {
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

    /** AAC encoders put this many samples of silence first ("priming"; 1024 for ffmpeg and Nero, 2112 Apple's). */
    private static final int PRIMING = 1024;

    /** The decoded stream and its length (what the waveform's peaks are spread over). */
    record Decoded(AudioInputStream stream, long durationMs) {
    }

    /**
     * The first AAC track of {@code file} as 16-bit PCM without the encoder's priming; the caller closes it
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
            Decoder decoder = new Decoder(track.getDecoderSpecificInfo());
            SampleBuffer buffer = new SampleBuffer();
            if (!track.hasMoreFrames()) {
                throw new MediaException("the AAC track has no frames");
            }
            decoder.decodeFrame(track.readNextFrame().getData(), buffer);
            AudioFormat format = new AudioFormat(buffer.getSampleRate(), buffer.getBitsPerSample(),
                    buffer.getChannels(), true, buffer.isBigEndian());
            int frameBytes = buffer.getChannels() * buffer.getBitsPerSample() / 8;
            long samplesPerFrame = buffer.getData().length / frameBytes;
            long skip = (long) PRIMING * frameBytes;
            long samples = Math.max(1, frames * samplesPerFrame - PRIMING);
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
                        if (!track.hasMoreFrames()) {
                            return -1;
                        }
                        decoder.decodeFrame(track.readNextFrame().getData(), buffer);
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
                    raf.close();
                }
            };
            return new Decoded(new AudioInputStream(pcm, format, AudioSystem.NOT_SPECIFIED), durationMs);
        } catch (MediaException | RuntimeException e) {
            raf.close();
            throw e;
        } catch (IOException e) {
            raf.close();
            throw new MediaException("the AAC audio cannot be decoded: " + e.getMessage(), e);
        }
    }
}
