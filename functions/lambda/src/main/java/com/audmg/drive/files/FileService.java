package com.audmg.drive.files;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * A user's files: uploads and their completion, listing, retrieval, rename, trash, versions and
 * the change feed, over the user's {@link LibraryStore}. Every change is one atomic commit;
 * bytes an upload URL could still write are deleted only once it cannot.
 */
public final class FileService {

    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;
    /** Live (not yet completed) uploads a user may have at once. */
    public static final int MAX_PENDING_UPLOADS = 100;

    /** Limits and the media bucket. */
    public record Settings(String mediaBucket, long maxUploadBytes, long quotaBytes, Duration urlTtl) {
    }

    /** A presigned request the client performs itself. */
    public record SignedRequest(String method, String url, Map<String, String> headers, Instant expiresAt) {
    }

    public record Created(FileRecord file, SignedRequest upload) {
    }

    public record Retrieved(FileRecord file, SignedRequest download) {
    }

    public record Page(List<FileRecord> items, String nextCursor) {
    }

    public record VersionRetrieved(FileRecord file, FileRecord.Version version, SignedRequest download) {
    }

    /** A page of the change feed: {@code changes} hold upserts (a file) and removals (an id). */
    public record ChangesPage(List<LibraryStore.Change> changes, String cursor, boolean hasMore) {
    }

    private final LibraryStore store;
    private final FileLifecycle lifecycle;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final ContentSniffer sniffer;
    private final Settings settings;
    private final Clock clock;

    /** The derived objects' bucket (null: no derived URLs) and where upload events go (null: nowhere). */
    private final String derivedBucket;
    private final com.audmg.drive.platform.SnsPublisher.Events events;

    public FileService(LibraryStore store, FileLifecycle lifecycle, S3Client s3, S3Presigner presigner,
                       ContentSniffer sniffer, Settings settings, Clock clock) {
        this(store, lifecycle, s3, presigner, sniffer, settings, clock, null, null);
    }

    public FileService(LibraryStore store, FileLifecycle lifecycle, S3Client s3, S3Presigner presigner,
                       ContentSniffer sniffer, Settings settings, Clock clock, String derivedBucket,
                       com.audmg.drive.platform.SnsPublisher.Events events) {
        this.derivedBucket = derivedBucket;
        this.events = events;
        this.store = store;
        this.lifecycle = lifecycle;
        this.s3 = s3;
        this.presigner = presigner;
        this.sniffer = sniffer;
        this.settings = settings;
        this.clock = clock;
    }

    // ---- uploads -------------------------------------------------------------------------

    /**
     * Records a pending upload and signs its PUT. Its size is reserved against the quota in the
     * same commit, so concurrent creates cannot together pass the quota or the pending limit.
     */
    public Created createUpload(String userId, String name, String declaredType, long size) {
        validateName(name);
        String contentType = checkUpload(declaredType, size);
        FileRecord file = withRoom(userId, size, () -> store.commit(userId, library -> {
            checkRoom(library, size);
            Instant now = now();
            String id = Keys.newTimeId(now);
            FileRecord created = FileRecord.pending(id, name, contentType,
                    new FileRecord.Upload(id, size, contentType, now));
            return LibraryStore.Mutation.of(created).put(created);
        }));
        StructuredLog.annotate("fileId", file.id());
        return new Created(file, signUpload(userId, file.upload()));
    }

    /** Starts a new version of a ready file: same id, same upload flow; a previous unfinished one is dropped. */
    public Created createVersion(String userId, String fileId, String declaredType, long size) {
        StructuredLog.annotate("fileId", fileId);
        String contentType = checkUpload(declaredType, size);
        FileRecord file = withRoom(userId, size, () -> store.commit(userId, library -> {
            FileRecord current = library.find(fileId).filter(FileRecord::isReady).orElseThrow(ApiException::notFound);
            if (!MediaTypes.kindOf(contentType).equals(current.kind())) {
                throw new ApiException(415, "unsupported_media_type",
                        "a new version of an " + current.kind() + " file must be " + current.kind() + " too");
            }
            long replaced = current.upload() == null ? 0 : current.upload().size();
            checkRoom(library, size - replaced, current.upload() == null);
            Instant now = now();
            FileRecord changed = current.withUpload(
                    new FileRecord.Upload(Keys.newTimeId(now), size, contentType, now), now);
            return LibraryStore.Mutation.of(changed).put(changed);
        }));
        StructuredLog.annotate("versionId", file.upload().objectId());
        return new Created(file, signUpload(userId, file.upload()));
    }

