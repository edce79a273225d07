package com.audmg.drive.cloudtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The S3 (and SSM) behaviour the functions rely on, against the same LocalStack image as
 * docker-compose.yml, with presigned-URL signature checks on. Needs Docker: without it every
 * test here is reported as skipped (never as passed).
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("LocalStack 4.14.0: S3 storage semantics and the SSM init hook")
class LocalStackStorageTest {
    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.14.0");

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(IMAGE)
            .withServices(Service.S3, Service.SSM)
            .withEnv("S3_SKIP_SIGNATURE_VALIDATION", "0")
            // The same init hook docker compose mounts; it creates the stage's token secret.
            .withCopyFileToContainer(
                    MountableFile.forHostPath(RepoLayout.root().resolve(Path.of("localstack", "init", "ready.d",
                            "10-token-secret.sh")), 0755),
                    "/etc/localstack/init/ready.d/10-token-secret.sh");

    private static S3Client s3;
    private static S3Presigner presigner;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String BUCKET = "audmg-test-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void clients() {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        s3 = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(credentials)
                .serviceConfiguration(pathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        presigner = S3Presigner.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(credentials)
                .serviceConfiguration(pathStyle)
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void close() {
        if (presigner != null) {
            presigner.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @DisplayName("If-None-Match: * creates once; the second conditional put gets 412 (sign-up, index writes)")
    void conditionalCreate() {
        String key = "users/alice";
        s3.putObject(b -> b.bucket(BUCKET).key(key).ifNoneMatch("*"), RequestBody.fromString("{\"v\":1}"));
        S3Exception second = assertThrows(S3Exception.class, () ->
                s3.putObject(b -> b.bucket(BUCKET).key(key).ifNoneMatch("*"), RequestBody.fromString("{\"v\":2}")));
        assertEquals(412, second.statusCode());
        assertEquals("{\"v\":1}", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String());
    }

    @Test
    @DisplayName("If-Match with a stale ETag gets 412 (optimistic index updates)")
    void conditionalUpdate() {
        String key = "index/u1";
        String etag = s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("a")).eTag();
        s3.putObject(b -> b.bucket(BUCKET).key(key).ifMatch(etag), RequestBody.fromString("b"));
        S3Exception stale = assertThrows(S3Exception.class, () ->
                s3.putObject(b -> b.bucket(BUCKET).key(key).ifMatch(etag), RequestBody.fromString("c")));
        assertEquals(412, stale.statusCode());
    }

    @Test
    @DisplayName("a presigned PUT enforces the signed Content-Type, Content-Length and If-None-Match (creates once)")
    void presignedPutIsEnforced() throws Exception {
        byte[] body = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
        String key = "u1/" + UUID.randomUUID();
        URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(PutObjectRequest.builder().bucket(BUCKET).key(key)
                        .contentType("image/png").contentLength((long) body.length).ifNoneMatch("*").build()))
                .url().toURI();
        assertTrue(url.getQuery().contains("content-type"), "Content-Type is signed: " + url);
        assertTrue(url.getQuery().contains("content-length"), "Content-Length is signed: " + url);
        assertTrue(url.getQuery().contains("if-none-match"), "If-None-Match is signed: " + url);

        assertEquals(403, put(url, "audio/mpeg", body), "another Content-Type must be refused");
        assertEquals(403, put(url, "image/png", Arrays.copyOf(body, body.length + 1)),
                "another length must be refused");
        String tampered = url.toString().replaceFirst("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=" + "0".repeat(64));
        assertEquals(403, put(URI.create(tampered), "image/png", body), "a tampered signature must be refused");

        assertEquals(403, put(url, "image/png", body, false), "the signed If-None-Match must be sent");
        assertEquals(200, put(url, "image/png", body), "the upload as signed must work");
        assertEquals(body.length, s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength());
        byte[] other = Arrays.copyOf("other bytes".getBytes(StandardCharsets.ISO_8859_1), body.length);
        assertEquals(412, put(url, "image/png", other), "the URL creates the object once; it cannot replace it");
    }

    @Test
    @DisplayName("an expired presigned GET is refused; a valid one downloads")
    void presignedGet() throws Exception {
        String key = "u1/" + UUID.randomUUID();
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("audio/mpeg"), RequestBody.fromString("ID3..."));
        URI ok = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toURI();
        HttpResponse<String> got = HTTP.send(HttpRequest.newBuilder(ok).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, got.statusCode());
        assertEquals("ID3...", got.body());

        URI expired = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofSeconds(1))
                .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toURI();
        Thread.sleep(2_500);
        int status = HTTP.send(HttpRequest.newBuilder(expired).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(403, status, "expired URL");
    }

    @Test
    @DisplayName("the init hook creates /audmg-drive/local/token-secret as a SecureString")
    void initHookCreatesTokenSecret() throws Exception {
        try (SsmClient ssm = SsmClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            Instant deadline = Instant.now().plusSeconds(60);
            while (true) {
                try {
                    var p = ssm.getParameter(b -> b.name("/audmg-drive/local/token-secret").withDecryption(true))
                            .parameter();
                    assertEquals(ParameterType.SECURE_STRING, p.type());
                    assertTrue(p.value().length() >= 32, "secret too short");
                    return;
                } catch (ParameterNotFoundException notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw notYet;
                    }
                    Thread.sleep(500);
                }
            }
        }
    }

    /** A PUT as the app's clients send it: the signed headers, If-None-Match included. */
    private static int put(URI url, String contentType, byte[] body) throws Exception {
        return put(url, contentType, body, true);
    }

    private static int put(URI url, String contentType, byte[] body, boolean ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (ifNoneMatch) {
            request.header("If-None-Match", "*");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
