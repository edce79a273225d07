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
 * one read of a key that cannot exist (the sessions' after signing and verifying a token). S3 here is a recorder answering 404 as S3 does.
 */
class SnapshotPrimingTest {

    private HttpServer s3;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startRecorder() throws Exception {
        s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s3.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
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
        Map<String, String> env = Map.of("DATA_BUCKET", "data", "MEDIA_BUCKET", "media", "TOKEN_SECRET",
                "0123456789abcdef0123456789abcdef", "TOKEN_ISSUER", "test", "TOKEN_AUDIENCE", "test",
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getAddress().getPort());
        Config config = Config.from(env);
        var credentials = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"));
        Wiring wiring = new Wiring(config, AwsClients.s3(config, UrlConnectionHttpClient.create(), credentials),
                AwsClients.presigner(config, credentials), "0123456789abcdef0123456789abcdef", Clock.systemUTC());

        wiring.authService();
        wiring.fileService();
        assertTrue(requests.isEmpty(), "registering reads nothing: " + requests);
        SnapshotPriming.registered().forEach(p -> p.beforeCheckpoint(null));

        assertEquals(3, requests.size(), requests.toString());
        assertTrue(requests.stream().anyMatch(r -> r.matches("GET /data/users/[0-9a-f]{64}\\.json")), requests.toString());
        assertTrue(requests.contains("GET /data/library/snapstartprimingsnapstartp/head.json"), requests.toString());
        // a token signed and verified, then its session read
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("GET /data/") && r.contains("snapstartprimingsnapstartp")
                && r.contains("session")), requests.toString());

        s3.stop(0);
        SnapshotPriming.registered().forEach(p -> p.beforeCheckpoint(null)); // S3 unreachable: logged, not thrown
    }
}