    /**
     * Completes an upload: the first of a file ({@code versionId} null) or a new version. Checks
     * the size and the real format of the bytes (exactly the declared type), then makes it the
     * current version in one commit that also checks the upload is still the file's. Repeating a
     * completed complete answers the file again; nothing a DELETE removed comes back.
     */
    public FileRecord complete(String userId, String fileId, String versionId) {
        StructuredLog.annotate("fileId", fileId);
        if (versionId != null) {
            StructuredLog.annotate("versionId", versionId);
        }
        FileRecord file = store.open(userId).find(fileId).orElseThrow(ApiException::notFound);
        Optional<FileRecord> done = completedAlready(file, versionId);
        if (done.isPresent()) {
            return done.get();
        }
        FileRecord.Upload upload = uploadOf(file, versionId).orElseThrow(ApiException::notFound);
        if (!lifecycle.canComplete(upload, now())) {
            throw ApiException.notFound();
        }
        String key = Keys.media(userId, upload.objectId());
        Optional<HeadObjectResponse> head = head(key);
        if (head.isEmpty() || head.get().contentLength() == null || head.get().contentLength() != upload.size()) {
            throw new ApiException(409, "upload_missing",
                    "no upload of the declared size (" + upload.size() + " bytes) was found");
        }
        String detected = sniffer.detect(firstBytes(key, upload.size()));
        if (!MediaTypes.sameFormat(upload.contentType(), detected)) {
            dropUpload(userId, fileId, upload.objectId());
            throw new ApiException(415, "content_mismatch", "the uploaded bytes are not " + upload.contentType()
                    + (MediaTypes.kindOfDetected(detected).isPresent() ? " (they are " + detected + ")" : ""));
        }
        FileRecord ready = store.commit(userId, library -> {
            FileRecord now = library.find(fileId).orElseThrow(ApiException::notFound);
            Optional<FileRecord> already = completedAlready(now, versionId);
            if (already.isPresent()) {
                return LibraryStore.Mutation.of(already.get());
            }
            if (now.upload() == null || !now.upload().objectId().equals(upload.objectId())) {
                throw ApiException.notFound(); // cancelled, trashed or replaced meanwhile
            }
            Instant time = now();
            // Processing may have finished before complete (the S3 event comes with the PUT): keep it.
            FileRecord.Version added = new FileRecord.Version(upload.objectId(), now.version() + 1, upload.objectId(),
                    upload.size(), upload.contentType(), time, now.upload().processing());
            FileRecord changed = withVersion(now, added, time);
            return LibraryStore.Mutation.of(changed).put(changed);
        });
        StructuredLog.annotate("versionId", ready.current() == null ? upload.objectId() : ready.current().versionId());
        StructuredLog.metric("Uploads", 1, "Count");
        StructuredLog.metric("BytesUploaded", upload.size(), "Bytes");
        publish("upload completed", userId, ready, upload.objectId(), "completed", null);
        return ready;
    }

    /**
     * The file, when this upload was completed already (a repeated or concurrent complete). A file
     * trashed since is not found: a DELETE that answered is never followed by a successful complete.
     */
    private static Optional<FileRecord> completedAlready(FileRecord file, String versionId) {
        boolean done = versionId == null ? !file.isPending()
                : file.versions().stream().anyMatch(v -> v.versionId().equals(versionId));
        if (done && file.isTrashed()) {
            throw ApiException.notFound();
        }
        return done ? Optional.of(file) : Optional.empty();
    }

    private static Optional<FileRecord.Upload> uploadOf(FileRecord file, String versionId) {
        FileRecord.Upload upload = file.upload();
        if (upload == null) {
            return Optional.empty();
        }
        if (versionId == null) {
            return file.isPending() ? Optional.of(upload) : Optional.empty();
        }
        return upload.objectId().equals(versionId) && !file.isPending() ? Optional.of(upload) : Optional.empty();
    }

