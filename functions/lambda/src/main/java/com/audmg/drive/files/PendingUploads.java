package com.audmg.drive.files;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;

/**
 * Uploads created but not yet completed, one small document each
 * (pending/&lt;userId&gt;/&lt;fileId&gt;.json). Creating an upload writes a new key, so any
 * number of concurrent creates by one user never contend; only completing (which adds the
 * file to the user's index) takes the index's compare-and-swap. A record is also the only
 * pointer to the bytes of an upload never completed: it goes together with them.
 */
public final class PendingUploads {

    /** An uncompleted upload's record and bytes are removed once its URL expired and this passed. */
    static final Duration ABANDON_AFTER = Duration.ofHours(1);

    /** A pending record's key as listed: whose upload, which, and when it was written. */
    public record Listed(String userId, String fileId, Instant writtenAt) {
    }

    private static final String ROOT = "pending/";
    private static final String SUFFIX = ".json";

    private final JsonObjectStore store;
    private final S3Client s3;
    private final String mediaBucket;
    private final Duration urlTtl;

    public PendingUploads(JsonObjectStore store, S3Client s3, String mediaBucket, Duration urlTtl) {
        this.store = store;
        this.s3 = s3;
        this.mediaBucket = mediaBucket;
        this.urlTtl = urlTtl;
    }

    public void add(String userId, FileRecord file) {
        store.create(Keys.pending(userId, file.id()), file.toJson());
    }

    public Optional<FileRecord> find(String userId, String fileId) {
        return store.get(Keys.pending(userId, fileId)).map(v -> FileRecord.fromJson(v.document()));
    }

    /** Up to {@code max} of the user's pending records, by key (one LIST request). */
    public List<Listed> list(String userId, int max) {
        List<Listed> listed = new ArrayList<>();
        for (JsonObjectStore.Entry entry : store.list(Keys.pendingPrefix(userId), max)) {
            parse(entry).ifPresent(listed::add);
        }
        return listed;
    }

    /** Every user's records, in key order (so each user's are together), page by page. */
    public Stream<Listed> listAll() {
        return store.listAll(ROOT).map(PendingUploads::parse).flatMap(Optional::stream);
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

    /**
     * Whether an upload created (or its record written) at that time is past completing
     * (complete refuses it well before) and its URL can no longer write, so that it and its
     * bytes may go.
     */
    public boolean isAbandoned(Instant time, Instant now) {
        return now.isAfter(time.plus(urlTtl).plus(ABANDON_AFTER));
    }

    /**
     * Removes a listed upload if it is abandoned: judged first by when its record was last
     * written (from the LIST, no request), then by its own creation time (one GET).
     * Returns whether it is gone.
     */
    public boolean removeIfAbandoned(Listed listed, Set<String> readyIds, Instant now) {
        if (!isAbandoned(listed.writtenAt(), now)) {
            return false;
        }
        Optional<FileRecord> record = find(listed.userId(), listed.fileId());
        if (record.isPresent() && !isAbandoned(record.get().createdAt(), now)) {
            return false;
        }
        discard(listed.userId(), listed.fileId(), readyIds);
        return true;
    }

    /** Removes a record, and its bytes unless the upload is among the user's ready files after all. */
    public void discard(String userId, String fileId, Set<String> readyIds) {
        if (!readyIds.contains(fileId)) {
            deleteBytes(userId, fileId);
        }
        remove(userId, fileId);
    }

    /** Deletes a file's bytes from the media bucket (absent bytes are no error). */
    public void deleteBytes(String userId, String fileId) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(mediaBucket).key(Keys.media(userId, fileId)).build());
    }

    private static Optional<Listed> parse(JsonObjectStore.Entry entry) {
        String[] parts = entry.key().substring(ROOT.length()).split("/", -1);
        if (parts.length != 2 || !parts[1].endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String fileId = parts[1].substring(0, parts[1].length() - SUFFIX.length());
        return Keys.isId(parts[0]) && Keys.isId(fileId)
                ? Optional.of(new Listed(parts[0], fileId, entry.lastModified()))
                : Optional.empty();
    }
}
