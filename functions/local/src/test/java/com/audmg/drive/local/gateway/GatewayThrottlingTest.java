package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serverless.yml's API Gateway throttling as the serverless-api-gateway-throttling plugin sets it
 * (stage-wide {@code custom.apiGatewayThrottling}, per-event {@code throttling}), enforced by the local
 * gateway with API Gateway's own 429 before any function runs: parallel bursts over real HTTP.
 */
class GatewayThrottlingTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static URI base;
    static final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String fixture = Files.readString(TestFixtures.fixtureConfig());
        String throttled = replaceOnce(fixture, "custom:\n",
                "custom:\n  apiGatewayThrottling: { maxRequestsPerSecond: 1, maxConcurrentRequests: 4 }\n");
        throttled = replaceOnce(throttled, "- http: { path: public/echo, method: post }",
                "- http: { path: public/echo, method: post, throttling: { maxConcurrentRequests: 2 } }");
        throttled = replaceOnce(throttled, "- http: { path: public/echo, method: get }",
                "- http: { path: public/echo, method: get, throttling: { disabled: true } }");
        Path config = dir.resolve("serverless.yml");
        Files.writeString(config, throttled);
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(config)
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(new PrintStream(consoleBytes, true, StandardCharsets.UTF_8))
                .build());
        base = cloud.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static String replaceOnce(String text, String old, String replacement) {
        assertTrue(text.contains(old), "fixture changed: " + old);
        return text.replace(old, replacement);
    }

    private record Burst(int passed, int throttled, double seconds) {
    }

    private static Burst burst(String method, String path, int requests) throws Exception {
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
            request = method.equals("POST") ? request.POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"))
                    : request.GET();
            sent.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
        }
        int passed = 0;
        int throttled = 0;
        for (CompletableFuture<HttpResponse<String>> response : sent) {
            HttpResponse<String> r = response.get();
            if (r.statusCode() == 429) {
                assertEquals("{\"message\":\"Too Many Requests\"}", r.body());
                assertEquals("TooManyRequestsException", r.headers().firstValue("X-Amzn-ErrorType").orElse(""));
                throttled++;
            } else {
                assertEquals(200, r.statusCode(), r.body());
                passed++;
            }
        }
        return new Burst(passed, throttled, (System.nanoTime() - started) / 1e9);
    }

    @Test
    void aParallelBurst_shouldPassTheEventsBurstPlusItsRate_andGet429ForTheRest() throws Exception {
        Burst post = burst("POST", "/public/echo", 12);
        // Burst 2 (the event's own), rate 1/s (the stage's): a slow machine may refill a token or two meanwhile.
        assertTrue(post.passed() >= 2 && post.passed() <= 2 + (int) Math.ceil(post.seconds()),
                post + " passed of 12");
        assertEquals(12, post.passed() + post.throttled());
        assertTrue(consoleBytes.toString(StandardCharsets.UTF_8).contains("-> 429: throttled"),
                "the gateway says why");

        Burst env = burst("GET", "/env", 12);
        assertTrue(env.passed() >= 4 && env.passed() <= 4 + (int) Math.ceil(env.seconds()),
                env + " passed of 12 (the stage's burst 4)");

        // The bucket refills at the rate.
        Thread.sleep(1100);
        Burst later = burst("POST", "/public/echo", 1);
        assertEquals(1, later.passed());
    }

    @Test
    void anEventWithThrottlingDisabled_shouldNotBeThrottled() throws Exception {
        Burst open = burst("GET", "/public/echo", 20);
        assertEquals(20, open.passed(), open.toString());
    }
}