    /** Gives up an upload whose bytes were refused: the pending file goes, or the version upload. */
    private void dropUpload(String userId, String fileId, String objectId) {
        store.commit(userId, library -> {
            Optional<FileRecord> file = library.find(fileId);
            if (file.isEmpty() || file.get().upload() == null || !file.get().upload().objectId().equals(objectId)) {
                return LibraryStore.Mutation.of(null);
            }
            if (file.get().isPending()) {
                return LibraryStore.Mutation.of(null).remove(fileId);
            }
            return LibraryStore.Mutation.of(null).put(file.get().withUpload(null, now()));
        });
    }

    // ---- reading --------------------------------------------------------------------------

    /** One page of the user's files with the given status (ready, pending or trashed), newest first. */
    public Page list(String userId, String status, Optional<String> kind, Optional<String> query, int limit,
                     Optional<String> cursor) {
        Optional<LibraryStore.Position> from = cursor.map(FileService::decodeListCursor);
        LibraryStore.Query q = new LibraryStore.Query(Set.of(status), kind,
                query.map(text -> text.toLowerCase(Locale.ROOT)));
        LibraryStore.Library library = store.open(userId);
        LibraryStore.Page page = library.list(q, from.orElse(null), limit);
        List<FileRecord> items = page.items();
        if (FileRecord.PENDING.equals(status)) {
            Instant now = now();
            items = items.stream().filter(f -> lifecycle.canComplete(f.upload(), now)).toList();
        }
        return new Page(items, page.next() == null ? null : encodeListCursor(page.next()));
    }

    /** A ready or trashed file with a download URL of its current version. */
    public Retrieved get(String userId, String fileId) {
        StructuredLog.annotate("fileId", fileId);
        FileRecord file = store.open(userId).find(fileId).filter(f -> !f.isPending())
                .orElseThrow(ApiException::notFound);
        StructuredLog.annotate("versionId", file.current().versionId());
        return new Retrieved(file, signDownload(userId, file.current().objectId()));
    }

    public Usage usage(String userId) {
        return store.open(userId).usage();
    }

    public long quotaBytes() {
        return settings.quotaBytes();
    }

    // ---- rename, trash, restore, delete ---------------------------------------------------

    public FileRecord rename(String userId, String fileId, String name) {
        StructuredLog.annotate("fileId", fileId);
        validateName(name);
        return store.commit(userId, library -> {
            FileRecord file = library.find(fileId).orElseThrow(ApiException::notFound);
            if (file.name().equals(name)) {
                return LibraryStore.Mutation.of(file);
            }
            FileRecord renamed = file.withName(name, now());
            return LibraryStore.Mutation.of(renamed).put(renamed);
        });
    }

    /**
     * DELETE: a pending upload is cancelled, a ready file goes to the trash (its upload in flight,
     * if any, is cancelled), and with {@code permanent} any file is deleted for good.
     */
    public void delete(String userId, String fileId, boolean permanent) {
        StructuredLog.annotate("fileId", fileId);
        store.commit(userId, library -> {
            FileRecord file = library.find(fileId).orElseThrow(ApiException::notFound);
            if (permanent || file.isPending()) {
                return LibraryStore.Mutation.of(null).remove(fileId);
            }
            if (file.isTrashed()) {
                return LibraryStore.Mutation.of(null); // already there
            }
            Instant now = now();
            return LibraryStore.Mutation.of(null).put(file.withUpload(null, now).withStatus(FileRecord.TRASHED, now));
        });
    }

    public FileRecord restore(String userId, String fileId) {
        StructuredLog.annotate("fileId", fileId);
        return store.commit(userId, library -> {
            FileRecord file = library.find(fileId).filter(f -> !f.isPending()).orElseThrow(ApiException::notFound);
            if (file.isReady()) {
                return LibraryStore.Mutation.of(file);
            }
            FileRecord restored = file.withStatus(FileRecord.READY, now());
            return LibraryStore.Mutation.of(restored).put(restored);
        });
    }

    // ---- versions -------------------------------------------------------------------------

