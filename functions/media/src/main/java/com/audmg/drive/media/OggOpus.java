package com.audmg.drive.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Ogg Opus (RFC 7845), which jaudiotagger 3.0.1 and Java Sound do not read: the identification
 * header (channels, pre-skip, input rate), the comment header (Vorbis comments, with an embedded
 * METADATA_BLOCK_PICTURE cover), the duration from the last granule position, and a PCM stream
 * decoded with Concentus at 48 kHz. Pages are demuxed with JOrbis's jogg.
 */
final class OggOpus {

    static final int RATE = 48_000;

    /** @param samples the decoded length per channel at 48 kHz (end padding trimmed, RFC 7845 section 4.4) */
    record Info(int channels, int preSkip, int inputRate, long durationMs, long samples, Map<String, String> tags,
                byte[] picture) {
    }

    private OggOpus() {
    }

    /** Reads the headers and the last granule position (one pass over the pages, no decoding). */
    static Info info(Path file) throws MediaException, IOException {
        Info[] headers = new Info[1];
        Map<String, String> tags = new LinkedHashMap<>();
        byte[][] picture = new byte[1][];
        long[] lastGranule = {-1};
        int[] index = {0};
        demux(file, (data, offset, length, granule) -> {
            if (granule >= 0) {
                lastGranule[0] = granule;
            }
            if (index[0] == 0) {
                headers[0] = head(data, offset, length);
            } else if (index[0] == 1) {
                comments(data, offset, length, tags, picture);
            }
            index[0]++;
            return true;
        });
        if (headers[0] == null) {
            throw new MediaException("not an Ogg Opus stream");
        }
        long samples = Math.max(0, lastGranule[0] - headers[0].preSkip());
        return new Info(headers[0].channels(), headers[0].preSkip(), headers[0].inputRate(),
                samples * 1000 / RATE, samples, tags, picture[0]);
    }

    /** The decoded audio as 16-bit little-endian PCM at 48 kHz (pre-skip removed). */
    static AudioInputStream decode(Path file, Info info) {
        AudioFormat format = new AudioFormat(RATE, 16, info.channels(), true, false);
        return new AudioInputStream(new PcmStream(file, info), format, AudioSystem.NOT_SPECIFIED);
    }

    interface PacketSink {
        /** Returns false to stop. */
        boolean packet(byte[] data, int offset, int length, long granule) throws MediaException, IOException;
    }

