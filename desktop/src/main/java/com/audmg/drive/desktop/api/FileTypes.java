package com.audmg.drive.desktop.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Client-side view of the types the API accepts, by file extension. */
public final class FileTypes {

    /** The API's upload limit (2 GiB, straight to storage); the server has the final word. */
    public static final long DEFAULT_MAX_BYTES = 2L * 1024 * 1024 * 1024;

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("bmp", "image/bmp"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("wav", "audio/wav"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("oga", "audio/ogg"), Map.entry("opus", "audio/ogg"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("aac", "audio/aac"));

    private FileTypes() {
    }

    public static Optional<String> contentTypeOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    public static String describeAccepted() {
        return "JPEG, PNG, GIF, WebP, BMP, MP3, WAV, FLAC, OGG/Opus, M4A/AAC";
    }

    /** The file name extensions of the accepted types (lower case, sorted). */
    public static java.util.SortedSet<String> extensions() {
        return new java.util.TreeSet<>(BY_EXTENSION.keySet());
    }
}
