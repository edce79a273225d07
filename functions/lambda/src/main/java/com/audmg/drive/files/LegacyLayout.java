package com.audmg.drive.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads what the previous release wrote for a user: {@code index/<userId>.json} (all ready files
 * in one document) and {@code pending/<userId>/<fileId>.json} (uploads not yet completed, or
 * cancelled). Their bytes stay where they are ({@code <userId>/<fileId>}): a migrated file's first
 * version uses its file id as object id. The old documents are left in place, never changed.
 */
public final class LegacyLayout implements LibraryStore.Legacy {

    private static final int MAX_PENDING_RECORDS = 1000;

    private final JsonObjectStore data;

    public LegacyLayout(JsonObjectStore data) {
        this.data = data;
    }

    @Override
    public long indexBytes(String userId) {
        return data.size(Keys.index(userId)).orElse(0);
    }

    @Override
    public Optional<List<FileRecord>> read(String userId, Map<String, Set<String>> released) {
        Optional<JsonObjectStore.Versioned> index = data.get(Keys.index(userId));
        List<JsonObjectStore.Entry> pendingKeys = data.list(Keys.pendingPrefix(userId), MAX_PENDING_RECORDS);
        if (index.isEmpty() && pendingKeys.isEmpty()) {
            return Optional.empty();
        }
        Map<String, FileRecord> files = new LinkedHashMap<>();
        if (index.isPresent()) {
            for (JsonNode node : index.get().document().path("files")) {
                toRecord(node).ifPresent(f -> files.put(f.id(), f));
            }
        }
        for (JsonObjectStore.Entry entry : pendingKeys) {
            Optional<JsonObjectStore.Versioned> record = data.get(entry.key());
            if (record.isEmpty()) {
                continue;
            }
            JsonNode node = record.get().document();
            String id = node.path("id").asText();
            if (!Keys.isId(id) || files.containsKey(id) && files.get(id).isReady()) {
                continue; // completed: the index has it (the record was to be removed)
            }
            if ("pending".equals(node.path("status").asText())) {
                toRecord(node).ifPresent(f -> files.put(f.id(), f));
            } else {
                // Cancelled: its bytes (if any were sent) go, once the URL cannot write them again.
                released.put(id, Set.of(id));
            }
        }
        return Optional.of(new ArrayList<>(files.values()));
    }

    /** A previous-release entry ({id, name, contentType, kind, size, createdAt, status}) as a record. */
    static Optional<FileRecord> toRecord(JsonNode node) {
        String id = node.path("id").asText();
        if (!Keys.isId(id)) {
            return Optional.empty();
        }
        Instant created = Instant.parse(node.path("createdAt").asText());
        String contentType = node.path("contentType").asText();
        long size = node.path("size").asLong();
        String name = node.path("name").asText();
        String status = node.path("status").asText();
        if ("ready".equals(status)) {
            FileRecord.Version first = new FileRecord.Version(id, 1, id, size, contentType, created);
            return Optional.of(new FileRecord(id, name, contentType, MediaTypes.kindOf(contentType), size, created,
                    created, FileRecord.READY, 1, null, List.of(first), null));
        }
        if ("pending".equals(status)) {
            return Optional.of(FileRecord.pending(id, name, contentType,
                    new FileRecord.Upload(id, size, contentType, created)));
        }
        return Optional.empty();
    }
}
