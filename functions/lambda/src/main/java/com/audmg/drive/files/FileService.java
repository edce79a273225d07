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
import java.util.concurrent.atomic.AtomicReference;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/** Uploads, listing, retrieval and deletion of a user's files. */
public final class FileService {

    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;
    /** Keys one LIST returns at most. */
    private static final int MAX_LIST_KEYS = 1000;

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

    public record Usage(long files, long bytes) {
    }

    /** Live (not yet completed, not expired) uploads a user may have at once. */
    public static final int MAX_PENDING_UPLOADS = 100;

    /** A pending upload may be completed until its URL expired and this much longer. */
    static final Duration COMPLETE_GRACE = Duration.ofMinutes(50);
    /**
     * A cancelled upload's record and bytes are removed once its URL expired (until then the
     * URL could still write the bytes) and this passed, which is longer than any request runs.
     */
    static final Duration CANCEL_SETTLE = Duration.ofMinutes(2);

    private final FileIndex index;
    private final PendingUploads pending;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final ContentSniffer sniffer;
    private final Settings settings;
    private final Clock clock;

    public FileService(FileIndex index, PendingUploads pending, S3Client s3, S3Presigner presigner,
                       ContentSniffer sniffer, Settings settings, Clock clock) {
        this.index = index;
        this.pending = pending;
        this.s3 = s3;
        this.presigner = presigner;
        this.sniffer = sniffer;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Records a pending upload and signs its PUT. The record is a new key of its own, so
     * concurrent creates never retry each other. The quota is checked against the ready files
     * plus the uploads still pending; it is enforced again, atomically, on complete.
     */
    public Created createUpload(String userId, String name, String declaredType, long size) {
        validateName(name);
        String contentType = MediaTypes.canonicalDeclared(declaredType).orElseThrow(() -> new ApiException(
                415, "unsupported_media_type", "only JPEG, PNG, GIF, WebP, BMP images and MP3, WAV, FLAC, OGG, M4A/AAC audio are allowed"));
        if (size > settings.maxUploadBytes()) {
            throw new ApiException(413, "too_large", "file is larger than " + settings.maxUploadBytes() + " bytes");
        }
        Instant now = clock.instant();
        List<FileRecord> indexed = index.read(userId);
        long committed = readyBytes(indexed);
        if (committed + size > settings.quotaBytes()) {
            throw quotaExceeded();
        }
        checkPendingRoom(userId, indexed, committed, size, now);

        FileRecord file = new FileRecord(Keys.newId(), name, contentType, MediaTypes.kindOf(contentType), size,
                now, FileRecord.PENDING);
        pending.add(userId, file);
        PresignedPutObjectRequest signed = presigner.presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .putObjectRequest(PutObjectRequest.builder()
                        .bucket(settings.mediaBucket())
                        .key(Keys.media(userId, file.id()))
                        .contentType(contentType)
                        .contentLength(size)
                        // The URL can create the object once: bytes checked by complete cannot
                        // be swapped afterwards through the same, still valid, URL.
                        .ifNoneMatch("*")
                        .build())
                .build());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Length", Long.toString(size));
        headers.put("If-None-Match", "*");
        return new Created(file, new SignedRequest("PUT", signed.url().toString(), headers, signed.expiration()));
    }

