package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudException;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import com.audmg.drive.local.http.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lite mode over real HTTP: every function of a project in one shared worker JVM, each in its own class loader
 * with its own runtime token; timeouts that cannot kill the shared JVM; projects it cannot isolate refused.
 */
class LiteModeTest {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();
    LocalCloud cloud;

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    LocalCloud start(String config) throws Exception {
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.resource(config))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .workerMode(WorkerMode.SHARED)
                .console(null)
                .build());
        return cloud;
    }

    /** Starts lite mode on the fixture project plus {@code functions} (YAML under {@code functions:}), read from {@code dir}. */
    LocalCloud startWith(String functions) throws Exception {
        Path config = dir.resolve("serverless.yml");
        String yml = Files.readString(TestFixtures.resource("lite-serverless.yml"));
        Files.writeString(config, yml.replace("functions:\n", "functions:\n" + functions));
        cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dir.resolve("data")).config(config)
                .workerMode(WorkerMode.SHARED).console(null).build());
        return cloud;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    Map<String, String> lines(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> values = new HashMap<>();
        for (String line : r.body().split("\n")) {
            values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return values;
    }

    static List<ProcessHandle> workerJvms() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("com.audmg.drive.local.lambda.bootstrap."))
                .toList();
    }

    @Test
    void functions_shouldShareOneJvm_eachWithItsOwnClassLoaderAndStaticState() throws Exception {
        start("lite-serverless.yml");
        // GIVEN two functions with the same handler class, which counts its calls in a static field
        Map<String, String> a1 = lines("/a");
        Map<String, String> a2 = lines("/a");
        Map<String, String> b1 = lines("/b");
        Map<String, String> who = lines("/whoami");

        // THEN they run in one JVM, but each counts for itself, in its own class loader
        assertEquals(a1.get("pid"), b1.get("pid"), "one JVM for both functions");
        assertEquals(List.of(Long.parseLong(a1.get("pid"))), workerJvms().stream().map(ProcessHandle::pid).toList(),
                "the shared JVM is the only worker JVM");
        assertEquals(cloud.sharedWorkerPid().orElseThrow(), Long.parseLong(a1.get("pid")));
        assertEquals("1", a1.get("calls"));
        assertEquals("2", a2.get("calls"));
        assertEquals("1", b1.get("calls"), "staticB must not see staticA's static state");
        assertEquals("function:staticA", a1.get("loader"));
        assertEquals("function:staticB", b1.get("loader"));
        // Each function knows its own name through its Context, as on Lambda ...
        assertEquals("lite-app-local-whoami", who.get("contextName"));
        assertEquals("/aws/lambda/lite-app-local-whoami", who.get("logGroup"));
        // ... but not through the process environment, which it shares: lite mode leaves that variable out
        assertEquals("null", who.get("envName"));
        // and what a function prints goes to its own log
        String aLog = Files.readString(dir.resolve("data/logs/staticA.log"));
        assertTrue(aLog.contains("static counter of lite-app-local-staticA"), aLog);
        assertFalse(Files.readString(dir.resolve("data/logs/staticB.log")).contains("staticA"));
    }

    @Test
    void heap_shouldShrinkBack_onceABurstOfWorkIsOver() throws Exception {
        // GIVEN a function that holds 150 MB while it runs, in the shared JVM (-Xms64m, -Xmx256m here)
        TestFixtures.fixtureJar(dir.resolve("build"));
        startWith("""
                  heap:
                    handler: com.audmg.drive.local.fixtures.StreamHandlers$Heap
                    events:
                      - http: GET heap
                """);
        Map<String, String> burst = lines("/heap?mb=150");
        long grown = Long.parseLong(burst.get("committed"));
        assertEquals("150", burst.get("held"));
        assertTrue(grown > 150L << 20, "the heap grew to hold it: " + grown);

        // WHEN nothing runs for a few seconds, THEN one full collection gives the garbage's room back
        long shrunk = grown;
        long until = System.nanoTime() + 20_000_000_000L;
        while (shrunk > grown / 2 && System.nanoTime() < until) {
            Thread.sleep(4000); // longer than the shared JVM's quiet time before its collection (3 s)
            shrunk = Long.parseLong(lines("/heap").get("committed"));
        }
        assertTrue(shrunk <= grown / 2, "committed heap " + grown + " -> " + shrunk + " bytes");
    }

    @Test
    void functions_shouldRunFromTheirOwnArtifacts_inTheSharedJvm() throws Exception {
        // GIVEN a function whose package.artifact is its own jar, the project read without --artifact
        Path build = dir.resolve("build");
        Path jar = TestFixtures.fixtureJar(build);
        Files.copy(jar, build.resolve("elsewhere.jar"));
        startWith("""
                  whoamiElsewhere:
                    handler: com.audmg.drive.local.fixtures.StreamHandlers$WhoAmI
                    package:
                      artifact: build/elsewhere.jar
                    events:
                      - http: GET elsewhere
                """);

        Map<String, String> who = lines("/whoami");
        Map<String, String> elsewhere = lines("/elsewhere");

        // THEN both run in the one shared JVM, each from its own jar
        assertEquals(who.get("pid"), elsewhere.get("pid"));
        assertTrue(who.get("codeSource").endsWith("/build/fixture.jar"), who.get("codeSource"));
        assertTrue(elsewhere.get("codeSource").endsWith("/build/elsewhere.jar"), elsewhere.get("codeSource"));
    }

    @Test
    void sharedJvm_shouldHaveTheCommonEnvironment_andNoFunctionsToken() throws Exception {
        start("lite-serverless.yml");
        Map<String, String> env = lines("/env");
        assertEquals("same-for-all", env.get("COMMON_SETTING"));
        assertEquals("/lite/local/shared", env.get("SHARED_PARAMETER"));
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertNull(env.get("AWS_LAMBDA_FUNCTION_NAME"), "per-function values cannot be told apart in one process");
        assertNull(env.get("_HANDLER"));
        assertEquals("none", env.get("LEAK"), "the local cloud's own libraries stay invisible");
        String api = env.get("AWS_LAMBDA_RUNTIME_API");
        int port = Integer.parseInt(api.substring(api.indexOf(':') + 1));
        String host = "127.0.0.1:" + port;
        String ssmPath = URI.create(env.get("AWS_ENDPOINT_URL_SSM")).getPath();
        String ssmToken = ssmPath.split("/")[3];

        // The runtime API refuses everything the environment offers: no runtime token is in it.
        for (String fn : List.of("env", "staticA", "slow")) {
            for (int gen = 1; gen <= 2; gen++) {
                String base = "/fn/" + fn + "/" + gen + "/2018-06-01/runtime";
                for (String[] token : List.<String[]>of(new String[0],
                        new String[] {"X-Audmg-Worker-Token: " + ssmToken})) {
                    assertEquals(403, RawHttp.get(port, base + "/invocation/next", host, token).status());
                    assertEquals(403, RawHttp.post(port, base + "/invocation/x/response", host, "{}", token).status());
                    assertEquals(403, RawHttp.post(port, base + "/init/error", host, "{}", token).status());
                }
            }
        }
        // The shared JVM's SSM endpoint serves the parameters the (common) environment names, nothing else.
        RawHttp.Answer own = RawHttp.post(port, ssmPath, host, "{\"Name\":\"/lite/local/shared\"}",
                "X-Amz-Target: AmazonSSM.GetParameter", "Content-Type: application/x-amz-json-1.1");
        assertEquals(200, own.status(), own.body());
        RawHttp.Answer other = RawHttp.post(port, ssmPath, host, "{\"Name\":\"/somewhere/else\"}",
                "X-Amz-Target: AmazonSSM.GetParameter", "Content-Type: application/x-amz-json-1.1");
        assertEquals(400, other.status(), other.body());
        assertTrue(other.body().contains("AccessDeniedException"), other.body());
        RawHttp.Answer guessed = RawHttp.post(port, ssmPath.replace(ssmToken, "guessed"), host,
                "{\"Name\":\"/lite/local/shared\"}", "X-Amz-Target: AmazonSSM.GetParameter");
        assertEquals(403, guessed.status(), guessed.body());
        // and the functions still work after all that
        assertEquals(200, get("/a").statusCode());
    }

    @Test
    void timeout_shouldAnswer502_interruptTheThread_andKeepTheSharedJvm() throws Exception {
        start("lite-serverless.yml");
        assertEquals("1", lines("/a").get("calls"));
        assertEquals("slept 1", get("/slow?ms=1").body(), "slow's class loader is ready: only the call is timed");
        long pid = cloud.sharedWorkerPid().orElseThrow();

        // WHEN slow (timeout 2 s) runs for 8 s: its thread is interrupted at the deadline
        long t0 = System.nanoTime();
        HttpResponse<String> timedOut = get("/slow?ms=8000");
        double seconds = (System.nanoTime() - t0) / 1e9;

        // THEN a 502 after about 2 s, as Lambda behind API Gateway, and the JVM (with every other function's
        // state) goes on: the interrupted invocation returned, its late result discarded
        assertEquals(502, timedOut.statusCode(), timedOut.body());
        assertTrue(seconds > 1.8 && seconds < 7, "answered after " + seconds + " s");
        Path slowLog = dir.resolve("data/logs/slow.log");
        awaitLine(slowLog, "ended after its timeout; its result was discarded");
        Thread.sleep(FunctionWorker.lateGraceMillis(2) + 500);
        assertEquals(pid, cloud.sharedWorkerPid().orElseThrow(), "the shared JVM was not restarted");
        assertEquals("2", lines("/a").get("calls"), "staticA kept its state");
        assertEquals("slept 10", get("/slow?ms=10").body(), "slow serves again");
        assertTrue(Files.readString(slowLog).contains("Task timed out after 2.00 seconds"));
    }

    @Test
    void timeout_shouldRestartTheSharedJvm_whenTheInvocationIgnoresTheInterrupt() throws Exception {
        start("lite-serverless.yml");
        assertEquals("1", lines("/a").get("calls"));
        long pid = cloud.sharedWorkerPid().orElseThrow();
        // another function's invocation in flight in the same JVM when it is restarted
        CompletableFuture<HttpResponse<String>> bystander = http.sendAsync(
                HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/slow?ms=1900")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);

        HttpResponse<String> timedOut = get("/stubborn");
        assertEquals(502, timedOut.statusCode(), timedOut.body());

        // THEN the grace period after the interrupt passes and the shared JVM is restarted: the stuck thread ends
        // with it, and so do every function's state and in-flight invocations (502), which the log says
        awaitLine(dir.resolve("data/logs/stubborn.log"), "ignored the interrupt: restarting the shared worker JVM");
        HttpResponse<String> b = bystander.get(20, TimeUnit.SECONDS);
        assertTrue(b.statusCode() == 502 || b.statusCode() == 200, b.statusCode() + " " + b.body());
        Map<String, String> after = lines("/a");
        assertEquals("1", after.get("calls"), "a new JVM: staticA starts again");
        assertNotEquals(Long.toString(pid), after.get("pid"));
        assertEquals(1, workerJvms().size(), "the old JVM is gone, one new one runs");
    }

    @Test
    void initError_shouldFailThatFunctionOnly_andRetryOnTheNextCall() throws Exception {
        start("lite-serverless.yml");
        assertEquals(502, get("/broken").statusCode());
        assertEquals(502, get("/broken").statusCode(), "tried again, fails again, does not hang");
        assertEquals("1", lines("/a").get("calls"), "the other functions are untouched");
        assertEquals(1, workerJvms().size());
    }

    @Test
    void liteMode_shouldBeRefused_whenFunctionsHaveDifferentEnvironments() throws Exception {
        // fixture-serverless.yml: the env function adds FUNCTION_ONLY and SECRET to the provider's environment
        LocalCloudException e = assertThrows(LocalCloudException.class, () -> start("fixture-serverless.yml"));
        assertTrue(e.getMessage().startsWith("lite mode (one shared worker JVM) is not possible"), e.getMessage());
        assertTrue(e.getMessage().contains("FUNCTION_ONLY") && e.getMessage().contains("env"), e.getMessage());
        assertFalse(e.getMessage().contains("only-here"), "names only, never values: " + e.getMessage());
        assertTrue(workerJvms().isEmpty());
    }

    static void awaitLine(Path log, String text) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            assertTrue(System.nanoTime() < until, "no line '" + text + "' in " + log);
            Thread.sleep(50);
        }
    }
}