    public FileRecord versions(String userId, String fileId) {
        StructuredLog.annotate("fileId", fileId);
        return store.open(userId).find(fileId).filter(f -> !f.isPending()).orElseThrow(ApiException::notFound);
    }

    public VersionRetrieved version(String userId, String fileId, String versionId) {
        StructuredLog.annotate("fileId", fileId);
        StructuredLog.annotate("versionId", versionId);
        FileRecord file = versions(userId, fileId);
        FileRecord.Version version = findVersion(file, versionId);
        return new VersionRetrieved(file, version, signDownload(userId, version.objectId()));
    }

    /** Makes an older version's content the newest version (its bytes shared, not copied). */
    public FileRecord restoreVersion(String userId, String fileId, String versionId) {
        StructuredLog.annotate("fileId", fileId);
        StructuredLog.annotate("versionId", versionId);
        return store.commit(userId, library -> {
            FileRecord file = library.find(fileId).filter(FileRecord::isReady).orElseThrow(ApiException::notFound);
            FileRecord.Version old = findVersion(file, versionId);
            if (old == file.current()) {
                return LibraryStore.Mutation.of(file);
            }
            Instant now = now();
            // Same bytes, same processing (thumbnails and renditions are per object).
            FileRecord.Version added = new FileRecord.Version(Keys.newTimeId(now), file.version() + 1, old.objectId(),
                    old.size(), old.contentType(), now, file.processingOf(old.objectId()));
            FileRecord changed = withVersion(file, added, now);
            return LibraryStore.Mutation.of(changed).put(changed);
        });
    }

    private static FileRecord.Version findVersion(FileRecord file, String versionId) {
        return file.versions().stream().filter(v -> v.versionId().equals(versionId)).findFirst()
                .orElseThrow(() -> new ApiException(404, "not_found", "version not found"));
    }

    private FileRecord withVersion(FileRecord file, FileRecord.Version added, Instant now) {
        List<FileRecord.Version> all = new ArrayList<>();
        all.add(added);
        all.addAll(file.versions());
        List<FileRecord.Version> kept = lifecycle.keep(all, now);
        return file.withNewVersion(added, kept.subList(1, kept.size()), now);
    }

    // ---- media pipeline -------------------------------------------------------------------

    /** Names the processor may write under {@code <userId>/<objectId>/} in the derived bucket. */
    public static final List<String> DERIVED_NAMES = List.of(
            "thumb.jpg", "preview.jpg", "cover.jpg", "waveform.json", "playable.wav");

    /** What recording a processing result did. */
    public enum Recorded {
        /** Stored with the version(s) or upload holding the object. */
        ATTACHED,
        /** A result was there already (a repeated delivery): nothing changed. */
        ALREADY,
        /** No file holds the object any more (deleted, cancelled, versions dropped): release what was derived. */
        GONE
    }

    public record RecordOutcome(Recorded recorded, FileRecord file) {
    }

    /**
     * The file holding {@code objectId}: a file's first upload uses the file id as its object
     * id; a later version's object is searched for in the library (newest first).
     */
    public Optional<FileRecord> locate(String userId, String objectId) {
        LibraryStore.Library library = store.open(userId);
        Optional<FileRecord> direct = library.find(objectId).filter(f -> f.holds(objectId));
        if (direct.isPresent()) {
            return direct;
        }
        return allFiles(library).filter(f -> f.holds(objectId)).findFirst();
    }

    /**
     * Records what processing made of {@code objectId} in one commit, on every version and the
     * upload of the file that hold it, whatever happened meanwhile: a file completed, trashed or
     * given a newer version keeps the result with the right bytes; a file that no longer holds the
     * object gets nothing ({@link Recorded#GONE}: the caller deletes what it derived). A done result
     * is never replaced by a failure of a later (repeated) delivery.
     */
    public RecordOutcome recordProcessing(String userId, String fileId, String objectId, FileRecord.Processing result) {
        StructuredLog.annotate("fileId", fileId);
        return store.commit(userId, library -> {
            FileRecord file = library.find(fileId).orElse(null);
            if (file == null || !file.holds(objectId)) {
                return LibraryStore.Mutation.of(new RecordOutcome(Recorded.GONE, file));
            }
            FileRecord.Processing before = file.processingOf(objectId);
            if (before != null && before.isDone()
                    || before != null && result.isFailed() && before.isFailed()
                            && java.util.Objects.equals(before.reason(), result.reason())) {
                return LibraryStore.Mutation.of(new RecordOutcome(Recorded.ALREADY, file));
            }
            FileRecord changed = file.withProcessing(objectId, result);
            return LibraryStore.Mutation.of(new RecordOutcome(Recorded.ATTACHED, changed)).put(changed);
        });
    }

