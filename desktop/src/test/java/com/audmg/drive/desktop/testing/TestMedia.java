package com.audmg.drive.desktop.testing;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Real image and audio files generated on the fly. */
public final class TestMedia {

    private TestMedia() {
    }

    /** A PNG with a gradient and a circle, so a thumbnail has visible content. */
    public static Path png(Path file, int width, int height, Color from, Color to) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, from, width, height, to));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(255, 255, 255, 200));
        int d = Math.min(width, height) / 2;
        g.fillOval(width / 2 - d / 2, height / 2 - d / 2, d, d);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /**
     * A JPEG with an EXIF block (camera make and model, date taken) as cameras write it: APP1 "Exif" with a big-endian
     * TIFF IFD0 (Make, Model, pointer to the Exif IFD) and an Exif IFD (DateTimeOriginal, "yyyy:MM:dd HH:mm:ss").
     */
    public static Path jpegWithExif(Path file, int width, int height, String make, String model, String taken)
            throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(255, 153, 51), width, height, new Color(102, 51, 153)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(255, 240, 200));
        int d = Math.min(width, height) / 3;
        g.fillOval(width / 2 - d / 2, height / 3, d, d);
        g.setColor(new Color(20, 30, 60));
        g.fillRect(0, height * 3 / 4, width, height / 4);
        g.dispose();
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "jpg", jpeg);
        byte[] plain = jpeg.toByteArray();

        byte[] makeBytes = ascii(make);
        byte[] modelBytes = ascii(model);
        byte[] takenBytes = ascii(taken);
        int ifd0 = 8;
        int ifd0Size = 2 + 3 * 12 + 4;
        int exifIfd = ifd0 + ifd0Size;
        int exifIfdSize = 2 + 12 + 4;
        int data = exifIfd + exifIfdSize;
        ByteBuffer tiff = ByteBuffer.allocate(data + makeBytes.length + modelBytes.length + takenBytes.length)
                .order(ByteOrder.BIG_ENDIAN);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
        tiff.putShort((short) 3);
        entry(tiff, 0x010F, 2, makeBytes.length, data);
        entry(tiff, 0x0110, 2, modelBytes.length, data + makeBytes.length);
        entry(tiff, 0x8769, 4, 1, exifIfd);
        tiff.putInt(0);
        tiff.putShort((short) 1);
        entry(tiff, 0x9003, 2, takenBytes.length, data + makeBytes.length + modelBytes.length);
        tiff.putInt(0);
        tiff.put(makeBytes).put(modelBytes).put(takenBytes);
        byte[] exif = ByteBuffer.allocate(6 + tiff.capacity()).put("Exif\0\0".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)).put(tiff.array()).array();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(plain, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xFF);
        out.write(exif);
        out.write(plain, 2, plain.length - 2);
        java.nio.file.Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] ascii(String s) {
        return (s + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int valueOrOffset) {
        b.putShort((short) tag).putShort((short) type).putInt(count).putInt(valueOrOffset);
    }

    /** A 16-bit mono PCM WAV with a sine tone. */
    public static Path wav(Path file, double seconds, double frequency) throws IOException {
        float rate = 22050;
        int frames = (int) (rate * seconds);
        ByteBuffer pcm = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            pcm.putShort((short) (Math.sin(2 * Math.PI * frequency * i / rate) * 8000));
        }
        AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }
}
