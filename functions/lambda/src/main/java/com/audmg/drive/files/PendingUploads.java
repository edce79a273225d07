package com.audmg.drive.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

/**
 * Uploads created but not yet completed, one small document each
 * (pending/&lt;userId&gt;/&lt;fileId&gt;.json). Creating an upload writes a new key, so any
 * number of concurrent creates by one user never contend; only completing (which adds the
 * file to the user's index) takes the index's compare-and-swap.
 */
public final class PendingUploads {

    /** A pending record's key as listed: which upload, and when it was written. */
    public record Listed(String fileId, Instant writtenAt) {
    }

    private final JsonObjectStore store;

    public PendingUploads(JsonObjectStore store) {
        this.store = store;
    }

    public void add(String userId, FileRecord file) {
        store.create(Keys.pending(userId, file.id()), file.toJson());
    }

    public Optional<FileRecord> find(String userId, String fileId) {
        return store.get(Keys.pending(userId, fileId)).map(v -> FileRecord.fromJson(v.document()));
    }

    /** Up to {@code max} of the user's pending records, by key (one LIST request). */
    public List<Listed> list(String userId, int max) {
        String prefix = Keys.pendingPrefix(userId);
        List<Listed> listed = new ArrayList<>();
        for (JsonObjectStore.Entry entry : store.list(prefix, max)) {
            String name = entry.key().substring(prefix.length());
            String fileId = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
            if (Keys.isId(fileId)) {
                listed.add(new Listed(fileId, entry.lastModified()));
            }
        }
        return listed;
    }

    /** The records themselves, newest first (one LIST and one GET per record). */
    public List<FileRecord> read(String userId, int max) {
        List<FileRecord> files = new ArrayList<>();
        for (Listed listed : list(userId, max)) {
            // A record completed or cancelled between the LIST and this GET is simply gone.
            find(userId, listed.fileId()).ifPresent(files::add);
        }
        files.sort(FileIndex.NEWEST_FIRST);
        return files;
    }

    /** Marks the upload given up: it can no longer be completed; its bytes go with the record. */
    public void cancel(String userId, FileRecord file) {
        store.overwrite(Keys.pending(userId, file.id()), file.withStatus(FileRecord.CANCELLED).toJson());
    }

    public void remove(String userId, String fileId) {
        store.delete(Keys.pending(userId, fileId));
    }
}