    /**
     * The objects of a user's files (kept versions and uploads) that have no processing result yet:
     * those stored before the media pipeline existed, or whose messages were lost. {@code [fileId, objectId]}.
     */
    public List<String[]> unprocessed(String userId) {
        List<String[]> found = new ArrayList<>();
        allFiles(store.open(userId)).forEach(file -> {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String objectId : file.objectIds()) {
                if (seen.add(objectId) && file.processingOf(objectId) == null) {
                    found.add(new String[] {file.id(), objectId});
                }
            }
        });
        return found;
    }

    /** Publishes a processing failure (once it is recorded). */
    public void publishFailure(String userId, FileRecord file, String objectId, String reason) {
        publish("processing failed", userId, file, objectId, "failed", reason);
    }

    private void publish(String subject, String userId, FileRecord file, String objectId, String outcome, String reason) {
        if (events == null) {
            return;
        }
        ObjectNode event = Json.object();
        event.put("type", "completed".equals(outcome) ? "upload.completed" : "processing.failed");
        event.put("userId", userId);
        event.put("fileId", file.id());
        event.put("objectId", objectId);
        event.put("kind", file.kind());
        event.put("contentType", file.contentType());
        event.put("size", file.size());
        event.put("outcome", outcome);
        if (reason != null) {
            event.put("reason", reason);
        }
        event.put("at", now().toString());
        try {
            events.publish(subject, Json.write(event));
        } catch (RuntimeException e) {
            // The upload or the failure is recorded either way; a lost notification is logged, not fatal.
            StructuredLog.annotate("eventPublishError", String.valueOf(e.getMessage()));
        }
    }

    /**
     * The file as the API shows it ({@code File} of shared/API.md), with short-lived signed URLs
     * of its derived objects: the thumbnail, and for audio the cover, waveform and playable rendition.
     */
    public ObjectNode view(String userId, FileRecord file) {
        ObjectNode node = file.toApiJson();
        FileRecord.Processing processing = file.processing();
        if (processing == null || !processing.isDone() || processing.media() == null) {
            return node;
        }
        String objectId = file.current() != null ? file.current().objectId()
                : file.upload() == null ? null : file.upload().objectId();
        ObjectNode media = processing.media().deepCopy();
        if (derivedBucket != null && objectId != null) {
            List<String> derived = processing.derived();
            if (derived.contains("thumb.jpg")) {
                node.put("thumbnailUrl", signDerived(userId, objectId, "thumb.jpg"));
            }
            if (derived.contains("preview.jpg")) {
                media.put("previewUrl", signDerived(userId, objectId, "preview.jpg"));
            }
            if (MediaTypes.AUDIO.equals(file.kind())) {
                media.put("coverUrl", derived.contains("cover.jpg") ? signDerived(userId, objectId, "cover.jpg") : null);
                media.put("waveformUrl", derived.contains("waveform.json")
                        ? signDerived(userId, objectId, "waveform.json") : null);
                media.put("playableUrl", derived.contains("playable.wav")
                        ? signDerived(userId, objectId, "playable.wav") : null);
            }
        } else if (MediaTypes.AUDIO.equals(file.kind())) {
            media.putNull("coverUrl");
            media.putNull("waveformUrl");
            media.putNull("playableUrl");
        }
        node.set("media", media);
        return node;
    }

    private String signDerived(String userId, String objectId, String name) {
        return presigner.presignGetObject(GetObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .getObjectRequest(GetObjectRequest.builder()
                        .bucket(derivedBucket)
                        .key(Keys.derived(userId, objectId, name))
                        .build())
                .build()).url().toString();
    }

    // ---- change feed ----------------------------------------------------------------------

    /**
     * The change feed. Without a cursor it first pages through every file (a snapshot, read as
     * it is while paging), then goes on with the changes committed since the snapshot began, so
     * a client that applies the pages in order holds an exact copy.
     */
    public ChangesPage changes(String userId, Optional<String> cursor, int limit) {
        LibraryStore.Library library = store.open(userId);
        FeedCursor at = cursor.map(FeedCursor::decode).orElse(null);
        if (at != null && (!at.store().equals(library.storeId()) || at.seq() < library.logFloor()
                || at.seq() > library.seq())) {
            throw cursorExpired();
        }
        if (at == null || at.snapshot() != null) {
            long seq0 = at == null ? library.seq() : at.seq();
            LibraryStore.Page page = library.list(new LibraryStore.Query(
                    Set.of(FileRecord.PENDING, FileRecord.READY, FileRecord.TRASHED), Optional.empty(), Optional.empty()),
                    at == null ? null : at.snapshot(), limit);
            List<LibraryStore.Change> changes = new ArrayList<>();
            page.items().forEach(f -> changes.add(new LibraryStore.Change(seq0, f.id(), f)));
            FeedCursor next = new FeedCursor(library.storeId(), seq0, page.next());
            return new ChangesPage(changes, next.encode(), page.next() != null || library.seq() > seq0);
        }
        try {
            LibraryStore.ChangeBatch batch = library.changesAfter(at.seq(), limit);
            return new ChangesPage(batch.changes(), new FeedCursor(library.storeId(), batch.lastSeq(), null).encode(),
                    batch.more());
        } catch (LibraryStore.ChangesExpiredException e) {
            throw cursorExpired();
        }
    }

    private static ApiException cursorExpired() {
        return new ApiException(410, "cursor_expired", "the cursor has expired; start again without a cursor");
    }

    /** A change-feed position: a library (store id), a sequence number, and while in the snapshot, where. */
    record FeedCursor(String store, long seq, LibraryStore.Position snapshot) {

        String encode() {
            ObjectNode node = Json.object();
            node.put("s", store);
            node.put("q", seq);
            if (snapshot != null) {
                node.put("k", snapshot.key());
                node.put("i", snapshot.inclusive());
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
        }

        static FeedCursor decode(String cursor) {
            try {
                JsonNode node = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
                String store = node.get("s").asText();
                long seq = node.get("q").asLong();
                if (!Keys.isId(store) || seq < 0) {
                    throw new IllegalArgumentException();
                }
                LibraryStore.Position snapshot = node.hasNonNull("k")
                        ? new LibraryStore.Position(sortKeyOf(node.get("k").asText()), node.path("i").asBoolean())
                        : null;
                return new FeedCursor(store, seq, snapshot);
            } catch (Exception e) {
                throw ApiException.invalidRequest("cursor", "cursor is not valid");
            }
        }
    }

    // ---- sweeping -------------------------------------------------------------------------

    /** What one library's sweep did. */
    public record SweepResult(int scanned, int abandonedUploads, int trashPurged, int versionsPurged) {
    }

    /**
     * Removes what has expired in one library: uploads never completed, files trashed over
     * {@link FileLifecycle#TRASH_KEPT} ago, versions past their keeping; then records when the
     * next thing expires. Each change is an ordinary commit (bytes released as usual).
     */
    public SweepResult sweepLibrary(String userId) {
        LibraryStore.Library library = store.open(userId);
        Instant seenDue = library.nextDue();
        Instant now = now();
        if (seenDue == null || seenDue.isAfter(now)) {
            return new SweepResult(0, 0, 0, 0);
        }
        int scanned = 0;
        int[] counts = new int[3];
        Instant nextDue = null;
        for (java.util.Iterator<FileRecord> files = allFiles(library).iterator(); files.hasNext(); ) {
            scanned++;
            FileRecord after = expire(userId, files.next(), now, counts);
            nextDue = FileLifecycle.earliest(nextDue, lifecycle.nextDue(after));
        }
        store.setNextDue(userId, nextDue, seenDue);
        return new SweepResult(scanned, counts[0], counts[1], counts[2]);
    }

    /** A file as one expiry left it, and what that removed (counted once, from the commit that landed). */
    private record Expired(FileRecord file, int abandonedUploads, int purgedFiles, int droppedVersions) {
    }

    /** Applies what has expired of one file (one commit if anything did); returns the file as left. */
    private FileRecord expire(String userId, FileRecord seen, Instant now, int[] counts) {
        boolean due = seen.upload() != null && lifecycle.isAbandoned(seen.upload(), now)
                || lifecycle.trashExpired(seen, now)
                || lifecycle.keep(seen.versions(), now).size() < seen.versions().size();
        if (!due) {
            return seen;
        }
        // The change may run more than once (a lost compare-and-swap retries it): it reports what it
        // removed, and only the attempt that was committed is counted.
        Expired expired = store.commit(userId, library -> {
            FileRecord file = library.find(seen.id()).orElse(null);
            if (file == null) {
                return LibraryStore.Mutation.of(new Expired(null, 0, 0, 0));
            }
            if (file.isPending() && lifecycle.isAbandoned(file.upload(), now) || lifecycle.trashExpired(file, now)) {
                Expired gone = file.isPending() ? new Expired(null, 1, 0, 0) : new Expired(null, 0, 1, 0);
                return LibraryStore.Mutation.of(gone).remove(file.id());
            }
            FileRecord changed = file;
            int abandoned = 0;
            if (changed.upload() != null && lifecycle.isAbandoned(changed.upload(), now)) {
                abandoned = 1;
                changed = changed.withUpload(null, changed.updatedAt());
            }
            List<FileRecord.Version> kept = lifecycle.keep(changed.versions(), now);
            int dropped = changed.versions().size() - kept.size();
            if (dropped > 0) {
                changed = new FileRecord(changed.id(), changed.name(), changed.contentType(), changed.kind(),
                        changed.size(), changed.createdAt(), changed.updatedAt(), changed.status(), changed.version(),
                        changed.trashedAt(), kept, changed.upload());
            }
            Expired outcome = new Expired(changed, abandoned, 0, dropped);
            return changed == file ? LibraryStore.Mutation.of(outcome) : LibraryStore.Mutation.of(outcome).put(changed);
        });
        counts[0] += expired.abandonedUploads();
        counts[1] += expired.purgedFiles();
        counts[2] += expired.droppedVersions();
        return expired.file();
    }

    // ---- helpers --------------------------------------------------------------------------

    private static final LibraryStore.Query EVERY_FILE = new LibraryStore.Query(
            Set.of(FileRecord.PENDING, FileRecord.READY, FileRecord.TRASHED), Optional.empty(), Optional.empty());

    /** Every file of the library, whatever its status, newest first, read page by page as consumed. */
    private static java.util.stream.Stream<FileRecord> allFiles(LibraryStore.Library library) {
        java.util.Iterator<FileRecord> files = new java.util.Iterator<>() {
            private LibraryStore.Position from;
            private java.util.Iterator<FileRecord> page = java.util.Collections.emptyIterator();
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    LibraryStore.Page next = library.list(EVERY_FILE, from, MAX_LIMIT);
                    page = next.items().iterator();
                    from = next.next();
                    last = from == null;
                }
                return page.hasNext();
            }

            @Override
            public FileRecord next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.next();
            }
        };
        return java.util.stream.StreamSupport.stream(
                java.util.Spliterators.spliteratorUnknownSize(files, java.util.Spliterator.ORDERED), false);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private String checkUpload(String declaredType, long size) {
        String contentType = MediaTypes.canonicalDeclared(declaredType).orElseThrow(() -> new ApiException(
                415, "unsupported_media_type", "only JPEG, PNG, GIF, WebP, BMP images and MP3, WAV, FLAC, OGG, M4A/AAC audio are allowed"));
        if (size > settings.maxUploadBytes()) {
            throw new ApiException(413, "too_large", "file is larger than " + settings.maxUploadBytes() + " bytes");
        }
        return contentType;
    }

    private void checkRoom(LibraryStore.Library library, long size) {
        checkRoom(library, size, true);
    }

    private void checkRoom(LibraryStore.Library library, long addedBytes, boolean addsUpload) {
        Usage usage = library.usage();
        if (addsUpload && usage.pendingUploads() >= MAX_PENDING_UPLOADS) {
            throw new ApiException(429, "too_many_pending_uploads", usage.pendingUploads()
                    + " uploads are waiting to be completed; complete or cancel some first");
        }
        if (usage.quotaBytes() + addedBytes > settings.quotaBytes()) {
            throw new ApiException(507, "quota_exceeded", "the upload would exceed your storage quota of "
                    + settings.quotaBytes() + " bytes (trash and older versions count too)");
        }
    }

    /** Runs a create; when it is refused for room and something in the library has expired, sweeps it and tries again. */
    private FileRecord withRoom(String userId, long size, java.util.function.Supplier<FileRecord> create) {
        try {
            return create.get();
        } catch (ApiException e) {
            if (e.status() != 429 && e.status() != 507) {
                throw e;
            }
            Instant due = store.open(userId).nextDue();
            if (due == null || due.isAfter(now()) || sweepLibrary(userId).scanned() == 0) {
                throw e;
            }
            return create.get();
        }
    }

    private SignedRequest signUpload(String userId, FileRecord.Upload upload) {
        PresignedPutObjectRequest signed = presigner.presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .putObjectRequest(PutObjectRequest.builder()
                        .bucket(settings.mediaBucket())
                        .key(Keys.media(userId, upload.objectId()))
                        .contentType(upload.contentType())
                        .contentLength(upload.size())
                        // The URL can create its object once: bytes checked by complete cannot be
                        // swapped afterwards through the same, still valid, URL.
                        .ifNoneMatch("*")
                        .build())
                .build());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", upload.contentType());
        headers.put("Content-Length", Long.toString(upload.size()));
        headers.put("If-None-Match", "*");
        return new SignedRequest("PUT", signed.url().toString(), headers, signed.expiration());
    }

    private SignedRequest signDownload(String userId, String objectId) {
        PresignedGetObjectRequest signed = presigner.presignGetObject(GetObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .getObjectRequest(GetObjectRequest.builder()
                        .bucket(settings.mediaBucket())
                        .key(Keys.media(userId, objectId))
                        .build())
                .build());
        return new SignedRequest("GET", signed.url().toString(), Map.of(), signed.expiration());
    }

    static void validateName(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME_LENGTH) {
            throw ApiException.invalidRequest("name", "name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw ApiException.invalidRequest("name", "name must not contain control characters");
        }
    }

    /** The media object's metadata, or empty when it does not exist. */
    public Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(HeadObjectRequest.builder().bucket(settings.mediaBucket()).key(key).build()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private byte[] firstBytes(String key, long size) {
        long last = Math.min(size, ContentSniffer.SNIFF_BYTES) - 1;
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(settings.mediaBucket()).key(key).range("bytes=0-" + last).build());
            return bytes.asByteArray();
        } catch (NoSuchKeyException e) {
            // Deleted since the size check (a concurrent DELETE released it): as if never sent.
            throw new ApiException(409, "upload_missing", "the upload's bytes are gone");
        }
    }

    /**
     * Listing cursors: {"k": sort key, "i": inclusive}. Cursors of the previous release
     * ({"t": createdAt, "i": id}, the last item shown) still work.
     */
    private static String encodeListCursor(LibraryStore.Position next) {
        String json = Json.write(Map.of("k", next.key(), "in", next.inclusive()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static LibraryStore.Position decodeListCursor(String cursor) {
        try {
            JsonNode node = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node.hasNonNull("k")) {
                return new LibraryStore.Position(sortKeyOf(node.get("k").asText()), node.path("in").asBoolean());
            }
            String id = node.get("i").asText();
            if (!Keys.isId(id)) {
                throw new IllegalArgumentException();
            }
            return new LibraryStore.Position(FileRecord.sortKey(Instant.parse(node.get("t").asText()), id), false);
        } catch (Exception e) {
            throw ApiException.invalidRequest("cursor", "cursor is not valid");
        }
    }

    private static String sortKeyOf(String key) {
        if (!key.matches("[0-9]{13}[a-z0-9]{26}")) {
            throw new IllegalArgumentException("not a sort key");
        }
        return key;
    }
}
