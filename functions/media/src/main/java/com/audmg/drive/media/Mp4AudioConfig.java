package com.audmg.drive.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The AAC configuration of an MP4/M4A file's first audio track, read from its {@code esds}
 * (AudioSpecificConfig): the channel count and sample rate the decoder uses. jaudiotagger reports
 * the {@code mp4a} sample entry's channel count, which muxers (ffmpeg among them) write as 2 for
 * mono AAC too; ISO 14496-3 makes the AudioSpecificConfig the authority.
 */
final class Mp4AudioConfig {
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};
    private static final List<String> PATH = List.of("moov", "trak", "mdia", "minf", "stbl", "stsd");
    /** The moov box is read whole: bounded, it holds the sample tables. */
    private static final long MAX_MOOV = 64L * 1024 * 1024;

    record Config(int channels, int sampleRate) {
    }

    private Mp4AudioConfig() {
    }

    /** The configuration, or null when the file has no readable AAC AudioSpecificConfig. */
    static Config read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer moov = topLevel(ch, "moov");
            return moov == null ? null : inMoov(moov);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ByteBuffer topLevel(FileChannel ch, String type) throws IOException {
        long pos = 0;
        long size = ch.size();
        ByteBuffer header = ByteBuffer.allocate(16);
        while (pos + 8 <= size) {
            header.clear();
            ch.read(header, pos);
            header.flip();
            long boxSize = Integer.toUnsignedLong(header.getInt());
            String boxType = fourcc(header);
            int headerSize = 8;
            if (boxSize == 1 && header.remaining() >= 8) {
                boxSize = header.getLong();
                headerSize = 16;
            } else if (boxSize == 0) {
                boxSize = size - pos;
            }
            if (boxSize < headerSize) {
                return null;
            }
            if (boxType.equals(type)) {
                if (boxSize - headerSize > MAX_MOOV) {
                    return null;
                }
                ByteBuffer body = ByteBuffer.allocate((int) (boxSize - headerSize));
                ch.read(body, pos + headerSize);
                body.flip();
                return body;
            }
            pos += boxSize;
        }
        return null;
    }

    private static Config inMoov(ByteBuffer moov) {
        for (ByteBuffer trak : children(moov, "trak")) {
            ByteBuffer stsd = descend(trak, PATH.subList(2, PATH.size()));
            if (stsd == null || stsd.remaining() < 8) {
                continue;
            }
            stsd.position(stsd.position() + 8); // version/flags, entry count
            for (ByteBuffer entry : children(stsd, "mp4a")) {
                if (entry.remaining() < 28) {
                    continue;
                }
                entry.position(entry.position() + 28); // SampleEntry + AudioSampleEntry fields
                for (ByteBuffer esds : children(entry, "esds")) {
                    Config c = esds(esds);
                    if (c != null) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private static ByteBuffer descend(ByteBuffer box, List<String> path) {
        ByteBuffer current = box;
        for (String type : path) {
            List<ByteBuffer> found = children(current, type);
            if (found.isEmpty()) {
                return null;
            }
            current = found.get(0);
        }
        return current;
    }

    private static List<ByteBuffer> children(ByteBuffer parent, String type) {
        java.util.ArrayList<ByteBuffer> out = new java.util.ArrayList<>();
        ByteBuffer b = parent.duplicate();
        while (b.remaining() >= 8) {
            int start = b.position();
            long size = Integer.toUnsignedLong(b.getInt());
            String t = fourcc(b);
            if (size < 8 || size > b.remaining() + 8L) {
                break;
            }
            if (t.equals(type)) {
                ByteBuffer child = b.slice(b.position(), (int) size - 8);
                out.add(child);
            }
            b.position(start + (int) size);
        }
        return out;
    }

    /** ES_Descriptor (0x03) > DecoderConfigDescriptor (0x04) > DecoderSpecificInfo (0x05) = AudioSpecificConfig. */
    private static Config esds(ByteBuffer esds) {
        ByteBuffer b = esds.duplicate();
        b.position(b.position() + 4); // version/flags
        if (tag(b) != 0x03) {
            return null;
        }
        b.getShort(); // ES_ID
        int flags = b.get() & 0xff;
        if ((flags & 0x80) != 0) {
            b.getShort();
        }
        if ((flags & 0x40) != 0) {
            b.position(b.position() + (b.get() & 0xff));
        }
        if ((flags & 0x20) != 0) {
            b.getShort();
        }
        if (tag(b) != 0x04) {
            return null;
        }
        b.position(b.position() + 13);
        if (tag(b) != 0x05 || b.remaining() < 2) {
            return null;
        }
        long bits = 0;
        int available = Math.min(b.remaining(), 7);
        for (int i = 0; i < available; i++) {
            bits = bits << 8 | (b.get() & 0xff);
        }
        int total = available * 8;
        int at = 0;
        int objectType = (int) take(bits, total, at, 5);
        at += 5;
        if (objectType == 31) {
            at += 6;
        }
        int rateIndex = (int) take(bits, total, at, 4);
        at += 4;
        int rate;
        if (rateIndex == 15) {
            rate = (int) take(bits, total, at, 24);
            at += 24;
        } else {
            rate = rateIndex < RATES.length ? RATES[rateIndex] : 0;
        }
        int channelConfig = (int) take(bits, total, at, 4);
        // 1-6: that many channels; 7: 7.1 (8); 0: defined in a program config element (not read here).
        int channels = channelConfig == 7 ? 8 : channelConfig;
        return channels == 0 ? null : new Config(channels, rate);
    }

    private static long take(long bits, int total, int at, int n) {
        return (bits >>> (total - at - n)) & ((1L << n) - 1);
    }

    /** A descriptor's tag; its size (1-4 bytes of 7 bits) is skipped. */
    private static int tag(ByteBuffer b) {
        int tag = b.get() & 0xff;
        for (int i = 0; i < 4; i++) {
            if ((b.get() & 0x80) == 0) {
                break;
            }
        }
        return tag;
    }

    private static String fourcc(ByteBuffer b) {
        byte[] t = new byte[4];
        b.get(t);
        return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
