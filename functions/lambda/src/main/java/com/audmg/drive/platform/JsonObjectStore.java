package com.audmg.drive.platform;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * JSON documents in one S3 bucket with the conditional writes that make them safe under
 * concurrency: create-only ({@code If-None-Match: *}) and compare-and-swap ({@code If-Match}).
 */
public final class JsonObjectStore {

    /** A document and the ETag it was read with. */
    public record Versioned(JsonNode document, String etag) {
    }

    /** A key under a prefix, as listed. */
    public record Entry(String key, Instant lastModified) {
    }

    /** A conditional write lost against a concurrent writer (HTTP 412, or 409 while one is in flight). */
    public static final class ConditionFailedException extends RuntimeException {
        public ConditionFailedException(String key) {
            super("precondition failed for " + key, null, false, false);
        }
    }

    private final S3Client s3;
    private final String bucket;

    public JsonObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public Optional<Versioned> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(
                    GetObjectRequest.builder().bucket(bucket).key(key).build());
            return Optional.of(new Versioned(Json.MAPPER.readTree(bytes.asByteArrayUnsafe()), bytes.response().eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt JSON document " + key, e);
        }
    }

    /** The object's size in bytes (a HEAD request), or empty when there is none. */
    public java.util.OptionalLong size(String key) {
        try {
            return java.util.OptionalLong.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return java.util.OptionalLong.empty();
            }
            throw e;
        }
    }

    /** The object's bytes as stored, unparsed (for readers that want one part of a large document). */
    public Optional<byte[]> getBytes(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build())
                    .asByteArrayUnsafe());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Writes these bytes (a JSON document already serialized) only if no object exists under the key. */
    public void create(String key, byte[] json) {
        putBytes(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*"), key, json);
    }

    /** Writes only if no object exists under the key. */
    public void create(String key, JsonNode document) {
        put(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*"), key, document);
    }

    /** Writes unconditionally. */
    public void overwrite(String key, JsonNode document) {
        put(PutObjectRequest.builder().bucket(bucket).key(key), key, document);
    }

    /** Writes only if the object still has the given ETag, or (etag null) does not exist yet. */
    public void replace(String key, JsonNode document, String etag) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key);
        if (etag == null) {
            request.ifNoneMatch("*");
        } else {
            request.ifMatch(etag);
        }
        put(request, key, document);
    }

    /**
     * Read-modify-write under optimistic concurrency: applies the change to the current document
     * (empty when there is none) and writes the result only if nobody wrote in between, retrying
     * with backoff. The change may run more than once and may throw to abort. Returns the document
     * as stored, or empty when every attempt lost against a concurrent writer.
     */
    public Optional<JsonNode> update(String key, Function<Optional<JsonNode>, JsonNode> change, int maxAttempts) {
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            Optional<Versioned> current = get(key);
            JsonNode next = change.apply(current.map(Versioned::document));
            try {
                replace(key, next, current.map(Versioned::etag).orElse(null));
                return Optional.of(next);
            } catch (ConditionFailedException e) {
                Backoff.pause(attempt);
            }
        }
        return Optional.empty();
    }

    /** Up to {@code max} keys under the prefix, in key order (one LIST request). */
    public List<Entry> list(String prefix, int max) {
        return listAfter(prefix, null, max);
    }

    /** Up to {@code max} keys under the prefix that sort after {@code startAfter}, in key order (one LIST request). */
    public List<Entry> listAfter(String prefix, String startAfter, int max) {
        ListObjectsV2Response listed = s3.listObjectsV2(ListObjectsV2Request.builder()
                .bucket(bucket).prefix(prefix).startAfter(startAfter).maxKeys(max).build());
        List<Entry> entries = new ArrayList<>(listed.contents().size());
        for (S3Object object : listed.contents()) {
            entries.add(new Entry(object.key(), object.lastModified()));
        }
        return entries;
    }

    /** Every key under the prefix, in key order, fetched page by page as consumed (1,000 keys a LIST). */
    public Stream<Entry> listAll(String prefix) {
        Iterable<S3Object> objects = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(bucket).prefix(prefix).build()).contents();
        return StreamSupport.stream(objects.spliterator(), false)
                .map(object -> new Entry(object.key(), object.lastModified()));
    }

    /** The next path segments under the prefix ({@code prefix + "x/"}), all of them, page by page as consumed. */
    public Stream<String> listPrefixes(String prefix) {
        Iterable<software.amazon.awssdk.services.s3.model.CommonPrefix> prefixes = s3.listObjectsV2Paginator(
                ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/").build()).commonPrefixes();
        return StreamSupport.stream(prefixes.spliterator(), false).map(p -> p.prefix());
    }

    public void delete(String key) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    }

    private void put(PutObjectRequest.Builder request, String key, JsonNode document) {
        putBytes(request, key, Json.write(document).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void putBytes(PutObjectRequest.Builder request, String key, byte[] bytes) {
        try {
            s3.putObject(request.contentType("application/json").contentLength((long) bytes.length).build(),
                    RequestBody.fromBytes(bytes));
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                throw new ConditionFailedException(key);
            }
            throw e;
        }
    }
}
