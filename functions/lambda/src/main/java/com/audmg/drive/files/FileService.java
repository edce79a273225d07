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
import java.util.concurrent.atomic.AtomicReference;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
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

    private final FileIndex index;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final ContentSniffer sniffer;
    private final Settings settings;
    private final Clock clock;

    public FileService(FileIndex index, S3Client s3, S3Presigner presigner, ContentSniffer sniffer,
                       Settings settings, Clock clock) {
        this.index = index;
        this.s3 = s3;
        this.presigner = presigner;
        this.sniffer = sniffer;
        this.settings = settings;
        this.clock = clock;
    }

    public Created createUpload(String userId, String name, String declaredType, long size) {
        validateName(name);
        String contentType = MediaTypes.canonicalDeclared(declaredType).orElseThrow(() -> new ApiException(
                415, "unsupported_media_type", "only JPEG, PNG, GIF, WebP, BMP images and MP3, WAV, FLAC, OGG, M4A/AAC audio are allowed"));
        if (size > settings.maxUploadBytes()) {
            throw new ApiException(413, "too_large", "file is larger than " + settings.maxUploadBytes() + " bytes");
        }
        Instant now = clock.instant();
        FileRecord file = new FileRecord(Keys.newId(), name, contentType, MediaTypes.kindOf(contentType), size,
                now, FileRecord.PENDING);
        AtomicReference<List<FileRecord>> abandoned = new AtomicReference<>(List.of());
        index.update(userId, files -> {
            List<FileRecord> live = withoutStalePending(files, now);
            abandoned.set(files.stream().filter(f -> !live.contains(f)).toList());
            long committed = live.stream().mapToLong(FileRecord::size).sum();
            if (committed + size > settings.quotaBytes()) {
                throw new ApiException(507, "quota_exceeded", "the upload would exceed your storage quota of "
                        + settings.quotaBytes() + " bytes");
            }
            live.add(file);
            return live;
        });
        // Bytes of uploads that were never completed would otherwise stay in the bucket uncounted.
        abandoned.get().forEach(stale -> s3.deleteObject(DeleteObjectRequest.builder()
                .bucket(settings.mediaBucket()).key(Keys.media(userId, stale.id())).build()));
        PresignedPutObjectRequest signed = presigner.presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(settings.urlTtl())
                .putObjectRequest(PutObjectRequest.builder()
                        .bucket(settings.mediaBucket())
                        .key(Keys.media(userId, file.id()))
                        .contentType(contentType)
                        .contentLength(size)
                        .build())
                .build());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Length", Long.toString(size));
        return new Created(file, new SignedRequest("PUT", signed.url().toString(), headers, signed.expiration()));
    }

    public FileRecord completeUpload(String userId, String fileId) {
        FileRecord file = find(userId, fileId);
        if (file.isReady()) {
            return file;
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
            s3.deleteObject(DeleteObjectRequest.builder().bucket(settings.mediaBucket()).key(key).build());
            index.update(userId, files -> remove(files, fileId));
            throw new ApiException(415, "content_mismatch",
                    "the uploaded bytes are not a supported " + file.kind() + " file");
        }
        AtomicReference<FileRecord> ready = new AtomicReference<>();
        index.update(userId, files -> {
            List<FileRecord> result = new ArrayList<>(files.size());
            for (FileRecord f : files) {
                if (f.id().equals(fileId)) {
                    FileRecord updated = f.withStatus(FileRecord.READY);
                    ready.set(updated);
                    result.add(updated);
                } else {
                    result.add(f);
                }
            }
            if (ready.get() == null) {
                throw ApiException.notFound();
            }
            return result;
        });
        StructuredLog.metric("Uploads", 1, "Count");
        StructuredLog.metric("BytesUploaded", file.size(), "Bytes");
        return ready.get();
    }

    public Page list(String userId, Optional<String> kind, Optional<String> query, int limit, Optional<String> cursor) {
        Optional<Position> after = cursor.map(FileService::decodeCursor);
        String needle = query.map(q -> q.toLowerCase(Locale.ROOT)).orElse(null);
        List<FileRecord> items = new ArrayList<>();
        FileRecord last = null;
        boolean more = false;
        for (FileRecord file : index.read(userId)) {
            if (!file.isReady()
                    || kind.isPresent() && !kind.get().equals(file.kind())
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

    public void delete(String userId, String fileId) {
        find(userId, fileId);
        index.update(userId, files -> {
            List<FileRecord> remaining = remove(files, fileId);
            if (remaining.size() == files.size()) {
                throw ApiException.notFound();
            }
            return remaining;
        });
        s3.deleteObject(DeleteObjectRequest.builder().bucket(settings.mediaBucket())
                .key(Keys.media(userId, fileId)).build());
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

    /** Pending uploads count against the quota until their URL has expired and a grace period passed. */
    private List<FileRecord> withoutStalePending(List<FileRecord> files, Instant now) {
        Instant cutoff = now.minus(settings.urlTtl()).minus(Duration.ofHours(1));
        List<FileRecord> live = new ArrayList<>(files.size() + 1);
        for (FileRecord f : files) {
            if (f.isReady() || f.createdAt().isAfter(cutoff)) {
                live.add(f);
            }
        }
        return live;
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
