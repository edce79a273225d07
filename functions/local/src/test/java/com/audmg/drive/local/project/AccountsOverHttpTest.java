package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions over real HTTP on the local cloud running the real project (serverless.yml and the built
 * functions artifact): refresh rotation and reuse detection, session revocation, logout and account
 * deletion refused at once although the gateway's authorizer cache (300 s) still holds an Allow for
 * the token, and a burst of wrong passwords held to the verification budget.
 */
@EnabledIf(value = "artifactExists", disabledReason = "functions/lambda/target/audmg-functions.jar not built")
class AccountsOverHttpTest {

    private static final String PASSWORD = "purple-monkey-dishwasher";

    @TempDir
    Path dataDir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    static boolean artifactExists() {
        return Files.isRegularFile(RealProjectTest.ARTIFACT) && Files.isRegularFile(RealProjectTest.CONFIG);
    }

    @Test
    void sessions_shouldRotateAndDie_atOnce_overHttp() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir)
                .config(RealProjectTest.CONFIG).artifact(RealProjectTest.ARTIFACT)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .prewarm(true).build())) {
            URI base = cloud.baseUrl();
            signUp(base, "alice");
            HttpResponse<String> weak = call(base, "POST", "/auth/signup", null,
                    "{\"username\":\"bob\",\"password\":\"qwerty12345\"}");
            assertEquals(400, weak.statusCode(), weak.body());
            assertTrue(weak.body().contains("too easy to guess") || weak.body().contains("most common"), weak.body());

            JsonNode first = login(base, "alice");
            assertEquals(200, call(base, "GET", "/me", token(first), null).statusCode());
            JsonNode second = tokens(call(base, "POST", "/auth/refresh", null, refreshBody(first)), 200);
            assertEquals(first.path("sessionId").asText(), second.path("sessionId").asText());
            assertEquals(200, call(base, "GET", "/me", token(second), null).statusCode()); // the gateway caches this Allow

            // Reuse of the replaced refresh token: the whole session dies, cached Allow or not.
            HttpResponse<String> reuse = call(base, "POST", "/auth/refresh", null, refreshBody(first));
            assertEquals(401, reuse.statusCode(), reuse.body());
            assertTrue(reuse.body().contains("invalid_token"), reuse.body());
            assertEquals(401, call(base, "GET", "/me", token(second), null).statusCode());
            assertEquals(401, call(base, "GET", "/files", token(second), null).statusCode());
            assertEquals(401, call(base, "POST", "/auth/refresh", null, refreshBody(second)).statusCode());

            JsonNode laptop = login(base, "alice");
            JsonNode phone = login(base, "alice");
            assertEquals(200, call(base, "GET", "/me", token(phone), null).statusCode());
            JsonNode sessions = json.readTree(call(base, "GET", "/me/sessions", token(laptop), null).body());
            assertEquals(2, sessions.path("items").size(), sessions.toString());
            assertEquals("AccountsOverHttpTest", sessions.path("items").get(0).path("client").asText());
            assertEquals(204, call(base, "DELETE", "/me/sessions/" + phone.path("sessionId").asText(),
                    token(laptop), null).statusCode());
            assertEquals(401, call(base, "GET", "/me", token(phone), null).statusCode());
            assertEquals(401, call(base, "POST", "/files", token(phone),
                    "{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":10}").statusCode());

            assertEquals(204, call(base, "POST", "/auth/logout", token(laptop), null).statusCode());
            assertEquals(401, call(base, "GET", "/me", token(laptop), null).statusCode());
            assertEquals(401, call(base, "POST", "/auth/refresh", null, refreshBody(laptop)).statusCode());

            JsonNode last = login(base, "alice");
            assertEquals(200, call(base, "GET", "/me", token(last), null).statusCode());
            assertEquals(204, call(base, "DELETE", "/me", token(last),
                    "{\"password\":\"" + PASSWORD + "\"}").statusCode());
            assertEquals(401, call(base, "GET", "/me", token(last), null).statusCode());
            assertEquals(401, call(base, "POST", "/auth/login", null, credentials("alice")).statusCode());
        }
    }

    @Test
    void aBurstOfWrongPasswords_shouldGetOnlyTheBudget_andTheSameAnswerForUnknownNames() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir)
                .config(RealProjectTest.CONFIG).artifact(RealProjectTest.ARTIFACT)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .prewarm(true).build())) {
            URI base = cloud.baseUrl();
            signUp(base, "target");

            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                burst.add(http.sendAsync(request(base, "POST", "/auth/login", null,
                        "{\"username\":\"target\",\"password\":\"wrong guess " + i + "\"}"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int verified = 0;
            int throttled = 0;
            int gatewayThrottled = 0;
            List<String> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : burst) {
                int status = response.get().statusCode();
                answers.add(status + " " + response.get().body());
                if (status == 401) {
                    verified++;
                } else if (status == 429 && response.get().body().equals("{\"message\":\"Too Many Requests\"}")) {
                    // serverless.yml's API Gateway throttle of POST /auth/login: burst 20, 10 a second
                    gatewayThrottled++;
                } else if (status == 429) {
                    assertTrue(response.get().headers().firstValue("Retry-After").isPresent());
                    throttled++;
                }
            }
            // 5 freely, then one per interval of 1, 2, 4, ... s: a slow (loaded) machine may see a few more.
            double seconds = (System.nanoTime() - started) / 1e9;
            int allowed = 5 + (int) Math.floor(Math.log(seconds + 1) / Math.log(2));
            // At least one: a reservation that loses its compare-and-swap too often fails closed (429), which on
            // a machine under heavy load (load average 32 seen) left only 3 of the 5 free verifications used.
            assertTrue(verified >= 1 && verified <= allowed,
                    verified + " wrong passwords verified (401) of 30 parallel in " + seconds + " s, at most " + allowed);
            assertEquals(30, verified + throttled + gatewayThrottled, answers.toString());
            assertTrue(30 - gatewayThrottled <= 20 + (int) Math.ceil(10 * seconds),
                    (30 - gatewayThrottled) + " of 30 passed the gateway in " + seconds + " s");
            HttpResponse<String> wrong = call(base, "POST", "/auth/login", null,
                    "{\"username\":\"nobody-at-all\",\"password\":\"wrong guess\"}");
            assertEquals(401, wrong.statusCode());
            assertNotEquals(-1, wrong.body().indexOf("invalid_credentials"));
        }
    }

    /** The first call of a cold function on a loaded machine may time out (504): once more, then it must hold. */
    private void signUp(URI base, String username) throws Exception {
        HttpResponse<String> response = call(base, "POST", "/auth/signup", null, credentials(username));
        if (response.statusCode() == 504 || response.statusCode() == 502) {
            response = call(base, "POST", "/auth/signup", null, credentials(username));
            assertTrue(response.statusCode() == 201 || response.statusCode() == 409, response.body());
            return;
        }
        assertEquals(201, response.statusCode(), response.body());
    }

    private String credentials(String username) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}";
    }

    private JsonNode login(URI base, String username) throws Exception {
        return tokens(call(base, "POST", "/auth/login", null, credentials(username)), 200);
    }

    private JsonNode tokens(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode tokens = json.readTree(response.body());
        for (String field : new String[] {"token", "tokenType", "expiresIn", "refreshToken", "sessionId"}) {
            assertTrue(tokens.hasNonNull(field), field + " in " + response.body());
        }
        assertEquals(900, tokens.path("expiresIn").asLong());
        return tokens;
    }

    private static String token(JsonNode tokens) {
        return tokens.path("token").asText();
    }

    private static String refreshBody(JsonNode tokens) {
        return "{\"refreshToken\":\"" + tokens.path("refreshToken").asText() + "\"}";
    }

    private HttpRequest request(URI base, String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("User-Agent", "AccountsOverHttpTest")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private HttpResponse<String> call(URI base, String method, String path, String token, String body) throws Exception {
        return http.send(request(base, method, path, token, body), HttpResponse.BodyHandlers.ofString());
    }
}
