package com.audmg.drive.platform;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * JSON documents in one S3 bucket with the conditional writes that make them safe under
 * concurrency: create-only ({@code If-None-Match: *}) and compare-and-swap ({@code If-Match}).
 */
public final class JsonObjectStore {

    /** A document and the ETag it was read with. */
    public record Versioned(JsonNode document, String etag) {
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
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt JSON document " + key, e);
        }
    }

    /** Writes only if no object exists under the key. */
    public void create(String key, JsonNode document) {
        put(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*"), key, document);
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

    public void delete(String key) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    }

    private void put(PutObjectRequest.Builder request, String key, JsonNode document) {
        byte[] bytes = Json.write(document).getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
