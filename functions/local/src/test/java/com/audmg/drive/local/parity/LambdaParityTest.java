package com.audmg.drive.local.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.config.ServerlessConfigReader;
import com.audmg.drive.local.lambda.InvocationResult;
import com.audmg.drive.local.lambda.LambdaRuntime;
import com.audmg.drive.local.s3.S3Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambda as AWS runs it, over real HTTP: deployed function names, one JDK per runtime, the runtime's JVM defaults
 * that a function's {@code JAVA_TOOL_OPTIONS} may change, and a function's own
 * timeout being a function error (502) rather than the gateway's timeout (504).
 */
class LambdaParityTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static URI base;
    static final ByteArrayOutputStream console = new ByteArrayOutputStream();
    static final HttpClient http = HttpClient.newHttpClient();
    static final int RUNNING = Runtime.version().feature();
    /** A major version no test machine's JDK folder (the temporary one here) has. */
    static final int MISSING = RUNNING == 11 ? 8 : 11;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(System.getProperty("os.name").toLowerCase().contains("win"), "fake JDK is a shell script");
        // GIVEN a folder of JDKs holding one "JDK 21": a script that runs this JVM, marked so a handler can tell.
        Path jdk = dir.resolve("jdks/fake-jdk-21");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"21.0.9\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Dfake.jdk=21 \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        // AND a serverless.yml whose provider runtime is java21, with functions on other runtimes.
        Path config = dir.resolve("serverless.yml");
        Files.writeString(config, String.join("\n",
                "service: parity-app",
                "provider:",
                "  name: aws",
                "  runtime: java21",
                "  timeout: 10",
                "  memorySize: 128",
                "package:",
                "  artifact: fixture.jar",
                "functions:",
                "  whoami:",
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$WhoAmI",
                "    events: [ { http: { path: whoami, method: get } } ]",
                "  renamed:",
                "    name: my-own-name",
                "    runtime: java" + RUNNING,
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$WhoAmI",
                "    events: [ { http: { path: renamed, method: get } } ]",
                "  old:",
                "    runtime: java" + MISSING,
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$WhoAmI",
                "    events: [ { http: { path: old, method: get } } ]",
                "  slow:",
                "    runtime: java" + RUNNING,
                "    timeout: 1",
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$Slow::handleRequest",
                "    events: [ { http: { path: slow, method: get } } ]",
                "  echo:",
                "    runtime: java" + RUNNING,
                "    handler: com.audmg.drive.local.fixtures.EchoHandler::handleRequest",
                "    events:",
                "      - http: { path: echo, method: get }",
                "      - http:",
                "          path: guarded",
                "          method: get",
                "          authorizer:",
                "            name: requestAuthorizer",
                "            type: request",
                "            identitySource: method.request.header.X-Api-Key, method.request.querystring.tenant",
                "            resultTtlInSeconds: 300",
                "  jvmDefaults:",
                "    runtime: java" + RUNNING,
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$Jvm",
                "    events: [ { http: { path: jvm, method: get } } ]",
                "  jvmTuned:",
                "    runtime: java" + RUNNING,
                "    handler: com.audmg.drive.local.fixtures.StreamHandlers$Jvm",
                "    environment:",
                "      JAVA_TOOL_OPTIONS: -XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:+UseParallelGC",
                "    events: [ { http: { path: jvm-tuned, method: get } } ]",
                "  requestAuthorizer:",
                "    runtime: java" + RUNNING,
                "    handler: com.audmg.drive.local.fixtures.RequestAuthorizer::handleRequest",
                "resources:",
                "  Resources:",
                "    ApiStage:",
                "      Type: AWS::ApiGateway::Stage",
                "      Properties:",
                "        Variables: { alias: live, stage: '${sls:stage}' }",
                ""));
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(config)
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .jdkRoots(List.of(dir.resolve("jdks")))
                .console(new PrintStream(console, true, StandardCharsets.UTF_8))
                .build());
        base = cloud.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void functionName_shouldBeServiceStageFunction_orTheDeclaredName() throws Exception {
        HttpResponse<String> r = get("/whoami");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("contextName=parity-app-local-whoami\n"), r.body());
        assertTrue(r.body().contains("envName=parity-app-local-whoami\n"), r.body());
        assertTrue(r.body().contains("arn=arn:aws:lambda:us-east-1:000000000000:function:parity-app-local-whoami\n"),
                r.body());
        assertTrue(r.body().contains("logGroup=/aws/lambda/parity-app-local-whoami\n"), r.body());
        HttpResponse<String> renamed = get("/renamed");
        assertTrue(renamed.body().contains("contextName=my-own-name\n"), renamed.body());
        assertTrue(renamed.body().contains("envName=my-own-name\n"), renamed.body());
    }

    @Test
    void worker_shouldRunOnTheJdkOfItsRuntime_andSayWhichOne() throws Exception {
        // WHEN functions on java21 (installed), the running version and a missing one are called
        HttpResponse<String> on21 = get("/whoami");
        HttpResponse<String> onRunning = get("/renamed");
        HttpResponse<String> onMissing = get("/old");

        // THEN java21 ran on the JDK 21 found in the folder, the others on this JVM
        assertTrue(on21.body().contains("fakeJdk=21\n"), on21.body());
        assertTrue(on21.body().contains("executionEnv=AWS_Lambda_java21\n"), on21.body());
        assertTrue(onRunning.body().contains("fakeJdk=null\n"), onRunning.body());
        assertTrue(onMissing.body().contains("fakeJdk=null\n"), onMissing.body());
        assertTrue(onMissing.body().contains("executionEnv=AWS_Lambda_java" + MISSING + "\n"), onMissing.body());
        // AND the start-up summary says which Java each runtime got, and why it fell back
        List<String> summary = cloud.startupSummary();
        assertTrue(summary.contains("java21 functions run on JDK 21.0.9 (" + dir.resolve("jdks/fake-jdk-21") + ")"),
                summary.toString());
        assertTrue(summary.stream().anyMatch(l -> l.startsWith("java" + RUNNING
                + " functions run on the local cloud's own Java")), summary.toString());
        assertTrue(summary.stream().anyMatch(l -> l.startsWith("java" + MISSING
                + " functions run on the local cloud's own Java") && l.contains("no JDK " + MISSING + " found in")),
                summary.toString());
    }

    @Test
    void javaToolOptions_shouldChangeTheRuntimesJvmDefaults_asOnLambda() throws Exception {
        // WHEN a function without JAVA_TOOL_OPTIONS and one asking for C2 and the parallel collector are called
        HttpResponse<String> defaults = get("/jvm");
        HttpResponse<String> tuned = get("/jvm-tuned");

        // THEN the first runs with Lambda's defaults: C1 only, the serial collector
        assertEquals(200, defaults.statusCode(), defaults.body());
        assertEquals("TieredStopAtLevel=1\nUseSerialGC=true\nUseParallelGC=false\n", defaults.body());
        // AND the second with what its JAVA_TOOL_OPTIONS says (it starts at all: two collectors would not)
        assertEquals(200, tuned.statusCode(), tuned.body());
        assertEquals("TieredStopAtLevel=4\nUseSerialGC=false\nUseParallelGC=true\n", tuned.body());
    }

    @Test
    void functionTimeout_shouldBe502InternalServerError_asBehindARestApi() throws Exception {
        // WHEN a function with timeout 1 s sleeps 5 s
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/slow");
        long millis = (System.nanoTime() - t0) / 1_000_000;

        // THEN API Gateway answers as for any function error, at the function's timeout
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("{\"message\":\"Internal server error\"}", r.body());
        assertTrue(millis < 4000, "answered after " + millis + " ms");
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("Task timed out after 1.00 seconds"));
        // AND the next call gets a fresh worker
        HttpResponse<String> quick = get("/slow?ms=10");
        assertEquals(200, quick.statusCode(), quick.body());
    }

    @Test
    void callerGivingUp_shouldBeATimeout_whileTheFunctionsOwnTimeoutIsAFunctionError() throws Exception {
        // GIVEN the runtime alone (the gateway's 29 s limit is this "maxWait"), the slow function's timeout 1 s
        ParameterStore parameters = new ParameterStore(dir.resolve("runtime-only/parameters.properties"));
        ServerlessConfig config = new ServerlessConfigReader("local", k -> null, parameters)
                .read(dir.resolve("serverless.yml"), TestFixtures.fixtureJar(dir.resolve("build")));
        byte[] event = "{\"queryStringParameters\":{\"ms\":\"3000\"}}".getBytes(StandardCharsets.UTF_8);
        try (LambdaRuntime runtime = new LambdaRuntime(config, dir.resolve("runtime-only"),
                new S3Settings(URI.create("http://127.0.0.1:9"), "id", "secret"), parameters, null)) {
            // WHEN the caller stops waiting before the function's timeout
            InvocationResult gaveUp = runtime.invoke("slow", event, Duration.ofMillis(300));
            // AND when the function runs past its own timeout
            InvocationResult timedOut = runtime.invoke("slow", event, Duration.ofSeconds(29));

            // THEN the first is the caller's timeout (the gateway answers 504), the second a function error (502)
            assertEquals(InvocationResult.Outcome.TIMEOUT, gaveUp.outcome());
            assertEquals(InvocationResult.Outcome.ERROR, timedOut.outcome());
            String error = new String(timedOut.payload(), StandardCharsets.UTF_8);
            assertTrue(error.contains("Task timed out after 1.00 seconds") && error.contains("Sandbox.Timedout"), error);
        }
    }

    @Test
    void stageVariables_shouldReachTheFunction_asDeclaredForTheStage() throws Exception {
        HttpResponse<String> r = get("/echo");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("stageVariables={alias=live, stage=local}\n"), r.body());
    }

    @Test
    void requestAuthorizer_shouldSeeTheRequest_requireEveryIdentitySource_andCachePerIdentity() throws Exception {
        int before = cloud.authorizerInvocations();
        // WHEN an identity source is missing, THEN 401 without running the authorizer
        HttpResponse<String> noTenant = http.send(HttpRequest.newBuilder(URI.create(base + "/guarded"))
                .header("X-Api-Key", "open-sesame").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noTenant.statusCode());
        assertEquals(before, cloud.authorizerInvocations());
        // WHEN the authorizer refuses, THEN 401
        HttpResponse<String> wrongKey = http.send(HttpRequest.newBuilder(URI.create(base + "/guarded?tenant=acme"))
                .header("X-Api-Key", "guess").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongKey.statusCode());
        // WHEN it allows, THEN the function sees its principal and context, built from a REQUEST event
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/guarded?tenant=acme"))
                    .header("X-Api-Key", "open-sesame").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("principal=key-holder\n"), ok.body());
            assertTrue(ok.body().contains("authorizerUser=acme/REQUEST//guarded\n"), ok.body());
        }
        // AND the second allowed call came from the cache
        assertEquals(before + 2, cloud.authorizerInvocations());
    }
}
