package com.audmg.drive.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Priming for S3's successful answers, with no request leaving the process. The priming reads of the services
 * ({@code Wiring}) can only be of keys that do not exist and their writes can only fail, so before a snapshot the
 * S3 client had only ever unmarshalled errors: a restored function's first real read, write or listing still
 * initialized the SDK's response models (a GetObject response alone makes some hundred method-handle classes) and
 * its header and XML unmarshalling, about a tenth of a login's cold start. This runs a read, a conditional read of
 * the size, a create, a conditional replace, a listing and a delete through {@link JsonObjectStore} on an S3 client
 * configured as the function's own (the same region, endpoint settings and checksum policy), whose HTTP client
 * answers each request as S3 answers success, from memory.
 */
public final class S3AnswerPriming {

    private static final String BUCKET = "priming-bucket";
    private static final String KEY = "priming/object.json";
    private static final String ETAG = "\"0f343b0931126a20f133d67c2b018a3b\"";
    private static final String LAST_MODIFIED_HEADER = "Sun, 01 Nov 2026 00:00:00 GMT";
    private static final byte[] DOCUMENT = "{\"priming\":true,\"n\":[1,2.5,\"x\"]}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LISTING = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name>"
            + "<Prefix>priming/</Prefix><StartAfter>priming/a</StartAfter><KeyCount>1</KeyCount><MaxKeys>10</MaxKeys>"
            + "<IsTruncated>false</IsTruncated><Contents><Key>" + KEY + "</Key>"
            + "<LastModified>2026-11-01T00:00:00.000Z</LastModified><ETag>" + ETAG.replace("\"", "&quot;") + "</ETag>"
            + "<Size>" + DOCUMENT.length + "</Size><StorageClass>STANDARD</StorageClass></Contents>"
            + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);

    private S3AnswerPriming() {
    }

    /**
     * Runs each operation once against canned answers; returns the requests answered ({@code METHOD path?query}).
     * Throws when an operation fails, which the priming hook logs.
     */
    public static List<String> run(Config config) {
        CannedS3 http = new CannedS3();
        try (S3Client s3 = AwsClients.s3(config, http,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAPRIMINGPRIMING00", "priming")))) {
            JsonObjectStore store = new JsonObjectStore(s3, BUCKET);
            JsonObjectStore.Versioned read = store.get(KEY)
                    .orElseThrow(() -> new IllegalStateException("the canned read found nothing"));
            if (!read.document().path("priming").asBoolean()) {
                throw new IllegalStateException("the canned read was not parsed: " + read.document());
            }
            store.size(KEY);
            ObjectNode changed = Json.object().put("priming", false);
            store.create("priming/created.json", changed);
            store.replace(KEY, changed, read.etag());
            if (store.listAfter("priming/", "priming/a", 10).size() != 1) {
                throw new IllegalStateException("the canned listing was not parsed");
            }
            store.delete(KEY);
        }
        return http.answered();
    }

    /** Answers S3's REST requests as S3 answers success: an object, its headers, a write, a listing, a delete. */
    private static final class CannedS3 implements SdkHttpClient {
        private final List<String> answered = Collections.synchronizedList(new ArrayList<>());

        List<String> answered() {
            return List.copyOf(answered);
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    return answer(request);
                }

                @Override
                public void abort() {
                    // answered from memory at once
                }
            };
        }

        private HttpExecuteResponse answer(HttpExecuteRequest request) throws IOException {
            SdkHttpRequest http = request.httpRequest();
            // The body is read as it would be sent (and so signed or checksummed while it streams).
            if (request.contentStreamProvider().isPresent()) {
                try (InputStream body = request.contentStreamProvider().get().newStream()) {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            answered.add(http.method() + " " + http.encodedPath()
                    + (http.rawQueryParameters().isEmpty() ? "" : "?" + String.join("&", http.rawQueryParameters().keySet())));
            SdkHttpResponse.Builder response = SdkHttpResponse.builder()
                    .putHeader("x-amz-request-id", "PRIMING0000000000")
                    .putHeader("x-amz-id-2", "priming")
                    .putHeader("Date", LAST_MODIFIED_HEADER)
                    .putHeader("Server", "AmazonS3");
            byte[] body;
            if (http.method() == SdkHttpMethod.GET && http.firstMatchingRawQueryParameter("list-type").isPresent()) {
                body = LISTING;
                response.statusCode(200).putHeader("Content-Type", "application/xml")
                        .putHeader("Content-Length", Integer.toString(body.length));
            } else if (http.method() == SdkHttpMethod.GET || http.method() == SdkHttpMethod.HEAD) {
                body = http.method() == SdkHttpMethod.GET ? DOCUMENT : new byte[0];
                response.statusCode(200).putHeader("Content-Type", "application/json")
                        .putHeader("ETag", ETAG).putHeader("Last-Modified", LAST_MODIFIED_HEADER)
                        .putHeader("Accept-Ranges", "bytes")
                        .putHeader("Content-Length", Integer.toString(DOCUMENT.length));
            } else if (http.method() == SdkHttpMethod.PUT) {
                body = new byte[0];
                response.statusCode(200).putHeader("ETag", ETAG).putHeader("Content-Length", "0");
            } else if (http.method() == SdkHttpMethod.DELETE) {
                body = new byte[0];
                response.statusCode(204);
            } else {
                throw new IOException("no canned answer for " + http.method());
            }
            return HttpExecuteResponse.builder().response(response.build())
                    .responseBody(body.length == 0 ? null : AbortableInputStream.create(new ByteArrayInputStream(body)))
                    .build();
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
