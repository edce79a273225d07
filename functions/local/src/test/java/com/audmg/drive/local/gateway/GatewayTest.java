package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over real HTTP, with the fixture handlers running in real worker JVMs. */
class GatewayTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static URI base;
    static final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path jar = TestFixtures.fixtureJar(dir.resolve("build"));
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.fixtureConfig())
                .artifact(jar)
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

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownRouteOrStage_shouldBe403MissingAuthenticationToken() throws Exception {
        for (URI uri : List.of(URI.create(base + "/nothing/here"), URI.create(base + "/items"),
                base.resolve("/otherstage/env"))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), uri.toString());
            assertEquals("{\"message\":\"Missing Authentication Token\"}", r.body());
        }
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(base + "/env"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrongMethod.statusCode());
    }

    @Test
    void protectedRoute_shouldAnswer401_whenTokenMissingOrUnauthorized() throws Exception {
        HttpResponse<String> missing = get("/items/1");
        assertEquals(401, missing.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", missing.body());
        HttpResponse<String> rejected = get("/items/1", "Authorization", "garbage");
        assertEquals(401, rejected.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", rejected.body());
    }

    @Test
    void protectedRoute_shouldAnswer403_whenPolicyDeniesOrDoesNotCoverTheMethod() throws Exception {
        for (String token : List.of("deny", "narrow")) {
            HttpResponse<String> r = get("/items/1", "Authorization", token);
            assertEquals(403, r.statusCode(), token);
            assertEquals("{\"message\":\"User is not authorized to access this resource\"}", r.body());
        }
    }

    @Test
    void protectedRoute_shouldPassPrincipalAndContext_andCacheTheAuthorizerPerToken() throws Exception {
        // GIVEN a token not used before
        int before = cloud.authorizerInvocations();

        // WHEN it is used three times on two paths
        HttpResponse<String> first = get("/items/a%20b?x=1&x=2", "Authorization", "allow-carol");
        HttpResponse<String> second = get("/items/other", "Authorization", "allow-carol");
        HttpResponse<String> third = get("/items/other", "Authorization", "allow-carol");

        // THEN the function sees the principal, and the authorizer ran once
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("principal=carol\n"), first.body());
        assertTrue(first.body().contains("authorizerUser=carol\n"), first.body());
        assertTrue(first.body().contains("pathParameters={id=a b}\n"), first.body());
        assertTrue(first.body().contains("multiQuery={x=[1, 2]}\n"), first.body());
        assertTrue(first.body().contains("resource=/items/{id}\n"), first.body());
        assertTrue(first.body().contains("stage=local\n"), first.body());
        assertTrue(first.body().contains("function=fixture-app-local-echo\n"), first.body());
        assertTrue(first.body().contains("memory=256\n"), first.body());
        assertTrue(first.body().contains("classLoader=function:echo\n"), first.body());
        assertEquals("yes", first.headers().firstValue("X-Echo").orElse(null));
        assertEquals(200, second.statusCode());
        assertEquals(200, third.statusCode());
        assertEquals(before + 1, cloud.authorizerInvocations());
    }

    @Test
    void corsPreflight_shouldBeAnsweredByTheGateway() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/items/9"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));
    }

    @Test
    void body_shouldReachTheFunction_andOver10MbBeRejectedWith413() throws Exception {
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/public/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"world\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("body={\"hello\":\"world\"}\n"), ok.body());
        assertTrue(ok.body().contains("principal=null\n"), ok.body());

        byte[] big = new byte[10 * 1024 * 1024 + 1];
        HttpResponse<String> tooBig = http.send(HttpRequest.newBuilder(URI.create(base + "/public/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooBig.statusCode());
    }

    @Test
    void functionErrorsAndOversizedOrMalformedResponses_shouldBe502() throws Exception {
        for (String path : List.of("/fail", "/big", "/malformed", "/broken")) {
            HttpResponse<String> r = get(path);
            assertEquals(502, r.statusCode(), path);
            assertEquals("{\"message\":\"Internal server error\"}", r.body());
        }
    }

    @Test
    void functionTimeout_shouldBe502_andTheNextInvocationGetAFreshWorker() throws Exception {
        HttpResponse<String> slow = get("/slow?ms=10000");
        assertEquals(502, slow.statusCode());
        assertEquals("{\"message\":\"Internal server error\"}", slow.body());
        HttpResponse<String> fast = get("/slow?ms=10");
        assertEquals(200, fast.statusCode(), fast.body());
        assertEquals("slept 10", fast.body());
        assertTrue(Files.readString(dir.resolve("data/logs/slow.log")).contains("Task timed out after 2.00 seconds"));
    }

    @Test
    void environment_shouldBeExactlyServerlessYmlPlusLambdaVariables_andNoEmulatorClassesVisible() throws Exception {
        HttpResponse<String> r = get("/env");
        assertEquals(200, r.statusCode(), r.body());
        Set<String> names = new HashSet<>();
        for (String line : r.body().split("\n")) {
            names.add(line.substring(0, line.indexOf('=')));
        }
        names.remove("LEAK");
        assertEquals(Set.of("STORE_BUCKET", "SECRET_NAME", "FROM_ENV", "FUNCTION_ONLY", "SECRET",
                "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_EXECUTION_ENV",
                // The embedded SNS and the Invoke endpoint (always); AWS_ENDPOINT_URL_SQS only when
                // serverless.yml declares queues.
                "AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_LAMBDA",
                "AWS_LAMBDA_RUNTIME_API", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3",
                "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_SESV2", "_HANDLER", "TZ"), names);
        assertTrue(r.body().contains("LEAK=none\n"), "the emulator's Jackson must not be visible");
        assertTrue(r.body().contains("STORE_BUCKET=fixture-app-local-storebucket\n"));
        assertTrue(r.body().contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=192\n"));
    }

    @Test
    void ssmEndpoint_shouldServeTheGeneratedParameter() throws Exception {
        HttpResponse<String> env = get("/env");
        String endpoint = line(env.body(), "AWS_ENDPOINT_URL_SSM");
        String secret = line(env.body(), "SECRET");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/"))
                .header("X-Amz-Target", "AmazonSSM.GetParameter")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"/fixture/local/secret\",\"WithDecryption\":true}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"Value\":\"" + secret + "\""), r.body());
        assertTrue(r.body().contains("\"Type\":\"SecureString\""), r.body());
    }

    @Test
    void sesEndpoint_shouldWriteEachMessageToTheOutbox_onlyFromAnAddressTheEnvironmentNames() throws Exception {
        String endpoint = line(get("/env").body(), "AWS_ENDPOINT_URL_SESV2");
        String message = "{\"FromEmailAddress\":\"%s\",\"Destination\":{\"ToAddresses\":[\"%s\"]},"
                + "\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"%s\"},\"Body\":{\"Text\":{\"Data\":\"Hello\\nl\u00e0\"}}}}}";
        HttpResponse<String> foreign = sendEmail(endpoint, String.format(message, "someone@example.com", "a@example.com", "Hi"));
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals("AccessDeniedException", foreign.headers().firstValue("x-amzn-ErrorType").orElse(""));
        HttpResponse<String> injected = sendEmail(endpoint, String.format(message, "only-here", "a@example.com",
                "Hi\\r\\nBcc: b@example.com"));
        assertEquals(400, injected.statusCode(), injected.body());
        HttpResponse<String> forged = sendEmail(endpoint.substring(0, endpoint.lastIndexOf('/')) + "/forged-token",
                String.format(message, "only-here", "a@example.com", "Hi"));
        assertEquals(403, forged.statusCode());
        Path outbox = dir.resolve("data/outbox");
        assertTrue(!Files.exists(outbox) || Files.list(outbox).findAny().isEmpty(), "nothing refused was written");

        HttpResponse<String> sent = sendEmail(endpoint, String.format(message, "only-here", "a@example.com", "Hi there"));

        assertEquals(200, sent.statusCode(), sent.body());
        assertTrue(sent.body().contains("\"MessageId\""), sent.body());
        List<Path> files;
        try (var listing = Files.list(outbox)) {
            files = listing.toList();
        }
        assertEquals(1, files.size());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(files.get(0))));
        String eml = Files.readString(files.get(0), StandardCharsets.US_ASCII);
        assertTrue(eml.startsWith("From: only-here\r\nTo: a@example.com\r\nSubject: Hi there\r\nDate: "), eml);
        assertTrue(eml.contains("\r\nMIME-Version: 1.0\r\n") && eml.contains("Content-Type: text/plain; charset=UTF-8"), eml);
        String body = eml.substring(eml.indexOf("\r\n\r\n") + 4).strip();
        assertEquals("Hello\r\nl\u00e0", new String(java.util.Base64.getMimeDecoder().decode(body), StandardCharsets.UTF_8));
        assertTrue(eml.contains("\r\nContent-Transfer-Encoding: base64\r\n"), "not ASCII: base64");
        assertTrue(Files.readString(dir.resolve("data/logs/env.log")).contains("SES SendEmail: message "));
    }

    private static HttpResponse<String> sendEmail(String endpoint, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v2/email/outbound-emails"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void embeddedS3_shouldRefuseUnsignedRequests_andHaveTheDeclaredBuckets() throws Exception {
        String endpoint = line(get("/env").body(), "AWS_ENDPOINT_URL_S3");
        assertTrue(endpoint.startsWith("http://127.0.0.1:"), endpoint);
        HttpResponse<String> anonymousPut = http.send(HttpRequest.newBuilder(
                URI.create(endpoint + "/fixture-app-local-storebucket/x.txt"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, anonymousPut.statusCode(), anonymousPut.body());
        assertTrue(Files.isDirectory(dir.resolve("data/s3/fixture-app-local-storebucket")));
        assertTrue(Files.isDirectory(dir.resolve("data/s3/fixture-named-local")));
    }

    @Test
    void oneHandlerInstance_shouldServeConcurrentInvocations_withLambdaStyleLogs() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/counter")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> bodies = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get();
            assertEquals(200, r.statusCode());
            bodies.add(r.body());
        }
        assertEquals(20, bodies.size(), "every call counted by the same instance: " + bodies);
        String log = Files.readString(dir.resolve("data/logs/counter.log"));
        assertTrue(log.contains("START RequestId: "), log);
        assertTrue(log.contains("END RequestId: "), log);
        assertTrue(log.matches("(?s).*REPORT RequestId: \\S+\tDuration: [0-9.]+ ms\tBilled Duration: \\d+ ms"
                + "\tMemory Size: 256 MB\tMax Memory Used: \\d+ MB\tInit Duration: [0-9.]+ ms.*"), log);
        assertEquals(1, log.split("Init Duration").length - 1, "one cold start");
        assertTrue(consoleBytes.toString(StandardCharsets.UTF_8).contains("[counter] START RequestId"));
        assertFalse(consoleBytes.toString(StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void headerNames_shouldReachTheFunctionAsSent_andLookupsIgnoreTheirCase() throws Exception {
        int port = base.getPort();
        String host = "127.0.0.1:" + port;
        com.audmg.drive.local.http.RawHttp.Answer r = com.audmg.drive.local.http.RawHttp.get(port,
                base.getRawPath() + "/public/echo", host, "x-custom-header: lower", "X-API-Key: k1",
                "X-Mixed-CASE-name: v", "user-agent: raw-test", "accept: text/plain");
        assertEquals(200, r.status(), r.body());
        String expected = "[Connection, Content-Length, Host, X-API-Key, X-Forwarded-For, X-Forwarded-Port, "
                + "X-Forwarded-Proto, X-Mixed-CASE-name, accept, user-agent, x-custom-header]";
        assertEquals(expected, line(r.body(), "headerNames"), r.body());
        assertEquals(expected, line(r.body(), "multiHeaderNames"), r.body());
        // The token authorizer finds "authorization" whatever its case.
        HttpResponse<String> lower = get("/items/7", "authorization", "allow-dave");
        assertEquals(200, lower.statusCode(), lower.body());
    }

    @Test
    void largeResponses_shouldBeGzipped_whenTheClientAcceptsIt() throws Exception {
        HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(URI.create(base + "/env"))
                .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(null));
        String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))
                .readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.contains("AWS_LAMBDA_FUNCTION_NAME=fixture-app-local-env"), text);
        HttpResponse<String> small = get("/counter", "Accept-Encoding", "gzip");
        assertTrue(small.headers().firstValue("Content-Encoding").isEmpty());
    }

    private static String line(String body, String name) {
        for (String l : body.split("\n")) {
            if (l.startsWith(name + "=")) {
                return l.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + body);
    }
}
