package com.audmg.drive.local.project;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Real media bodies for the torture test, reproducible from a seed so that big ones need not be kept in
 * memory: a WAV of any even size (a valid RIFF/WAVE header, then a data chunk of random 8-bit PCM samples
 * filling the wanted length), and small PNG and JPEG images of random pixels made with ImageIO.
 */
final class TortureMedia {
    private static final int WAV_HEADER = 44;

    private TortureMedia() {
    }

    /** A valid 8 kHz 8-bit mono PCM WAV of exactly {@code size} bytes (even, at least 46). */
    static byte[] wav(int size, long seed) {
        if (size < WAV_HEADER + 2 || size % 2 != 0) {
            throw new IllegalArgumentException("WAV size must be even and at least 46: " + size);
        }
        int data = size - WAV_HEADER;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(size - 8).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16)
                .putShort((short) 1)      // PCM
                .putShort((short) 1)      // mono
                .putInt(8000)             // sample rate
                .putInt(8000)             // byte rate
                .putShort((short) 1)      // block align
                .putShort((short) 8);     // bits per sample
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(data);
        byte[] bytes = b.array();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = WAV_HEADER; i < size; i += 8) {
            long r = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                bytes[i + j] = (byte) (r >>> (8 * j));
            }
        }
        return bytes;
    }

    /** A small image of random pixels, {@code format} "png" or "jpeg". */
    static byte[] image(String format, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int w = 16 + random.nextInt(48);
        int h = 16 + random.nextInt(48);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
