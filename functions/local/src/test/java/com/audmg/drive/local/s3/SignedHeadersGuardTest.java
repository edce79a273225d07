package com.audmg.drive.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The embedded S3 treats headers a signature does not cover as S3 does (or stricter), over real HTTP. */
class SignedHeadersGuardTest {
    static final String BUCKET = "guarded";

    @TempDir
    static Path dir;

    static EmbeddedS3 s3;
    static S3Client client;
    static S3Presigner presigner;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), dir.resolve("creds.properties"), 0, List.of(BUCKET));
        S3Settings settings = s3.settings();
        client = settings.client("us-east-1", Duration.ofSeconds(30));
        presigner = S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(settings.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @AfterAll
    static void stop() {
        presigner.close();
        client.close();
        s3.close();
    }

    static URI presignedPut(String key) {
        return URI.create(presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(PutObjectRequest.builder().bucket(BUCKET).key(key).contentType("text/plain").build()))
                .url().toString());
    }

    static HttpResponse<String> put(URI url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("hello"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void presignedPut_shouldBeRefused403_whenItCarriesUnsignedAmzHeaders() throws Exception {
        for (String[] header : List.of(new String[] {"x-amz-meta-owner", "mallory"},
                new String[] {"x-amz-storage-class", "GLACIER"},
                new String[] {"x-amz-website-redirect-location", "https://evil.example/"})) {
            String key = "refused-" + header[0];

            HttpResponse<String> r = put(presignedPut(key), header);

            assertEquals(403, r.statusCode(), header[0] + ": " + r.body());
            assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
            assertTrue(r.body().contains("<HeadersNotSigned>" + header[0] + "</HeadersNotSigned>"), r.body());
            assertThrows(NoSuchKeyException.class, () -> client.headObject(h -> h.bucket(BUCKET).key(key)),
                    "nothing stored for " + header[0]);
        }
    }

    @Test
    void presignedPut_shouldStoreNoResponseHeaders_theSignerDidNotSign() throws Exception {
        // WHEN an upload through a presigned URL adds unsigned response-header metadata
        HttpResponse<String> r = put(presignedPut("doc.txt"),
                "Content-Disposition", "attachment; filename=\"invoice.html\"",
                "Cache-Control", "public, max-age=31536000",
                "Content-Language", "xx");

        // THEN the upload succeeds, and no download serves those headers
        assertEquals(200, r.statusCode(), r.body());
        URI get = URI.create(presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .getObjectRequest(GetObjectRequest.builder().bucket(BUCKET).key("doc.txt").build())).url().toString());
        HttpResponse<String> download = http.send(HttpRequest.newBuilder(get).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, download.statusCode());
        assertEquals("hello", download.body());
        Map<String, List<String>> headers = download.headers().map();
        for (String name : List.of("content-disposition", "cache-control", "content-language")) {
            assertTrue(headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase(name)), name + " in " + headers);
        }
        assertEquals("text/plain", download.headers().firstValue("Content-Type").orElse(null));
    }

    @Test
    void signedHeaders_shouldStillWork_presignedOrNot() throws Exception {
        // GIVEN a presigned PUT that signs metadata and a disposition
        URI url = URI.create(presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(PutObjectRequest.builder().bucket(BUCKET).key("signed.txt").contentType("text/plain")
                        .metadata(Map.of("owner", "alice")).contentDisposition("inline").build()))
                .url().toString());

        HttpResponse<String> r = put(url, "x-amz-meta-owner", "alice", "Content-Disposition", "inline");

        assertEquals(200, r.statusCode(), r.body());
        HeadObjectResponse head = client.headObject(h -> h.bucket(BUCKET).key("signed.txt"));
        assertEquals("alice", head.metadata().get("owner"));
        assertEquals("inline", head.contentDisposition());
        // AND the SDK's header-signed requests keep everything they set
        client.putObject(p -> p.bucket(BUCKET).key("sdk.txt").contentType("text/plain")
                .cacheControl("no-store").metadata(Map.of("k", "v")), RequestBody.fromString("x"));
        HeadObjectResponse sdk = client.headObject(h -> h.bucket(BUCKET).key("sdk.txt"));
        assertEquals("no-store", sdk.cacheControl());
        assertEquals("v", sdk.metadata().get("k"));
    }
}
