package com.audmg.drive.files;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * All files of one user in one JSON document (index/&lt;userId&gt;.json), newest first.
 * Listing, usage and quota checks cost one GET however many files a user has; changes are
 * compare-and-swap writes (If-Match) retried on conflict, so concurrent requests never lose
 * an update and a quota check cannot be raced.
 */
public final class FileIndex {

    /** Newest first; ties broken by id so that cursors are stable. */
    public static final Comparator<FileRecord> NEWEST_FIRST =
            Comparator.comparing(FileRecord::createdAt).thenComparing(FileRecord::id).reversed();

    private static final int MAX_ATTEMPTS = 25;

    private final JsonObjectStore store;

    public FileIndex(JsonObjectStore store) {
        this.store = store;
    }

    public List<FileRecord> read(String userId) {
        return store.get(Keys.index(userId)).map(v -> parse(v.document())).orElseGet(List::of);
    }

    /**
     * Applies a change to the user's file list and stores it; the change may run more than once
     * (on conflict) and may throw to abort. Returns the list as stored.
     */
    public List<FileRecord> update(String userId, UnaryOperator<List<FileRecord>> change) {
        AtomicReference<List<FileRecord>> stored = new AtomicReference<>();
        store.update(Keys.index(userId), current -> {
            List<FileRecord> changed = new ArrayList<>(
                    change.apply(new ArrayList<>(current.map(FileIndex::parse).orElseGet(List::of))));
            changed.sort(NEWEST_FIRST);
            stored.set(changed);
            return toJson(changed);
        }, MAX_ATTEMPTS).orElseThrow(() ->
                // Every attempt lost to another writer: a retryable condition, not a server fault.
                new ApiException(503, "busy", "too many concurrent changes to your files; try again",
                        Map.of("Retry-After", "1")));
        return stored.get();
    }

    /** The ids of the ready files among these. */
    public static Set<String> readyIds(List<FileRecord> files) {
        Set<String> ids = new HashSet<>();
        for (FileRecord file : files) {
            if (file.isReady()) {
                ids.add(file.id());
            }
        }
        return ids;
    }

    private static List<FileRecord> parse(com.fasterxml.jackson.databind.JsonNode doc) {
        List<FileRecord> files = new ArrayList<>();
        for (var node : doc.path("files")) {
            files.add(FileRecord.fromJson(node));
        }
        files.sort(NEWEST_FIRST);
        return files;
    }

    private static ObjectNode toJson(List<FileRecord> files) {
        ObjectNode doc = Json.object();
        doc.put("version", 1);
        ArrayNode array = doc.putArray("files");
        files.forEach(file -> array.add(file.toJson()));
        return doc;
    }
}
