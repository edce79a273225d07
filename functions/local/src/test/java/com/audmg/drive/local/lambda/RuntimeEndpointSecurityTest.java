package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import com.audmg.drive.local.http.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * The runtime endpoint (Runtime API and SSM GetParameter) against a hostile local process that knows
 * its port and its URL layout, and against what a function's own environment lets it do.
 */
class RuntimeEndpointSecurityTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static Path parametersFile;
    static final HttpClient http = HttpClient.newHttpClient();

    /** What the "owner" function sees in its environment. */
    static Map<String, String> ownerEnv;
    static int runtimePort;

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        parametersFile = data.resolve("parameters.properties");
        // A secret that exists but that no function of this serverless.yml names.
        Files.writeString(parametersFile, "/elsewhere/jwt-secret=not-for-these-functions\n");
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(data)
                .config(TestFixtures.resource("security-serverless.yml"))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null)
                .build());
        ownerEnv = env("/owner");
        String api = ownerEnv.get("AWS_LAMBDA_RUNTIME_API");
        runtimePort = Integer.parseInt(api.substring(api.indexOf(':') + 1, api.indexOf('/')));
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    static Map<String, String> env(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> env = new HashMap<>();
        for (String line : r.body().split("\n")) {
            env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return env;
    }

    static String host() {
        return "127.0.0.1:" + runtimePort;
    }

    static String ssmPath(Map<String, String> env) {
        return URI.create(env.get("AWS_ENDPOINT_URL_SSM")).getPath();
    }

    static RawHttp.Answer getParameter(String path, String hostHeader, String name) throws Exception {
        return RawHttp.post(runtimePort, path, hostHeader, "{\"Name\":\"" + name + "\",\"WithDecryption\":true}",
                "X-Amz-Target: AmazonSSM.GetParameter", "Content-Type: application/x-amz-json-1.1");
    }

    @Test
    void ssm_shouldRefuseCallersWithoutAFunctionsToken() throws Exception {
        String ownPath = ssmPath(ownerEnv);
        String function = ownPath.split("/")[2];
        String gen = ownPath.split("/")[3];
        for (String path : List.of("/", "/ssm/" + function + "/" + gen + "/guessed-token",
                "/ssm/" + function + "/" + gen + "/", "/ssm/other/1/" + ownPath.split("/")[4] + "x")) {
            RawHttp.Answer a = getParameter(path, host(), "/elsewhere/jwt-secret");
            assertEquals(403, a.status(), path + ": " + a.body());
            assertTrue(a.body().contains("UnrecognizedClientException"), a.body());
            assertFalse(a.body().contains("not-for-these-functions"), a.body());
            RawHttp.Answer create = getParameter(path, host(), "/attacker/new-name");
            assertEquals(403, create.status(), path + ": " + create.body());
        }
        assertFalse(Files.readString(parametersFile).contains("/attacker/new-name"), "refused requests create nothing");
    }

    @Test
    void ssm_shouldServeAFunctionOnlyTheParametersItsEnvironmentNames() throws Exception {
        Map<String, String> otherEnv = env("/other");
        RawHttp.Answer own = getParameter(ssmPath(ownerEnv), host(), "/security/local/owner-only");
        assertEquals(200, own.status(), own.body());
        assertTrue(own.body().contains("\"Type\":\"SecureString\""), own.body());

        RawHttp.Answer foreign = getParameter(ssmPath(otherEnv), host(), "/security/local/owner-only");
        assertEquals(400, foreign.status(), foreign.body());
        assertTrue(foreign.body().contains("AccessDeniedException"), foreign.body());
        assertFalse(foreign.body().contains("\"Value\""), foreign.body());

        RawHttp.Answer elsewhere = getParameter(ssmPath(ownerEnv), host(), "/elsewhere/jwt-secret");
        assertEquals(400, elsewhere.status(), elsewhere.body());
        assertFalse(elsewhere.body().contains("not-for-these-functions"), elsewhere.body());

        RawHttp.Answer invented = getParameter(ssmPath(ownerEnv), host(), "/made/up/name");
        assertEquals(400, invented.status(), invented.body());
        assertFalse(Files.readString(parametersFile).contains("/made/up/name"), "the endpoint never invents parameters");
    }

    @Test
    void ssm_shouldWorkWithTheRealSdkClientAtTheFunctionsEndpoint() {
        try (SsmClient ssm = SsmClient.builder()
                .endpointOverride(URI.create(ownerEnv.get("AWS_ENDPOINT_URL_SSM")))
                .region(Region.of(ownerEnv.get("AWS_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        ownerEnv.get("AWS_ACCESS_KEY_ID"), ownerEnv.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String value = ssm.getParameter(r -> r.name("/security/local/shared").withDecryption(true))
                    .parameter().value();
            assertEquals(44, value.length(), "a generated 256-bit secret, base64");
            SsmException denied = assertThrows(SsmException.class,
                    () -> ssm.getParameter(r -> r.name("/elsewhere/jwt-secret")));
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
        }
    }

    @Test
    void ssmAndRuntime_shouldRefuseAForeignHostHeader_evenWithAValidToken() throws Exception {
        RawHttp.Answer rebound = getParameter(ssmPath(ownerEnv), "rebind.evil.example:" + runtimePort,
                "/security/local/shared");
        assertEquals(403, rebound.status(), rebound.body());
        assertFalse(rebound.body().contains("\"Value\""), rebound.body());
        RawHttp.Answer noPort = getParameter(ssmPath(ownerEnv), "127.0.0.1", "/security/local/shared");
        assertEquals(403, noPort.status(), noPort.body());
        RawHttp.Answer localhost = getParameter(ssmPath(ownerEnv), "localhost:" + runtimePort, "/security/local/shared");
        assertEquals(200, localhost.status(), localhost.body());
    }

    @Test
    void runtimeApi_shouldRefuseAHostileClient_andLeaveTheWorkersWorking() throws Exception {
        String base = "/" + ownerEnv.get("AWS_LAMBDA_RUNTIME_API").split("/", 2)[1] + "/2018-06-01/runtime";
        String slowBase = base.replace("/fn/owner/", "/fn/slow/");
        // A real invocation is waiting in the slow function's queue or running while the attacker polls.
        CompletableFuture<HttpResponse<String>> victim = http.sendAsync(
                HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/slow?ms=1500")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String ssmToken = ssmPath(ownerEnv).split("/")[4];
        List<String[]> attempts = new ArrayList<>();
        for (String b : List.of(base, slowBase)) {
            attempts.add(new String[] {"GET", b + "/invocation/next"});
            attempts.add(new String[] {"POST", b + "/invocation/some-request-id/response"});
            attempts.add(new String[] {"POST", b + "/invocation/some-request-id/error"});
            attempts.add(new String[] {"POST", b + "/init/error"});
        }
        for (String[] attempt : attempts) {
            for (String[] tokenHeader : List.<String[]>of(new String[0], new String[] {"X-Audmg-Worker-Token: guess"},
                    // Everything in a function's environment is not enough: the runtime token is not in it.
                    new String[] {"X-Audmg-Worker-Token: " + ssmToken})) {
                long started = System.nanoTime();
                RawHttp.Answer a = attempt[0].equals("GET")
                        ? RawHttp.get(runtimePort, attempt[1], host(), tokenHeader)
                        : RawHttp.post(runtimePort, attempt[1], host(), "{\"statusCode\":200,\"body\":\"forged\"}",
                                tokenHeader);
                assertEquals(403, a.status(), attempt[0] + " " + attempt[1] + ": " + a.body());
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "refused at once, not long-polled");
            }
        }
        HttpResponse<String> answered = victim.get(20, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode(), answered.body());
        assertEquals("slept 1500", answered.body());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/slow?ms=1")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "no forged init/error reached the worker");
        assertTrue(Files.readString(parametersFile).lines().noneMatch(l -> l.startsWith("forged")));
    }
}
