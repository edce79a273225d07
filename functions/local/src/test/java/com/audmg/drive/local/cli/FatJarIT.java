package com.audmg.drive.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.TestFixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as users run it: READY line, a worker bootstrapped from inside the fat jar, clean stop. */
class FatJarIT {
    static final Path JAR = Path.of("target/audmg-local-cloud.jar");

    @TempDir
    Path dir;

    @Test
    void fatJar_shouldPrintReady_serveFunctions_andStopOnSigterm() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run after package: " + JAR.toAbsolutePath());
        Path fixture = TestFixtures.fixtureJar(dir.resolve("build"));
        long t0 = System.nanoTime();
        List<String> after = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread drain = null;
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--config", TestFixtures.fixtureConfig().toString(), "--artifact", fixture.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            long readyMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(first != null && first.matches("READY http://127\\.0\\.0\\.1:\\d+/local"), first);
            System.out.println("fat jar: java -jar to READY in " + readyMillis + " ms");
            // After READY: where S3 and Lambda are, the region, the credentials and a command to try.
            List<String> summary = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.startsWith("Try "); line = lines.readLine()) {
                summary.add(line);
            }
            assertTrue(summary.stream().anyMatch(l -> l.matches("S3 +http://127\\.0\\.0\\.1:\\d+ .*")), summary.toString());
            assertTrue(summary.stream().anyMatch(l -> l.matches("Lambda +http://127\\.0\\.0\\.1:\\d+ .*")), summary.toString());
            assertTrue(summary.contains("Region      eu-west-1"), summary.toString());
            drain = new Thread(() -> lines.lines().forEach(after::add));
            drain.setDaemon(true);
            drain.start();

            URI base = URI.create(first.substring("READY ".length()));
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/public/echo")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("function=fixture-app-local-echo"), r.body());
        } finally {
            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
        assertTrue(p.descendants().noneMatch(ProcessHandle::isAlive), "no worker left behind");
        // and says so, having closed the data folder cleanly (the next start reads no metadata record)
        if (drain != null) {
            drain.join(5_000);
        }
        assertTrue(after.stream().anyMatch(l -> l.startsWith("Stopping: ")), after.toString());
        assertTrue(after.stream().anyMatch(l -> l.matches("Stopped in \\d+ ms")), after.toString());
        assertTrue(Files.exists(dir.resolve("data/s3-metadata/closed-cleanly")), "closed cleanly");
    }

    /** ElasticMQ (Scala, Pekko: every jar's reference.conf merged by the shade plugin) runs from the fat jar. */
    @Test
    void fatJar_shouldRunTheEmbeddedSqs_forAProjectWithQueues() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Files.copy(TestFixtures.resource("events-fixture/serverless.yml"), project.resolve("serverless.yml"));
        TestFixtures.fixtureJar(project.resolve("build"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--config", project.resolve("serverless.yml").toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertTrue(first != null && first.startsWith("READY "), "READY first, even with stderr merged: " + first);
            String sqsLine = null;
            for (String line = lines.readLine(); line != null && !line.startsWith("Try "); line = lines.readLine()) {
                if (line.startsWith("SQS ")) {
                    sqsLine = line;
                }
            }
            assertTrue(sqsLine != null && sqsLine.matches("SQS +http://127\\.0\\.0\\.1:\\d+ \\(ElasticMQ.*"), sqsLine);
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            java.util.Properties keys = new java.util.Properties();
            try (var in = Files.newBufferedReader(dir.resolve("data/s3-credentials.properties"))) {
                keys.load(in);
            }
            try (var sqs = software.amazon.awssdk.services.sqs.SqsClient.builder()
                    .endpointOverride(URI.create(sqsLine.trim().split(" +")[1]))
                    .region(software.amazon.awssdk.regions.Region.EU_CENTRAL_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                    keys.getProperty("accessKeyId"), keys.getProperty("secretAccessKey"))))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
                List<String> urls = sqs.listQueues().queueUrls();
                assertTrue(urls.stream().anyMatch(u -> u.endsWith("/000000000000/events-fixture-work")), urls.toString());
            }
        } finally {
            p.destroy();
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
    }

    @Test
    void fatJar_shouldServeEveryFunctionFromOneSharedJvm_withLite() throws Exception {
        Path fixture = TestFixtures.fixtureJar(dir.resolve("build"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--lite", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--config", TestFixtures.resource("lite-serverless.yml").toString(), "--artifact", fixture.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertTrue(first != null && first.startsWith("READY "), first);
            List<String> summary = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.startsWith("Try "); line = lines.readLine()) {
                summary.add(line);
            }
            assertTrue(summary.stream().anyMatch(l -> l.startsWith("lite mode: every function runs in one shared")),
                    summary.toString());
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            URI base = URI.create(first.substring("READY ".length()));
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/a", "/b", "/whoami")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path + ": " + r.body());
            }
            List<ProcessHandle> workers = p.descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains("com.audmg.drive.local.lambda.bootstrap."))
                    .toList();
            assertEquals(1, workers.size(), workers.toString());
            assertTrue(workers.get(0).info().commandLine().orElse("").contains("SharedWorkerMain"));
        } finally {
            p.destroy();
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
        assertTrue(p.descendants().noneMatch(ProcessHandle::isAlive), "no worker left behind");
    }
}