    public FileRecord completeUpload(String userId, String fileId) {
        if (!Keys.isId(fileId)) {
            throw ApiException.notFound();
        }
        Instant now = clock.instant();
        Optional<FileRecord> record = pending.find(userId, fileId);
        FileRecord file;
        if (record.isPresent()) {
            file = record.get();
        } else {
            // Completed already (a repeated call), or a pending entry of the older layout that
            // kept pending uploads inside the index.
            file = index.read(userId).stream().filter(f -> f.id().equals(fileId)).findFirst()
                    .orElseThrow(ApiException::notFound);
            if (file.isReady()) {
                return file;
            }
        }
        if (!file.isPending() || now.isAfter(file.createdAt().plus(settings.urlTtl()).plus(COMPLETE_GRACE))) {
            throw ApiException.notFound();
        }
        String key = Keys.media(userId, fileId);
        Optional<HeadObjectResponse> head = head(key);
        if (head.isEmpty() || head.get().contentLength() == null || head.get().contentLength() != file.size()) {
            throw new ApiException(409, "upload_missing",
                    "no upload of the declared size (" + file.size() + " bytes) was found");
        }
        String detected = sniffer.detect(firstBytes(key, file.size()));
        Optional<String> detectedKind = MediaTypes.kindOfDetected(detected);
        if (detectedKind.isEmpty() || !detectedKind.get().equals(file.kind())) {
            // Every complete of this upload sniffs the same bytes, so none can be adding them.
            pending.deleteBytes(userId, fileId);
            if (record.isPresent()) {
                pending.cancel(userId, file);
            } else {
                index.update(userId, files -> remove(files, fileId));
            }
            throw new ApiException(415, "content_mismatch",
                    "the uploaded bytes are not a supported " + file.kind() + " file");
        }
        AtomicReference<FileRecord> ready = new AtomicReference<>();
        List<FileRecord> abandoned = new ArrayList<>();
        // Over the quota: 507, and the upload stays pending (bytes kept) so that it can be
        // completed once room is made, until it is abandoned.
        index.update(userId, files -> {
            abandoned.clear();
            ready.set(null);
            List<FileRecord> result = new ArrayList<>(files.size() + 1);
            for (FileRecord f : files) {
                if (f.id().equals(fileId)) {
                    if (f.isReady()) {
                        ready.set(f); // completed concurrently
                        result.add(f);
                    }
                    // an older-layout pending entry of this upload is replaced below
                } else if (!f.isReady() && pending.isAbandoned(f.createdAt(), now)) {
                    abandoned.add(f);
                } else {
                    result.add(f);
                }
            }
            if (ready.get() == null) {
                if (readyBytes(result) + file.size() > settings.quotaBytes()) {
                    throw quotaExceeded();
                }
                ready.set(file.withStatus(FileRecord.READY));
                result.add(ready.get());
            }
            return result;
        });
        abandoned.forEach(f -> pending.deleteBytes(userId, f.id()));
        if (record.isPresent()) {
            try {
                pending.remove(userId, fileId);
            } catch (SdkException e) {
                // The file is ready either way; a record left behind is removed on a later create.
                StructuredLog.warn("pending record of a completed upload not removed: " + e.getMessage());
            }
        }
        StructuredLog.metric("Uploads", 1, "Count");
        StructuredLog.metric("BytesUploaded", file.size(), "Bytes");
        return ready.get();
    }

