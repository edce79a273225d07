package com.audmg.drive.files;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The allowed media types and their kind, for declared types and for sniffed bytes. */
public final class MediaTypes {

    public static final String IMAGE = "image";
    public static final String AUDIO = "audio";

    /** Types a client may declare, with the canonical type stored and signed into the upload. */
    private static final Map<String, String> DECLARED = Map.ofEntries(
            Map.entry("image/jpeg", "image/jpeg"),
            Map.entry("image/jpg", "image/jpeg"),
            Map.entry("image/pjpeg", "image/jpeg"),
            Map.entry("image/png", "image/png"),
            Map.entry("image/gif", "image/gif"),
            Map.entry("image/webp", "image/webp"),
            Map.entry("image/bmp", "image/bmp"),
            Map.entry("image/x-ms-bmp", "image/bmp"),
            Map.entry("audio/mpeg", "audio/mpeg"),
            Map.entry("audio/mp3", "audio/mpeg"),
            Map.entry("audio/wav", "audio/wav"),
            Map.entry("audio/x-wav", "audio/wav"),
            Map.entry("audio/wave", "audio/wav"),
            Map.entry("audio/vnd.wave", "audio/wav"),
            Map.entry("audio/flac", "audio/flac"),
            Map.entry("audio/x-flac", "audio/flac"),
            Map.entry("audio/ogg", "audio/ogg"),
            Map.entry("audio/vorbis", "audio/ogg"),
            Map.entry("audio/opus", "audio/ogg"),
            Map.entry("application/ogg", "audio/ogg"),
            Map.entry("audio/mp4", "audio/mp4"),
            Map.entry("audio/m4a", "audio/mp4"),
            Map.entry("audio/x-m4a", "audio/mp4"),
            Map.entry("audio/aac", "audio/aac"),
            Map.entry("audio/x-aac", "audio/aac"));

    /** Types Tika reports, with the canonical declared type they are. */
    private static final Map<String, String> DETECTED_CANONICAL = Map.ofEntries(
            Map.entry("image/jpeg", "image/jpeg"),
            Map.entry("image/png", "image/png"),
            Map.entry("image/gif", "image/gif"),
            Map.entry("image/webp", "image/webp"),
            Map.entry("image/bmp", "image/bmp"),
            Map.entry("image/x-ms-bmp", "image/bmp"),
            Map.entry("audio/mpeg", "audio/mpeg"),
            Map.entry("audio/vnd.wave", "audio/wav"),
            Map.entry("audio/x-wav", "audio/wav"),
            Map.entry("audio/wav", "audio/wav"),
            Map.entry("audio/x-flac", "audio/flac"),
            Map.entry("audio/flac", "audio/flac"),
            Map.entry("audio/ogg", "audio/ogg"),
            Map.entry("audio/vorbis", "audio/ogg"),
            Map.entry("audio/opus", "audio/ogg"),
            Map.entry("audio/x-oggflac", "audio/ogg"),
            Map.entry("audio/speex", "audio/ogg"),
            Map.entry("application/ogg", "audio/ogg"),
            Map.entry("audio/mp4", "audio/mp4"),
            Map.entry("audio/x-m4a", "audio/mp4"),
            Map.entry("audio/aac", "audio/aac"),
            Map.entry("audio/x-aac", "audio/aac"),
            Map.entry("audio/x-hx-aac-adts", "audio/aac"));

    private MediaTypes() {
    }

    /**
     * Whether sniffed bytes are the declared format. AAC is one format whether in an MP4
     * container (.m4a) or raw ADTS (.aac): clients name either for either.
     */
    public static boolean sameFormat(String canonicalDeclared, String detectedType) {
        String detected = DETECTED_CANONICAL.get(detectedType.toLowerCase(Locale.ROOT));
        return detected != null && family(detected).equals(family(canonicalDeclared));
    }

    private static String family(String canonical) {
        return canonical.equals("audio/aac") ? "audio/mp4" : canonical;
    }

    /** The canonical form of a declared type, or empty when it is not allowed. Parameters are dropped. */
    public static Optional<String> canonicalDeclared(String contentType) {
        String bare = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return Optional.ofNullable(DECLARED.get(bare));
    }

    public static String kindOf(String canonicalType) {
        return canonicalType.startsWith("image/") ? IMAGE : AUDIO;
    }

    /** The kind of a detected type, or empty when the bytes are not an allowed type. */
    public static Optional<String> kindOfDetected(String detectedType) {
        return Optional.ofNullable(DETECTED_CANONICAL.get(detectedType.toLowerCase(Locale.ROOT))).map(MediaTypes::kindOf);
    }
}
