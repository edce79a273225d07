package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-factor login and account recovery over real HTTP on the local cloud running the real project
 * (serverless.yml, the built functions artifact): TOTP enrolment and login computed here from RFC 6238
 * (not with the functions' library), recovery codes used once, replayed codes, guess throttling; e-mail
 * verification and password reset with the codes read from the RFC 5322 files of {@code <data-dir>/outbox/};
 * the same answer for unknown names; and serverless.yml's API Gateway throttle under a parallel burst.
 */
@EnabledIf(value = "artifactExists", disabledReason = "functions/lambda/target/audmg-functions.jar not built")
class AccountRecoveryOverHttpTest {

    private static final String PASSWORD = "purple-monkey-dishwasher";

    @TempDir
    static Path dataDir;

    private static LocalCloud cloud;
    private static URI base;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static boolean artifactExists() {
        return Files.isRegularFile(RealProjectTest.ARTIFACT) && Files.isRegularFile(RealProjectTest.CONFIG);
    }

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir)
                .config(RealProjectTest.CONFIG).artifact(RealProjectTest.ARTIFACT)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build());
        base = cloud.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void totp_shouldBeConfirmedBeforeItCounts_andEachCodeWorkOnce_andGuessesBeThrottled() throws Exception {
        signUp("{\"username\":\"tess\",\"password\":\"" + PASSWORD + "\"}");
        String token = login("tess").path("token").asText();
        JsonNode enrolment = ok(call("POST", "/me/mfa/totp", token, null), 200);
        byte[] secret = base32(enrolment.path("secret").asText());
        assertTrue(enrolment.path("otpauthUrl").asText().startsWith("otpauth://totp/Audmg%20Drive:tess?secret="));
        assertFalse(ok(call("GET", "/me", token, null), 200).path("mfa").asBoolean(), "not on until confirmed");
        login("tess");

        long step = System.currentTimeMillis() / 30_000;
        JsonNode confirmed = ok(call("POST", "/me/mfa/totp/confirm", token, "{\"code\":\"" + totp(secret, step) + "\"}"), 200);
        List<String> recovery = new ArrayList<>();
        confirmed.path("recoveryCodes").forEach(c -> recovery.add(c.asText()));
        assertEquals(10, recovery.size());
        assertTrue(ok(call("GET", "/me", token, null), 200).path("mfa").asBoolean());
        assertEquals(409, call("POST", "/me/mfa/totp", token, null).statusCode());

        // The password alone now gets a short-lived token for the second step, which opens nothing else.
        String mfaToken = mfaToken("tess");
        assertEquals(401, call("GET", "/me", mfaToken, null).statusCode());
        assertEquals(401, call("GET", "/files", mfaToken, null).statusCode());
        assertEquals("invalid_code", errorCode(secondStep(mfaToken, totp(secret, step))), "the confirming step is used");
        String next = totp(secret, step + 1);
        JsonNode session = ok(secondStep(mfaToken, next), 200);
        ok(call("GET", "/me", session.path("token").asText(), null), 200);
        assertEquals("invalid_code", errorCode(secondStep(mfaToken("tess"), next)), "a replayed code");

        ok(secondStep(mfaToken("tess"), recovery.get(0)), 200);
        assertEquals("invalid_code", errorCode(secondStep(mfaToken("tess"), recovery.get(0))), "a used recovery code");

        // Guesses: the account's fifth wrong code since the last right one makes the next guess wait (the
        // function's own 429 with Retry-After); one came from the used recovery code above.
        String guessing = mfaToken("tess");
        // A second token, taken before the guesses: a login (a bcrypt) between the fifth guess and the next took longer
        // than the 1 s wait on a loaded machine, and the next guess was a plain 401.
        String another = mfaToken("tess");
        for (int i = 0; i < 4; i++) {
            assertEquals("invalid_code", errorCode(secondStep(guessing, wrongCode(secret))));
        }
        HttpResponse<String> waiting = secondStep(another, wrongCode(secret));
        assertEquals(429, waiting.statusCode(), waiting.body());
        assertEquals("too_many_attempts", errorCode(waiting));
        long retryAfter = Long.parseLong(waiting.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        Thread.sleep(retryAfter * 1000 + 100);
        assertEquals("invalid_code", errorCode(secondStep(guessing, wrongCode(secret))));
        Thread.sleep(2100);
        // That token had its five guesses: it is spent, even with a right code, which still works with a new one.
        assertEquals("invalid_code", errorCode(secondStep(guessing, recovery.get(1))));
        ok(secondStep(mfaToken("tess"), recovery.get(1)), 200);

        assertEquals(401, call("DELETE", "/me/mfa/totp", session.path("token").asText(),
                "{\"code\":\"" + wrongCode(secret) + "\"}").statusCode());
    }

    @Test
    void emailAndPasswordReset_shouldWorkWithTheCodesFromTheOutbox_andAnswerAlikeForEveryName() throws Exception {
        signUp("{\"username\":\"ulla\",\"password\":\"" + PASSWORD + "\",\"email\":\"ulla@example.com\"}");
        signUp("{\"username\":\"vera\",\"password\":\"" + PASSWORD + "\",\"email\":\"vera@example.com\"}");
        String token = login("ulla").path("token").asText();
        String verification = Outbox.codeMailedTo(dataDir, "ulla@example.com", "verification");
        JsonNode me = ok(call("GET", "/me", token, null), 200);
        assertEquals("ulla@example.com", me.path("email").asText());
        assertFalse(me.path("emailVerified").asBoolean());
        assertEquals("invalid_code", errorCode(call("POST", "/me/email/verify", token,
                "{\"code\":\"" + other(verification) + "\"}")));
        assertEquals(204, call("POST", "/me/email/verify", token, "{\"code\":\"" + verification + "\"}").statusCode());
        assertTrue(ok(call("GET", "/me", token, null), 200).path("emailVerified").asBoolean());
        assertEquals("invalid_code", errorCode(call("POST", "/me/email/verify", token,
                "{\"code\":\"" + verification + "\"}")), "a used code");

        long mailsBefore = Outbox.messages(dataDir).size();
        HttpResponse<String> known = call("POST", "/auth/password-reset", null, "{\"username\":\"ulla\"}");
        HttpResponse<String> unverified = call("POST", "/auth/password-reset", null, "{\"username\":\"vera\"}");
        HttpResponse<String> unknown = call("POST", "/auth/password-reset", null, "{\"username\":\"nobody-at-all\"}");
        for (HttpResponse<String> response : List.of(known, unverified, unknown)) {
            assertEquals(202, response.statusCode(), response.body());
            assertEquals(known.body(), response.body());
        }
        assertEquals(mailsBefore + 1, Outbox.messages(dataDir).size(), "a code goes only to a verified address");
        String reset = Outbox.codeMailedTo(dataDir, "ulla@example.com", "password reset");

        assertEquals("invalid_code", errorCode(call("POST", "/auth/password-reset/confirm", null,
                "{\"username\":\"ulla\",\"code\":\"" + other(reset) + "\",\"newPassword\":\"a brand new passphrase\"}")));
        assertEquals(400, call("POST", "/auth/password-reset/confirm", null,
                "{\"username\":\"ulla\",\"code\":\"" + reset + "\",\"newPassword\":\"qwerty12345\"}").statusCode());
        assertEquals("invalid_code", errorCode(call("POST", "/auth/password-reset/confirm", null,
                "{\"username\":\"nobody-at-all\",\"code\":\"" + reset + "\",\"newPassword\":\"a brand new passphrase\"}")));
        assertEquals(204, call("POST", "/auth/password-reset/confirm", null,
                "{\"username\":\"ulla\",\"code\":\"" + reset + "\",\"newPassword\":\"a brand new passphrase\"}").statusCode());

        assertEquals(401, call("GET", "/me", token, null).statusCode(), "every session ended");
        assertEquals(401, call("POST", "/auth/login", null,
                "{\"username\":\"ulla\",\"password\":\"" + PASSWORD + "\"}").statusCode());
        assertEquals(200, call("POST", "/auth/login", null,
                "{\"username\":\"ulla\",\"password\":\"a brand new passphrase\"}").statusCode());
        assertEquals("invalid_code", errorCode(call("POST", "/auth/password-reset/confirm", null,
                "{\"username\":\"ulla\",\"code\":\"" + reset + "\",\"newPassword\":\"yet another passphrase\"}")),
                "a used reset code");

        // Every message is a private RFC 5322 file, plain text a person can read.
        for (Path mail : Outbox.messages(dataDir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mail)));
            String text = Files.readString(mail, StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("From: Audmg Drive <no-reply@audmg.example>\r\nTo: "), text);
            assertTrue(text.contains("\r\nContent-Transfer-Encoding: 7bit\r\n"), "readable as it is: " + text);
        }
    }

    @Test
    void aParallelBurst_shouldGetTheGatewaysOwn429BeyondServerlessYmlsBurst() throws Exception {
        // POST /auth/password-reset: maxRequestsPerSecond 2, maxConcurrentRequests 5 in serverless.yml.
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            burst.add(HTTP.sendAsync(request("POST", "/auth/password-reset", null,
                    "{\"username\":\"burst-" + i + "\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        int passed = 0;
        int gateway = 0;
        for (CompletableFuture<HttpResponse<String>> response : burst) {
            HttpResponse<String> r = response.get();
            if (GatewayAnswers.throttled(r.statusCode(), r.body())) {
                gateway++;
            } else {
                // Past the gateway: 202, or the function's own per-client budget (10 an hour, shared with the
                // other tests of this class, all from 127.0.0.1): 429 too_many_attempts with Retry-After.
                assertTrue(r.statusCode() == 202 || r.statusCode() == 429 && errorCode(r).equals("too_many_attempts")
                        && r.headers().firstValue("Retry-After").isPresent(), r.statusCode() + " " + r.body());
                passed++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(passed >= 5 && passed <= 5 + (int) Math.ceil(2 * seconds), passed + " of 16 passed in " + seconds + " s");
        assertEquals(16, passed + gateway);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** RFC 6238 TOTP (HMAC-SHA-1, 6 digits) computed here, independently of the functions' library. */
    private static String totp(byte[] secret, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
    }

    private static String wrongCode(byte[] secret) throws Exception {
        long step = System.currentTimeMillis() / 30_000;
        for (int candidate = 0; ; candidate++) {
            String code = String.format(Locale.ROOT, "%06d", candidate);
            boolean valid = false;
            for (long s = step - 2; s <= step + 2; s++) {
                valid |= code.equals(totp(secret, s));
            }
            if (!valid) {
                return code;
            }
        }
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** A code of the same form that is not {@code code}. */
    private static String other(String code) {
        if (code.contains("-")) {
            return (code.charAt(0) == 'A' ? "B" : "A") + code.substring(1);
        }
        return code.equals("12345678") ? "87654321" : "12345678";
    }

    private static void signUp(String body) throws Exception {
        HttpResponse<String> response = call("POST", "/auth/signup", null, body);
        assertEquals(201, response.statusCode(), response.body());
    }

    private static JsonNode login(String username) throws Exception {
        return ok(call("POST", "/auth/login", null,
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}"), 200);
    }

    private static String mfaToken(String username) throws Exception {
        HttpResponse<String> response = call("POST", "/auth/login", null,
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("mfa_required", errorCode(response));
        return JSON.readTree(response.body()).path("error").path("mfaToken").asText();
    }

    private static HttpResponse<String> secondStep(String mfaToken, String code) throws Exception {
        return call("POST", "/auth/login/mfa", null, "{\"mfaToken\":\"" + mfaToken + "\",\"code\":\"" + code + "\"}");
    }

    private static JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static String errorCode(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error").path("code").asText(response.statusCode() + " " + response.body());
    }

    private static HttpRequest request(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("User-Agent", "AccountRecoveryOverHttpTest")
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

    /**
     * One call as a patient client makes it: a cold function's first call on a loaded machine may time out
     * (504) and the gateway's own throttle may answer 429 (serverless.yml's per-route burst): both are tried
     * again after a pause. A function's answers (its own 429s included) are returned as they are.
     */
    private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            response = HTTP.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
            boolean gatewayThrottled = GatewayAnswers.throttled(response.statusCode(), response.body());
            if (!gatewayThrottled && response.statusCode() != 504) {
                return response;
            }
            Thread.sleep(600);
        }
        return response;
    }
}