    /** One page of the user's ready files, or (status pending) of the uploads not yet completed. */
    public Page list(String userId, String status, Optional<String> kind, Optional<String> query, int limit,
                     Optional<String> cursor) {
        Optional<Position> after = cursor.map(FileService::decodeCursor);
        String needle = query.map(q -> q.toLowerCase(Locale.ROOT)).orElse(null);
        List<FileRecord> source;
        if (FileRecord.PENDING.equals(status)) {
            Instant now = clock.instant();
            source = pending.read(userId, MAX_LIST_KEYS).stream()
                    .filter(f -> f.isPending() && !now.isAfter(f.createdAt().plus(settings.urlTtl()).plus(COMPLETE_GRACE)))
                    .toList();
        } else {
            source = index.read(userId).stream().filter(FileRecord::isReady).toList();
        }
        List<FileRecord> items = new ArrayList<>();
        FileRecord last = null;
        boolean more = false;
        for (FileRecord file : source) {
            if (kind.isPresent() && !kind.get().equals(file.kind())
                    || needle != null && !file.name().toLowerCase(Locale.ROOT).contains(needle)
                    || after.isPresent() && !after.get().isBefore(file)) {
                continue;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(file);
            last = file;
        }
        return new Page(items, more ? encodeCursor(last) : null);
    }

    public Retrieved get(String userId, String fileId) {
        FileRecord file = find(userId, fileId);
        if (!file.isReady()) {
            throw ApiException.notFound();
        }
        PresignedGetObjectRequest signed = presigner.presignGetObject(GetObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .getObjectRequest(GetObjectRequest.builder()
                        .bucket(settings.mediaBucket())
                        .key(Keys.media(userId, fileId))
                        .build())
                .build());
        return new Retrieved(file, new SignedRequest("GET", signed.url().toString(), Map.of(), signed.expiration()));
    }

    /**
     * Deletes a file, or cancels a pending upload. A cancelled upload's bytes are removed with
     * its record once its URL can no longer write them (on one of the user's later creates).
     */
    public void delete(String userId, String fileId) {
        if (!Keys.isId(fileId)) {
            throw ApiException.notFound();
        }
        if (index.read(userId).stream().anyMatch(f -> f.id().equals(fileId))) {
            index.update(userId, files -> {
                List<FileRecord> remaining = remove(files, fileId);
                if (remaining.size() == files.size()) {
                    throw ApiException.notFound();
                }
                return remaining;
            });
            pending.deleteBytes(userId, fileId);
            return;
        }
        FileRecord upload = pending.find(userId, fileId).filter(FileRecord::isPending)
                .orElseThrow(ApiException::notFound);
        pending.cancel(userId, upload);
    }

    public Usage usage(String userId) {
        long files = 0;
        long bytes = 0;
        for (FileRecord file : index.read(userId)) {
            if (file.isReady()) {
                files++;
                bytes += file.size();
            }
        }
        return new Usage(files, bytes);
    }

    public long quotaBytes() {
        return settings.quotaBytes();
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

    private FileRecord find(String userId, String fileId) {
        if (!Keys.isId(fileId)) {
            throw ApiException.notFound();
        }
        return index.read(userId).stream().filter(f -> f.id().equals(fileId)).findFirst()
                .orElseThrow(ApiException::notFound);
    }

    /**
     * Refuses a create that would leave too many uploads pending, or pending and ready bytes
     * over the quota, and removes the user's abandoned uploads on the way. Reads the pending
     * records themselves only when the room is not obvious from their number.
     */
    private void checkPendingRoom(String userId, List<FileRecord> indexed, long committed, long size, Instant now) {
        Set<String> readyIds = FileIndex.readyIds(indexed);
        List<PendingUploads.Listed> live = new ArrayList<>();
        for (PendingUploads.Listed listed : pending.list(userId, MAX_LIST_KEYS)) {
            if (!pending.removeIfAbandoned(listed, readyIds, now)) {
                live.add(listed);
            }
        }
        if (live.size() < MAX_PENDING_UPLOADS
                && committed + size + (long) live.size() * settings.maxUploadBytes() <= settings.quotaBytes()) {
            return;
        }
        int count = 0;
        long reserved = 0;
        for (PendingUploads.Listed listed : live) {
            Optional<FileRecord> found = pending.find(userId, listed.fileId());
            if (found.isEmpty()) {
                continue;
            }
            FileRecord upload = found.get();
            Instant urlExpiry = upload.createdAt().plus(settings.urlTtl());
            Instant settled = (urlExpiry.isAfter(listed.writtenAt()) ? urlExpiry : listed.writtenAt()).plus(CANCEL_SETTLE);
            if (readyIds.contains(upload.id()) || !upload.isPending() && now.isAfter(settled)) {
                pending.discard(userId, upload.id(), readyIds);
                continue;
            }
            count++;
            reserved += upload.size();
        }
        if (count >= MAX_PENDING_UPLOADS) {
            throw new ApiException(429, "too_many_pending_uploads", count
                    + " uploads are waiting to be completed; complete or cancel some first");
        }
        if (committed + reserved + size > settings.quotaBytes()) {
            throw quotaExceeded();
        }
    }

    private static long readyBytes(List<FileRecord> files) {
        long bytes = 0;
        for (FileRecord f : files) {
            if (f.isReady()) {
                bytes += f.size();
            }
        }
        return bytes;
    }

    private ApiException quotaExceeded() {
        return new ApiException(507, "quota_exceeded", "the upload would exceed your storage quota of "
                + settings.quotaBytes() + " bytes");
    }

    private static List<FileRecord> remove(List<FileRecord> files, String fileId) {
        List<FileRecord> remaining = new ArrayList<>(files);
        remaining.removeIf(f -> f.id().equals(fileId));
        return remaining;
    }

    private Optional<HeadObjectResponse> head(String key) {
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
        ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                .bucket(settings.mediaBucket()).key(key).range("bytes=0-" + last).build());
        return bytes.asByteArray();
    }

    /** Where a page ended: the createdAt and id of its last item. */
    private record Position(Instant createdAt, String id) {
        boolean isBefore(FileRecord file) {
            int byTime = file.createdAt().compareTo(createdAt);
            return byTime < 0 || byTime == 0 && file.id().compareTo(id) < 0;
        }
    }

    private static String encodeCursor(FileRecord last) {
        String json = Json.write(Map.of("t", last.createdAt().toString(), "i", last.id()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Position decodeCursor(String cursor) {
        try {
            JsonNode node = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            return new Position(Instant.parse(node.get("t").asText()), node.get("i").asText());
        } catch (Exception e) {
            throw ApiException.invalidRequest("cursor", "cursor is not valid");
        }
    }
}
