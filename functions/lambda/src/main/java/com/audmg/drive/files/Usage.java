package com.audmg.drive.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.audmg.drive.platform.Json;

/**
 * What a user's library holds, kept in its head and changed by every commit by the difference
 * of the changed files' contributions ({@link #of}), so it never needs a scan to be known.
 */
public record Usage(long files, long bytes, long trashedFiles, long trashedBytes, long versionBytes,
                    long pendingUploads, long pendingBytes) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0, 0);

    /** What one file adds: its current bytes (ready or trashed), older versions' bytes, its upload's reservation. */
    public static Usage of(FileRecord file) {
        if (file == null) {
            return ZERO;
        }
        long pendingUploads = file.upload() == null ? 0 : 1;
        long pendingBytes = file.upload() == null ? 0 : file.upload().size();
        long current = file.current() == null ? 0 : file.current().size();
        return new Usage(file.isReady() ? 1 : 0, file.isReady() ? current : 0, file.isTrashed() ? 1 : 0,
                file.isTrashed() ? current : 0, file.olderVersionBytes(), pendingUploads, pendingBytes);
    }

    public Usage plus(Usage o) {
        return new Usage(files + o.files, bytes + o.bytes, trashedFiles + o.trashedFiles, trashedBytes + o.trashedBytes,
                versionBytes + o.versionBytes, pendingUploads + o.pendingUploads, pendingBytes + o.pendingBytes);
    }

    public Usage minus(Usage o) {
        return new Usage(files - o.files, bytes - o.bytes, trashedFiles - o.trashedFiles, trashedBytes - o.trashedBytes,
                versionBytes - o.versionBytes, pendingUploads - o.pendingUploads, pendingBytes - o.pendingBytes);
    }

    /** Everything that counts toward the quota: ready, trashed, older versions and reserved uploads. */
    public long quotaBytes() {
        return bytes + trashedBytes + versionBytes + pendingBytes;
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("files", files);
        node.put("bytes", bytes);
        node.put("trashedFiles", trashedFiles);
        node.put("trashedBytes", trashedBytes);
        node.put("versionBytes", versionBytes);
        node.put("pendingUploads", pendingUploads);
        node.put("pendingBytes", pendingBytes);
        return node;
    }

    public static Usage fromJson(JsonNode node) {
        return new Usage(node.path("files").asLong(), node.path("bytes").asLong(), node.path("trashedFiles").asLong(),
                node.path("trashedBytes").asLong(), node.path("versionBytes").asLong(),
                node.path("pendingUploads").asLong(), node.path("pendingBytes").asLong());
    }
}
