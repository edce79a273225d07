package com.audmg.drive.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;

/** Detects the media type of a file from its first bytes (Apache Tika core, magic numbers only). */
public final class ContentSniffer {

    /** Enough for every magic Tika checks for the allowed types, including MP4 ftyp boxes. */
    public static final int SNIFF_BYTES = 64 * 1024;

    private final Detector detector;

    public ContentSniffer() {
        this(new DefaultDetector());
    }

    public ContentSniffer(Detector detector) {
        this.detector = detector;
    }

    /** The detected type without parameters, e.g. {@code image/png}; deliberately ignores names. */
    public String detect(byte[] head) {
        try {
            return detector.detect(new ByteArrayInputStream(head), new Metadata()).getBaseType().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
