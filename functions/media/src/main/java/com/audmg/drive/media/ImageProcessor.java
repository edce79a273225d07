package com.audmg.drive.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.TimeZone;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import com.audmg.drive.platform.Json;
import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Images: dimensions as displayed, EXIF orientation, date taken and camera; a grid thumbnail
 * ({@value #THUMB_EDGE} px long edge) and a preview ({@value #PREVIEW_EDGE} px) as JPEG, with the
 * orientation applied. Dimensions are read from the headers before any pixel is decoded, images
 * over {@value #MAX_PIXELS} pixels are refused (a decompression bomb declares far more than it
 * holds), and large images are decoded subsampled, so memory stays near the preview's size.
 */
public final class ImageProcessor {

    public static final int THUMB_EDGE = 320;
    public static final int PREVIEW_EDGE = 1600;
    /** 200 megapixels (a 16k x 12k photo); a 50,000 x 50,000 declaration is 2,500. */
    public static final long MAX_PIXELS = 200_000_000L;
    public static final int MAX_EDGE = 65_000;
    private static final float JPEG_QUALITY = 0.82f;

    public Derived process(Path original, Path workDir) throws MediaException, IOException {
        ObjectNode media = Json.object();
        int orientation = 1;
        Metadata metadata = null;
        try {
            metadata = ImageMetadataReader.readMetadata(original.toFile());
        } catch (Exception | LinkageError e) {
            // No readable metadata: dimensions come from the decoder, no date or camera.
        }
        String takenAt = null;
        String camera = null;
        if (metadata != null) {
            ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (ifd0 != null) {
                Integer value = ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                if (value != null && value >= 1 && value <= 8) {
                    orientation = value;
                }
                String make = clean(ifd0.getString(ExifIFD0Directory.TAG_MAKE));
                String model = clean(ifd0.getString(ExifIFD0Directory.TAG_MODEL));
                if (model != null) {
                    camera = make == null || model.toLowerCase().startsWith(make.toLowerCase()) ? model : make + " " + model;
                } else {
                    camera = make;
                }
            }
            ExifSubIFDDirectory sub = metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
            if (sub != null) {
                // EXIF dates carry no zone: read as UTC wall-clock time, shown as such (no 'Z' implied offset).
                Date date = sub.getDateOriginal(TimeZone.getTimeZone(ZoneOffset.UTC));
                if (date != null) {
                    takenAt = date.toInstant().toString();
                }
            }
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(original.toFile())) {
            if (in == null) {
                throw new MediaException("the image cannot be read");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new MediaException("no decoder for this image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new MediaException("the image header is corrupt: " + e.getMessage(), e);
                }
                if (width <= 0 || height <= 0 || width > MAX_EDGE || height > MAX_EDGE
                        || (long) width * height > MAX_PIXELS) {
                    throw new MediaException("the image declares " + width + " x " + height
                            + " pixels, over the limit of " + MAX_PIXELS / 1_000_000 + " megapixels");
                }
                boolean swap = orientation >= 5;
                media.put("width", swap ? height : width);
                media.put("height", swap ? width : height);
                media.put("takenAt", takenAt);
                media.put("camera", camera);
                media.put("orientation", orientation);

                ImageReadParam param = reader.getDefaultReadParam();
                int subsampling = Math.max(1, Math.max(width, height) / PREVIEW_EDGE);
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
                BufferedImage decoded;
                try {
                    decoded = reader.read(0, param);
                } catch (IOException | RuntimeException e) {
                    throw new MediaException("the image data is corrupt: " + e.getMessage(), e);
                } catch (OutOfMemoryError e) {
                    throw new MediaException("the image is too large to decode", e);
                }
                BufferedImage oriented = orient(toRgb(decoded), orientation);
                List<Derived.Output> outputs = new ArrayList<>();
                outputs.add(writeJpeg(scale(oriented, PREVIEW_EDGE), workDir.resolve("preview.jpg"), "preview.jpg"));
                outputs.add(writeJpeg(scale(oriented, THUMB_EDGE), workDir.resolve("thumb.jpg"), "thumb.jpg"));
                return new Derived(media, outputs);
            } finally {
                reader.dispose();
            }
        }
    }

    /** A cover image (embedded art): a JPEG of at most {@code edge} pixels, or null when it cannot be decoded. */
    public static Derived.Output cover(byte[] image, int edge, Path target) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                // Embedded art is a decompression bomb as easily as an upload: check before decoding.
                if (width <= 0 || height <= 0 || width > MAX_EDGE || height > MAX_EDGE
                        || (long) width * height > MAX_PIXELS) {
                    return null;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int subsampling = Math.max(1, Math.max(width, height) / (edge * 2));
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
                return writeJpeg(scale(toRgb(reader.read(0, param)), edge), target, "cover.jpg");
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return null;
        }
    }

    private static String clean(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.replace('\u0000', ' ').strip();
        return trimmed.isEmpty() ? null : trimmed.length() > 100 ? trimmed.substring(0, 100) : trimmed;
    }

    /** Opaque RGB (transparent pixels on white), which JPEG needs. */
    static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }

    /** Applies an EXIF orientation (1-8) so the image shows as its camera meant. */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> { t.translate(w, 0); t.scale(-1, 1); }
            case 3 -> { t.translate(w, h); t.rotate(Math.PI); }
            case 4 -> { t.translate(0, h); t.scale(1, -1); }
            case 5 -> { t.rotate(-Math.PI / 2); t.scale(-1, 1); }
            case 6 -> { t.translate(h, 0); t.rotate(Math.PI / 2); }
            case 7 -> { t.scale(-1, 1); t.translate(-h, 0); t.translate(0, w); t.rotate(-Math.PI / 2); }
            case 8 -> { t.translate(0, w); t.rotate(-Math.PI / 2); }
            default -> { }
        }
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, t, null);
        g.dispose();
        return out;
    }

    /** Scaled down (never up) to fit {@code edge} on its long side, in halving steps for quality. */
    static BufferedImage scale(BufferedImage image, int edge) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        double factor = Math.min(1.0, (double) edge / Math.max(w, h));
        int targetW = Math.max(1, (int) Math.round(w * factor));
        int targetH = Math.max(1, (int) Math.round(h * factor));
        while (current.getWidth() != targetW || current.getHeight() != targetH) {
            int nextW = Math.max(targetW, current.getWidth() / 2);
            int nextH = Math.max(targetH, current.getHeight() / 2);
            BufferedImage next = new BufferedImage(nextW, nextH, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = next.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(current, 0, 0, nextW, nextH, null);
            g.dispose();
            current = next;
        }
        return current;
    }

    static Derived.Output writeJpeg(BufferedImage image, Path target, String name) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream out = Files.newOutputStream(target);
             ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return new Derived.Output(name, "image/jpeg", target);
    }

}
