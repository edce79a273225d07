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
