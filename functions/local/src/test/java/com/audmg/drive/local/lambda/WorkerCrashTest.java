package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker JVM killed with SIGKILL while it serves: what it ran fails, what waits is served by a new one. */
class WorkerCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedWorker_shouldFailItsInFlightInvocationsAtOnce_andServeTheQueueWithANewWorker() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.resource("security-serverless.yml"))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null)
                .build())) {
            // GIVEN a worker running 8 invocations (its concurrency) and 4 more waiting in the queue
            List<CompletableFuture<Answered>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/slow?ms=2000")).GET()
                        .build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new Answered(r, System.nanoTime())));
            }
            Path log = dir.resolve("data/logs/slow.log");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (startedInvocations(log) < 8) {
                assertTrue(System.nanoTime() < until, "the worker never took 8 invocations");
                Thread.sleep(20);
            }
            ProcessHandle worker = ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("-Daudmg.function=slow"))
                    .findFirst().orElseThrow();

            // WHEN it is killed
            long killedAt = System.nanoTime();
            assertTrue(worker.destroyForcibly());

            // THEN the 8 it ran answer 502 at once, and the 4 queued ones are run by a new worker
            int failed = 0;
            int served = 0;
            double lastFailed = 0;
            double lastServed = 0;
            for (CompletableFuture<Answered> call : calls) {
                Answered answered = call.get(20, TimeUnit.SECONDS);
                HttpResponse<String> r = answered.response;
                double seconds = (answered.atNanos - killedAt) / 1e9;
                if (r.statusCode() == 502) {
                    failed++;
                    lastFailed = Math.max(lastFailed, seconds);
                    assertTrue(seconds < 2.5, "in-flight invocation failed only after " + seconds + " s");
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    assertEquals("slept 2000", r.body());
                    served++;
                    lastServed = Math.max(lastServed, seconds);
                    assertTrue(seconds < 15, "queued invocation served only after " + seconds + " s");
                }
            }
            System.out.printf(java.util.Locale.ROOT, "worker killed: %d in flight failed within %.2f s, %d queued"
                    + " served within %.2f s%n", failed, lastFailed, served, lastServed);
            assertEquals(8, failed);
            assertEquals(4, served);
            assertTrue(Files.readString(log).contains("restarting the worker for 4 queued invocation(s)"),
                    Files.readString(log));
        }
    }

    private record Answered(HttpResponse<String> response, long atNanos) {
    }

    private static long startedInvocations(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith("START RequestId")).count() : 0;
    }
}
