package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK 25's AOT cache for function workers, over real HTTP on the installed JDK 25: the first worker starts without
 * one and a training run makes it in the background (running the function's org.crac priming hook); the next worker
 * starts with it; a damaged cache falls back to a normal start. With the function on the worker's class path, the
 * local cloud's own classes and libraries must still be out of its reach.
 */
class AotCacheTest {
    @TempDir
    static Path dir;

    static final HttpClient http = HttpClient.newHttpClient();
    static Path config;
    static Path artifact;
    static Path data;
    static Path marker;
    static String previous;

    @BeforeAll
    static void setUp() throws Exception {
        JdkLocator.Choice jdk = new JdkLocator(JdkLocator.defaultRoots()).choose("java25");
        assumeTrue(jdk.matches() && JdkLocator.featureVersion(jdk.executable()) >= 25,
                "no JDK 25 installed: the AOT cache needs one (" + jdk.description() + ")");
        previous = System.setProperty(AotCache.ENABLED_PROPERTY, "true"); // the build turns it off for other tests
        artifact = withCrac(TestFixtures.fixtureJar(dir.resolve("build")), dir.resolve("build/primed.jar"));
        marker = dir.resolve("primed.txt");
        data = dir.resolve("data");
        config = dir.resolve("serverless.yml");
        Files.writeString(config, String.join("\n",
                "service: aot-app",
                "provider:",
                "  name: aws",
                "  runtime: java25",
                "  timeout: 20",
                "  memorySize: 256",
                "  environment:",
                "    PRIMED_MARKER: " + marker,
                "package:",
                "  artifact: primed.jar",
                "functions:",
                "  primed:",
                "    handler: com.audmg.drive.local.fixtures.Primed",
                "    events: [ { http: { path: primed, method: get } } ]",
                ""));
    }

    @AfterAll
    static void restore() {
        if (previous == null) {
            System.clearProperty(AotCache.ENABLED_PROPERTY);
        } else {
            System.setProperty(AotCache.ENABLED_PROPERTY, previous);
        }
    }

    @Test
    void cache_shouldBeMadeInTheBackground_thenUsed_andADamagedOneIgnored() throws Exception {
        // GIVEN a data folder with no AOT cache: the first worker starts without one and answers
        ByteArrayOutputStream console1 = new ByteArrayOutputStream();
        Path cache;
        try (LocalCloud cloud = start(console1)) {
            String first = get(cloud, "/primed");
            assertIsolated(first);
            // THEN a training run makes the cache in the background, running the function's priming hook
            cache = awaitCache(180);
        }
        String text = console1.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("AOT cache made"), text);
        assertFalse(text.contains("starting with the AOT cache"), text);
        List<String> primed = Files.readAllLines(marker);
        assertEquals(1, primed.size(), "the hook ran once, in the training run: " + primed);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        try (Stream<Path> left = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), left.toList(), "no temporary file or training log left");
        }

        // WHEN the local cloud starts again on that folder
        ByteArrayOutputStream console2 = new ByteArrayOutputStream();
        try (LocalCloud cloud = start(console2)) {
            // THEN the worker starts with the cache, answers the same, and nothing is trained again
            assertIsolated(get(cloud, "/primed"));
        }
        String text2 = console2.toString(StandardCharsets.UTF_8);
        assertTrue(text2.contains("starting with the AOT cache " + cache.getFileName()), text2);
        assertEquals(1, Files.readAllLines(marker).size());

        // WHEN the cache is damaged, THEN the JVM starts without it and the function still answers
        byte[] bytes = Files.readAllBytes(cache);
        for (int i = 0; i < bytes.length; i += 4096) {
            bytes[i] ^= 0x5a;
        }
        Files.write(cache, bytes);
        ByteArrayOutputStream console3 = new ByteArrayOutputStream();
        try (LocalCloud cloud = start(console3)) {
            assertIsolated(get(cloud, "/primed"));
        }
    }

    /** Every class of the local cloud but the bootstrap, and its libraries, are out of the function's reach. */
    private static void assertIsolated(String body) {
        assertTrue(body.contains("hidden com.audmg.drive.local.LocalCloud\n"), body);
        assertTrue(body.contains("hidden com.audmg.drive.local.lambda.FunctionWorker\n"), body);
        assertTrue(body.contains("hidden com.audmg.drive.local.lambda.AotCache\n"), body);
        assertTrue(body.contains("hidden com.audmg.drive.local.gateway.Gateway\n"), body);
        assertTrue(body.contains("hidden com.fasterxml.jackson.databind.ObjectMapper\n"), body);
        assertTrue(body.contains("hidden org.yaml.snakeyaml.Yaml\n"), body);
        assertTrue(body.contains("hidden org.eclipse.jetty.server.Server\n"), body);
        // On the application class path, as Lambda's runtime puts a function: what the AOT cache can hold.
        assertTrue(body.contains("loader=app\n"), body);
    }

    private static Path awaitCache(int seconds) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        Path aot = data.resolve("aot");
        while (System.nanoTime() < until) {
            if (Files.isDirectory(aot)) {
                try (Stream<Path> files = Files.list(aot)) {
                    List<Path> caches = files.filter(f -> f.getFileName().toString().matches("primed-[0-9a-f]+\\.aot"))
                            .toList();
                    if (!caches.isEmpty()) {
                        return caches.get(0);
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no AOT cache in " + aot + " after " + seconds + " s");
    }

    private static LocalCloud start(ByteArrayOutputStream console) {
        return LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(data)
                .config(config)
                .artifact(artifact)
                .console(new PrintStream(console, true, StandardCharsets.UTF_8))
                .build());
    }

    private static String get(LocalCloud cloud, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The fixture jar plus org.crac, as a function that registers priming hooks ships it. */
    private static Path withCrac(Path fixture, Path jar) throws Exception {
        Path crac = Path.of(org.crac.Core.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path source : List.of(fixture, crac)) {
                try (JarFile in = new JarFile(source.toFile())) {
                    for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
                        if (e.isDirectory() || e.getName().startsWith("META-INF/")
                                || e.getName().contains("module-info")) {
                            continue;
                        }
                        out.putNextEntry(new JarEntry(e.getName()));
                        try (InputStream s = in.getInputStream(e)) {
                            s.transferTo((OutputStream) out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }
}
