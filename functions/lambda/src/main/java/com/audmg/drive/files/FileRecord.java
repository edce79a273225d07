package com.audmg.drive.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A file of a user as the library stores it: its name, status, its kept versions (the current
 * one first) and the upload in flight, if any. {@code contentType}, {@code size} and {@code kind}
 * are the current version's (or, for a file still pending, its first upload's).
 *
 * @param version the current version's number (0 while the first upload is pending)
 * @param upload  an upload created and not yet completed: the file's first (status pending) or a new version
 */
public record FileRecord(String id, String name, String contentType, String kind, long size,
                         Instant createdAt, Instant updatedAt, String status, int version, Instant trashedAt,
                         List<Version> versions, Upload upload) {

    public static final String PENDING = "pending";
    public static final String READY = "ready";
    public static final String TRASHED = "trashed";

    /**
     * One kept version. Versions restored from an older one share its bytes ({@code objectId}), so
     * bytes are counted and deleted per object, never per version.
     */
    public record Version(String versionId, int number, String objectId, long size, String contentType,
                          Instant createdAt, Processing processing) {

        /** A version not processed yet (or written before processing existed). */
        public Version(String versionId, int number, String objectId, long size, String contentType, Instant createdAt) {
            this(versionId, number, objectId, size, contentType, createdAt, null);
        }

        public Version withProcessing(Processing result) {
            return new Version(versionId, number, objectId, size, contentType, createdAt, result);
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("versionId", versionId);
            node.put("number", number);
            node.put("objectId", objectId);
            node.put("size", size);
            node.put("contentType", contentType);
            node.put("createdAt", createdAt.toString());
            if (processing != null) {
                node.set("processing", processing.toJson());
            }
            return node;
        }

        static Version fromJson(JsonNode node) {
            return new Version(node.path("versionId").asText(), node.path("number").asInt(),
                    node.path("objectId").asText(), node.path("size").asLong(), node.path("contentType").asText(),
                    Instant.parse(node.path("createdAt").asText()), Processing.fromJson(node.get("processing")));
        }
    }

    /** An upload in flight: the bytes go to its own object, {@code objectId}, and nowhere else. */
    public record Upload(String objectId, long size, String contentType, Instant createdAt, Processing processing) {

        public Upload(String objectId, long size, String contentType, Instant createdAt) {
            this(objectId, size, contentType, createdAt, null);
        }

        public Upload withProcessing(Processing result) {
            return new Upload(objectId, size, contentType, createdAt, result);
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("objectId", objectId);
            node.put("size", size);
            node.put("contentType", contentType);
            node.put("createdAt", createdAt.toString());
            if (processing != null) {
                node.set("processing", processing.toJson());
            }
            return node;
        }

        static Upload fromJson(JsonNode node) {
            return new Upload(node.path("objectId").asText(), node.path("size").asLong(),
                    node.path("contentType").asText(), Instant.parse(node.path("createdAt").asText()),
                    Processing.fromJson(node.get("processing")));
        }
    }

    /**
     * What the media pipeline made of one object's bytes (kept with every version and upload that
     * holds that object): done with its {@code media} fields and the derived objects it wrote
     * (names under {@code <userId>/<objectId>/} in the derived bucket), or failed with a reason.
     * Absent (null) means not processed yet: records written before the pipeline existed read so.
     */
    public record Processing(String status, String reason, ObjectNode media, List<String> derived, Instant at) {

        public static final String PENDING = "pending";
        public static final String DONE = "done";
        public static final String FAILED = "failed";

        public Processing {
            derived = derived == null ? List.of() : List.copyOf(derived);
        }

        public static Processing done(ObjectNode media, List<String> derived, Instant at) {
            return new Processing(DONE, null, media, derived, at);
        }

        public static Processing failed(String reason, Instant at) {
            return new Processing(FAILED, reason, null, List.of(), at);
        }

        public boolean isDone() {
            return DONE.equals(status);
        }

        public boolean isFailed() {
            return FAILED.equals(status);
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("status", status);
            if (reason != null) {
                node.put("reason", reason);
            }
            if (media != null) {
                node.set("media", media);
            }
            if (!derived.isEmpty()) {
                ArrayNode names = node.putArray("derived");
                derived.forEach(names::add);
            }
            if (at != null) {
                node.put("at", at.toString());
            }
            return node;
        }

        static Processing fromJson(JsonNode node) {
            if (node == null || !node.isObject()) {
                return null;
            }
            List<String> derived = new ArrayList<>();
            node.path("derived").forEach(n -> derived.add(n.asText()));
            return new Processing(node.path("status").asText(PENDING),
                    node.hasNonNull("reason") ? node.get("reason").asText() : null,
                    node.get("media") instanceof ObjectNode media ? media : null, derived,
                    node.hasNonNull("at") ? Instant.parse(node.get("at").asText()) : null);
        }
    }

    public FileRecord {
        versions = List.copyOf(versions);
    }

    /** A new file whose first upload has just been created. */
    public static FileRecord pending(String id, String name, String contentType, Upload upload) {
        return new FileRecord(id, name, contentType, MediaTypes.kindOf(contentType), upload.size(), upload.createdAt(),
                upload.createdAt(), PENDING, 0, null, List.of(), upload);
    }

    public boolean isReady() {
        return READY.equals(status);
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }

    public boolean isTrashed() {
        return TRASHED.equals(status);
    }

    /** The current version, or null while the first upload is pending. */
    public Version current() {
        return versions.isEmpty() ? null : versions.get(0);
    }

    /**
     * The processing of the bytes the file shows: the current version's, or while the first upload
     * is pending, that upload's (null: not processed yet).
     */
    public Processing processing() {
        Version current = current();
        if (current != null) {
            return current.processing();
        }
        return upload == null ? null : upload.processing();
    }

    /** Whether {@code text} (lower case) is in the name, or the title, artist or album of processed audio. */
    public boolean matchesText(String text) {
        if (name.toLowerCase(Locale.ROOT).contains(text)) {
            return true;
        }
        Processing processing = processing();
        if (processing == null || processing.media() == null) {
            return false;
        }
        for (String field : new String[] {"title", "artist", "album"}) {
            JsonNode value = processing.media().get(field);
            if (value != null && value.isTextual() && value.asText().toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** This file with {@code result} recorded for every kept version and the upload holding {@code objectId}. */
    public FileRecord withProcessing(String objectId, Processing result) {
        List<Version> changed = versions.stream()
                .map(v -> v.objectId().equals(objectId) ? v.withProcessing(result) : v).toList();
        Upload changedUpload = upload != null && upload.objectId().equals(objectId) ? upload.withProcessing(result) : upload;
        return new FileRecord(id, name, contentType, kind, size, createdAt, updatedAt, status, version, trashedAt,
                changed, changedUpload);
    }

    /** Whether a kept version or the upload holds {@code objectId}. */
    public boolean holds(String objectId) {
        return objectIds().contains(objectId);
    }

    /** The processing recorded for {@code objectId} (null when none, or when the file does not hold it). */
    public Processing processingOf(String objectId) {
        for (Version v : versions) {
            if (v.objectId().equals(objectId) && v.processing() != null) {
                return v.processing();
            }
        }
        return upload != null && upload.objectId().equals(objectId) ? upload.processing() : null;
    }

    /** The position in listings: newest first, ties by id. Never changes (creation time and id are fixed). */
    public String sortKey() {
        return sortKey(createdAt, id);
    }

    static String sortKey(Instant createdAt, String id) {
        // Thirteen digits, zero-padded, by hand: sorting a 100,000-file library calls this millions of
        // times, and String.format made that sort take seconds (C1-compiled, as the functions run).
        String digits = Long.toString(9_999_999_999_999L - createdAt.toEpochMilli());
        StringBuilder key = new StringBuilder(13 + id.length());
        for (int i = digits.length(); i < 13; i++) {
            key.append('0');
        }
        return key.append(digits).append(id).toString();
    }

    public FileRecord withName(String newName, Instant now) {
        return new FileRecord(id, newName, contentType, kind, size, createdAt, now, status, version, trashedAt,
                versions, upload);
    }

    public FileRecord withStatus(String newStatus, Instant now) {
        return new FileRecord(id, name, contentType, kind, size, createdAt, now, newStatus, version,
                TRASHED.equals(newStatus) ? now : null, versions, upload);
    }

    public FileRecord withUpload(Upload newUpload, Instant now) {
        return new FileRecord(id, name, contentType, kind, size, createdAt, now, status, version, trashedAt,
                versions, newUpload);
    }

    /** This file with {@code added} as its current version (the upload, if it was that one, done). */
    public FileRecord withNewVersion(Version added, List<Version> kept, Instant now) {
        List<Version> all = new ArrayList<>(kept.size() + 1);
        all.add(added);
        all.addAll(kept);
        return new FileRecord(id, name, added.contentType(), MediaTypes.kindOf(added.contentType()), added.size(),
                createdAt, now, isPending() ? READY : status, added.number(), trashedAt, all, null);
    }

    /** The objects holding this file's bytes: every kept version's, and the upload's. */
    public Set<String> objectIds() {
        Set<String> ids = new HashSet<>();
        versions.forEach(v -> ids.add(v.objectId()));
        if (upload != null) {
            ids.add(upload.objectId());
        }
        return ids;
    }

    /** Bytes of the kept versions other than the current one, each object counted once. */
    public long olderVersionBytes() {
        Set<String> seen = new HashSet<>();
        Version current = current();
        if (current != null) {
            seen.add(current.objectId());
        }
        long bytes = 0;
        for (Version v : versions) {
            if (seen.add(v.objectId())) {
                bytes += v.size();
            }
        }
        return bytes;
    }

    /** As stored in the library (everything). */
    public ObjectNode toJson() {
        ObjectNode node = toApiJson();
        ArrayNode array = node.putArray("versions");
        versions.forEach(v -> array.add(v.toJson()));
        if (upload != null) {
            node.set("upload", upload.toJson());
        }
        return node;
    }

    /** As the API shows it ({@code File} of shared/API.md). */
    public ObjectNode toApiJson() {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("name", name);
        node.put("contentType", contentType);
        node.put("kind", kind);
        node.put("size", size);
        node.put("createdAt", createdAt.toString());
        node.put("updatedAt", updatedAt.toString());
        node.put("status", status);
        node.put("version", version);
        if (trashedAt != null) {
            node.put("trashedAt", trashedAt.toString());
        }
        Processing processing = processing();
        node.put("processing", processing == null ? Processing.PENDING : processing.status());
        if (processing != null && processing.isFailed() && processing.reason() != null) {
            node.put("processingError", processing.reason());
        }
        node.putNull("thumbnailUrl");
        node.putNull("media");
        return node;
    }

    public static FileRecord fromJson(JsonNode node) {
        List<Version> versions = new ArrayList<>();
        for (JsonNode v : node.path("versions")) {
            versions.add(Version.fromJson(v));
        }
        JsonNode upload = node.get("upload");
        return new FileRecord(node.path("id").asText(), node.path("name").asText(),
                node.path("contentType").asText(), node.path("kind").asText(), node.path("size").asLong(),
                Instant.parse(node.path("createdAt").asText()), Instant.parse(node.path("updatedAt").asText()),
                node.path("status").asText(), node.path("version").asInt(),
                node.hasNonNull("trashedAt") ? Instant.parse(node.get("trashedAt").asText()) : null,
                versions, upload == null || upload.isNull() ? null : Upload.fromJson(upload));
    }
}