    /** Feeds the packets of the first logical stream, in order, with the granule of the page each ends. */
    static void demux(Path file, PacketSink sink) throws MediaException, IOException {
        SyncState sync = new SyncState();
        StreamState stream = new StreamState();
        Page page = new Page();
        Packet packet = new Packet();
        sync.init();
        int serial = -1;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int result = sync.pageout(page);
                if (result == 1) {
                    if (serial == -1) {
                        serial = page.serialno();
                        stream.init(serial);
                    }
                    if (page.serialno() != serial) {
                        continue;
                    }
                    stream.pagein(page);
                    long granule = page.granulepos();
                    while (stream.packetout(packet) == 1) {
                        if (!sink.packet(packet.packet_base, packet.packet, packet.bytes, granule)) {
                            return;
                        }
                    }
                } else if (result == 0) {
                    int at = sync.buffer(8192);
                    int n = in.read(sync.data, at, 8192);
                    if (n <= 0) {
                        return;
                    }
                    sync.wrote(n);
                }
                // result < 0: a gap (corruption); jogg resynchronises on the next page.
            }
        }
    }

    private static Info head(byte[] data, int offset, int length) throws MediaException {
        if (length < 19 || !"OpusHead".equals(new String(data, offset, 8, StandardCharsets.ISO_8859_1))) {
            throw new MediaException("not an Ogg Opus stream (no OpusHead)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        b.position(offset + 9);
        int channels = b.get() & 0xff;
        int preSkip = b.getShort() & 0xffff;
        int inputRate = b.getInt();
        int mapping = data[offset + 18] & 0xff;
        if (channels < 1 || channels > 2 || mapping != 0) {
            // Concentus's single-stream decoder: mono and stereo (mapping family 0) only.
            throw new MediaException("Opus with " + channels + " channels (mapping family " + mapping + ") is not supported");
        }
        return new Info(channels, preSkip, inputRate > 0 ? inputRate : RATE, 0, 0, Map.of(), null);
    }

    private static void comments(byte[] data, int offset, int length, Map<String, String> tags, byte[][] picture) {
        if (length < 16 || !"OpusTags".equals(new String(data, offset, 8, StandardCharsets.ISO_8859_1))) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            b.position(offset + 8);
            int vendor = b.getInt();
            b.position(b.position() + vendor);
            int count = b.getInt();
            for (int i = 0; i < count && b.remaining() >= 4; i++) {
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    return;
                }
                String comment = new String(data, b.position(), len, StandardCharsets.UTF_8);
                b.position(b.position() + len);
                int eq = comment.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = comment.substring(0, eq).toUpperCase(Locale.ROOT);
                String value = comment.substring(eq + 1);
                if (key.equals("METADATA_BLOCK_PICTURE")) {
                    picture[0] = pictureData(value);
                } else {
                    tags.putIfAbsent(key, value);
                }
            }
        } catch (RuntimeException e) {
            // A malformed comment header: keep what was read.
        }
    }

    /** The image bytes of a FLAC picture block (base64), or null. */
    private static byte[] pictureData(String base64) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64.strip()));
            b.getInt();
            b.position(b.position() + b.getInt());
            b.position(b.position() + b.getInt());
            b.position(b.position() + 16);
            byte[] image = new byte[b.getInt()];
            b.get(image);
            return image;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Decodes packets on demand into 16-bit little-endian PCM. */
    private static final class PcmStream extends InputStream {
        private final Path file;
        private final Info info;
        private final java.util.concurrent.BlockingQueue<byte[]> chunks = new java.util.concurrent.ArrayBlockingQueue<>(16);
        private byte[] current = new byte[0];
        private int position;
        private boolean finished;
        private Thread reader;
        private volatile Exception failure;
        private static final byte[] END = new byte[0];

        PcmStream(Path file, Info info) {
            this.file = file;
            this.info = info;
        }

        private void start() {
            reader = new Thread(() -> {
                try {
                    OpusDecoder decoder = new OpusDecoder(RATE, info.channels());
                    short[] pcm = new short[5760 * info.channels()];
                    int[] skip = {info.preSkip()};
                    long[] emitted = {0};
                    int[] index = {0};
                    demux(file, (data, offset, length, granule) -> {
                        if (index[0]++ < 2) {
                            return true; // OpusHead, OpusTags
                        }
                        int samples;
                        try {
                            samples = decoder.decode(data, offset, length, pcm, 0, 5760, false);
                        } catch (OpusException e) {
                            throw new MediaException("the Opus data is corrupt: " + e.getMessage(), e);
                        }
                        int from = Math.min(samples, skip[0]);
                        skip[0] -= from;
                        // The last page's granule position ends the stream: the rest is encoder padding.
                        int frames = (int) Math.min(samples - from, Math.max(0, info.samples() - emitted[0]));
                        emitted[0] += frames;
                        if (frames <= 0) {
                            return true;
                        }
                        ByteBuffer out = ByteBuffer.allocate(frames * info.channels() * 2).order(ByteOrder.LITTLE_ENDIAN);
                        for (int i = from * info.channels(); i < (from + frames) * info.channels(); i++) {
                            out.putShort(pcm[i]);
                        }
                        try {
                            chunks.put(out.array());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                        return true;
                    });
                } catch (Exception e) {
                    failure = e;
                } finally {
                    try {
                        chunks.put(END);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "opus-decoder");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (reader == null) {
                start();
            }
            while (position >= current.length) {
                if (finished) {
                    return -1;
                }
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                position = 0;
                if (current == END) {
                    finished = true;
                    if (failure != null) {
                        throw new IOException(failure.getMessage(), failure);
                    }
                    return -1;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            if (reader != null) {
                reader.interrupt();
            }
        }
    }
}
