package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.audmg.drive.Wiring;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SnapStart hooks: registered by the services that use S3, and before a snapshot each runs
 * one read of a key that cannot exist (the sessions' after signing and verifying a token), the accounts' also a
 * conditional write that cannot succeed; sign-up's also waits for its password estimator. S3 here is a recorder
 * answering 404 as S3 does, and s3proxy (a write must leave nothing behind).
 */
class SnapshotPrimingTest {

    private HttpServer s3;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startRecorder() throws Exception {
        SnapshotPriming.clearForTests();
        s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s3.createContext("/", exchange -> {
            String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + (ifMatch == null ? "" : " If-Match " + ifMatch));
            byte[] body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s3.start();
    }

    @AfterEach
    void stopRecorder() {
        s3.stop(0);
    }

    @Test
    void beforeCheckpoint_shouldReadOneMissingKeyPerService_andSurviveErrors() {
        Wiring wiring = wiring();

        wiring.authService();
        wiring.fileService();
        assertTrue(requests.isEmpty(), "registering reads nothing: " + requests);
        SnapshotPriming.registered().forEach(p -> p.beforeCheckpoint(null));

        // one request each: the canned answers' priming sends none
        assertEquals(4, requests.size(), requests.toString());
        assertTrue(requests.stream().anyMatch(r -> r.matches("GET /data/users/[0-9a-f]{64}\\.json")), requests.toString());
        // the write path, on that same missing key, with a condition no object can meet
        assertTrue(requests.stream().anyMatch(r -> r.matches("PUT /data/users/[0-9a-f]{64}\\.json If-Match \"priming\"")),
                requests.toString());
        assertTrue(requests.contains("GET /data/library/snapstartprimingsnapstartp/head.json"), requests.toString());
        // a token signed and verified, then its session read
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("GET /data/") && r.contains("snapstartprimingsnapstartp")
                && r.contains("session")), requests.toString());

        s3.stop(0);
        SnapshotPriming.registered().forEach(p -> p.beforeCheckpoint(null)); // S3 unreachable: logged, not thrown
    }

    @Test
    void primingHooks_shouldWriteNothing_toARealS3() throws Exception {
        try (com.audmg.drive.TestCloud cloud = new com.audmg.drive.TestCloud()) {
            Wiring wiring = cloud.wiring(Map.of());
            wiring.signUpService();
            wiring.authService();
            wiring.fileService();

            SnapshotPriming.registered().forEach(p -> p.beforeCheckpoint(null));

            for (String bucket : List.of(com.audmg.drive.TestCloud.DATA_BUCKET, com.audmg.drive.TestCloud.MEDIA_BUCKET)) {
                var listed = cloud.s3().listObjectsV2(b -> b.bucket(bucket)).contents();
                assertTrue(listed.isEmpty(), bucket + " after priming: " + listed);
            }
        }
    }

    @Test
    void s3AnswerPriming_shouldRunEachSuccessfulAnswer_withNoRequestLeavingTheProcess() {
        // GIVEN the local cloud's settings (an endpoint, path-style) and Lambda's (no endpoint: S3's own, over TLS)
        for (Map<String, String> env : List.of(
                Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getAddress().getPort()),
                Map.of("AWS_REGION", "eu-west-1"))) {
            Map<String, String> all = new java.util.HashMap<>(env);
            all.putAll(Map.of("DATA_BUCKET", "data", "MEDIA_BUCKET", "media", "TOKEN_SECRET",
                    "0123456789abcdef0123456789abcdef", "TOKEN_ISSUER", "test", "TOKEN_AUDIENCE", "test"));

            // WHEN the priming runs
            List<String> answered = S3AnswerPriming.run(Config.from(all));

            // THEN a read, a HEAD, a create, a conditional replace, a listing and a delete were each answered with
            // success (it throws when one is not parsed as such), none of them by S3
            assertEquals(List.of("GET", "HEAD", "PUT", "PUT", "GET", "DELETE"),
                    answered.stream().map(a -> a.substring(0, a.indexOf(' '))).toList(), answered.toString());
            assertTrue(answered.get(4).contains("list-type"), answered.toString());
            assertTrue(requests.isEmpty(), requests.toString());
        }
    }

    @Test
    void beforeCheckpoint_shouldPrimeSuccessfulAnswers_forEveryServiceUsingS3() {
        Map<String, Runnable> services = Map.of("sessions", () -> wiring().sessions(),
                "accounts", () -> wiring().authService(), "files", () -> wiring().fileService());
        services.forEach((name, build) -> {
            SnapshotPriming.clearForTests();

            build.run();

            assertTrue(SnapshotPriming.registered().stream().anyMatch(p -> p.name().equals("s3-answers")),
                    name + ": " + SnapshotPriming.registered().stream().map(SnapshotPriming::name).toList());
        });
    }

    @Test
    void signUp_shouldHaveItsPasswordEstimatorLoaded_beforeASnapshot() {
        Wiring wiring = wiring();

        // WHEN the sign-up function is built: zxcvbn's dictionaries start loading on a thread of their own
        wiring.signUpService();
        SnapshotPriming zxcvbn = SnapshotPriming.registered().stream().filter(p -> p.name().equals("zxcvbn"))
                .findFirst().orElseThrow(() -> new AssertionError("no zxcvbn priming hook"));

        List<Thread> loading = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("audmg-init-zxcvbn")).toList();

        // THEN its priming hook returns once they are loaded and one estimate has run (the loading thread is then
        // over, but for its last instructions: loading takes some 300 ms), reading nothing from S3
        zxcvbn.beforeCheckpoint(null);
        for (Thread t : loading) {
            assertTrue(joined(t), "still loading");
        }
        assertTrue(requests.isEmpty(), requests.toString());
    }

    private static boolean joined(Thread t) {
        try {
            t.join(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private Wiring wiring() {
        Map<String, String> env = Map.of("DATA_BUCKET", "data", "MEDIA_BUCKET", "media", "TOKEN_SECRET",
                "0123456789abcdef0123456789abcdef", "TOKEN_ISSUER", "test", "TOKEN_AUDIENCE", "test",
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getAddress().getPort());
        Config config = Config.from(env);
        var credentials = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"));
        return new Wiring(config, AwsClients.s3(config, UrlConnectionHttpClient.create(), credentials),
                AwsClients.presigner(config, credentials), "0123456789abcdef0123456789abcdef", Clock.systemUTC());
    }
}
