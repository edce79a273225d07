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
        if ((b.get(b.position()) & 0xff) != 0x05) {
            return null;
        }
        b.get();
        int size = 0;
        for (int i = 0; i < 4; i++) {
            int octet = b.get() & 0xff;
            size = size << 7 | octet & 0x7f;
            if ((octet & 0x80) == 0) {
                break;
            }
        }
        byte[] asc = new byte[Math.min(size, b.remaining())];
        b.get(asc);
        return audioSpecificConfig(asc);
    }

    /**
     * Reads an AudioSpecificConfig (ISO 14496-3, 1.6.2.1) for the channels and rate a decoder outputs: HE-AAC's SBR
     * (object type 5, or a sync extension 0x2b7 after an AAC-LC configuration) doubles the rate, and parametric stereo
     * (HE-AAC v2: object type 29, or a sync extension 0x548) makes a mono configuration play as stereo.
     *
     * @return the configuration, or null when it cannot be read or names its channels in a program config element
     */
    static Config audioSpecificConfig(byte[] asc) {
        Bits bits = new Bits(asc);
        try {
            int objectType = objectType(bits);
            int rate = rate(bits);
            int channelConfig = bits.take(4);
            boolean sbr = false;
            boolean ps = false;
            int outputRate = rate;
            if (objectType == 5 || objectType == 29) {
                // Explicit hierarchical signalling: the extension's rate, then the core object type.
                sbr = true;
                ps = objectType == 29;
                outputRate = rate(bits);
                objectType = objectType(bits);
                if (objectType == 22) {
                    bits.take(4);
                }
            }
            if (channelConfig == 0) {
                return null;
            }
            if (!sbr && gaSpecificConfig(bits, objectType, channelConfig) && bits.left() >= 16
                    && bits.take(11) == 0x2b7) {
                // Explicit backward-compatible signalling, after the core configuration.
                if (objectType(bits) == 5 && bits.take(1) == 1) {
                    sbr = true;
                    outputRate = rate(bits);
                    if (bits.left() >= 12 && bits.take(11) == 0x548) {
                        ps = bits.take(1) == 1;
                    }
                }
            }
            int channels = channelConfig == 7 ? 8 : channelConfig;
            if (ps && channels == 1) {
                channels = 2;
            }
            return new Config(channels, sbr && outputRate > 0 ? outputRate : rate);
        } catch (IndexOutOfBoundsException truncated) {
            return null;
        }
    }

    /** GASpecificConfig of the AAC object types; false for other object types (their extensions are not read). */
    private static boolean gaSpecificConfig(Bits bits, int objectType, int channelConfig) {
        if (!List.of(1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23).contains(objectType)) {
            return false;
        }
        bits.take(1); // frameLengthFlag
        if (bits.take(1) == 1) {
            bits.take(14); // coreCoderDelay
        }
        boolean extension = bits.take(1) == 1;
        if (objectType == 6 || objectType == 20) {
            bits.take(3);
        }
        if (extension) {
            if (objectType == 22) {
                bits.take(16);
            }
            if (objectType == 17 || objectType == 19 || objectType == 20 || objectType == 23) {
                bits.take(3);
            }
            bits.take(1);
        }
        if (objectType >= 17 && objectType <= 27) {
            bits.take(2); // epConfig
        }
        return channelConfig != 0;
    }

    private static int objectType(Bits bits) {
        int type = bits.take(5);
        return type == 31 ? 32 + bits.take(6) : type;
    }

    private static int rate(Bits bits) {
        int index = bits.take(4);
        return index == 15 ? bits.take(24) : index < RATES.length ? RATES[index] : 0;
    }

    /** Reads big-endian bit fields. */
    private static final class Bits {
        private final byte[] data;
        private int at;

        Bits(byte[] data) {
            this.data = data;
        }

        int left() {
            return data.length * 8 - at;
        }

        int take(int n) {
            if (n > left()) {
                throw new IndexOutOfBoundsException("AudioSpecificConfig ends early");
            }
            int v = 0;
            for (int i = 0; i < n; i++, at++) {
                v = v << 1 | (data[at >> 3] >> (7 - (at & 7))) & 1;
            }
            return v;
        }
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
