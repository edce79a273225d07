package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.sync.ResponseTransformer;

/** TOTP enrolment, the login's second step, recovery codes, replay and guess throttling, against s3proxy. */
class MfaTest {

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Api api;
    private static final Totp TOTP = new Totp();

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        api = new Api(cloud.wiring(Map.of(), clock));
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    /** An account with MFA on: its secret and recovery codes. */
    private record Enrolled(String username, String password, byte[] secret, List<String> recoveryCodes) {
    }

    private static Enrolled enrol(String username) {
        String password = "correct horse " + username;
        check(api.signUp(username, password), 201);
        String token = json(check(api.login(username, password), 200)).get("token").asText();
        JsonNode begun = json(check(api.beginMfa(token), 200));
        byte[] secret = base32(begun.get("secret").asText());
        assertFalse(json(check(api.me(token), 200)).get("mfa").asBoolean(), "not on before it is confirmed");
        JsonNode confirmed = json(check(api.confirmMfa(token, TOTP.code(secret, Totp.step(clock.instant()))), 200));
        List<String> codes = new ArrayList<>();
        confirmed.get("recoveryCodes").forEach(c -> codes.add(c.asText()));
        return new Enrolled(username, password, secret, codes);
    }

    private static String mfaToken(Enrolled user) {
        APIGatewayProxyResponseEvent response = api.login(user.username(), user.password());
        assertEquals(401, response.getStatusCode(), response.getBody());
        assertEquals("mfa_required", errorCode(response));
        return json(response).path("error").path("mfaToken").asText();
    }

    private static String nextCode(Enrolled user) {
        clock.advance(Duration.ofSeconds(30));
        return TOTP.code(user.secret(), Totp.step(clock.instant()));
    }

    @Test
    void enrolment_shouldTakeEffectOnlyWhenConfirmed_andGiveTenDistinctRecoveryCodes() {
        check(api.signUp("erin", "correct horse erin"), 201);
        String token = json(check(api.login("erin", "correct horse erin"), 200)).get("token").asText();
        JsonNode begun = json(check(api.beginMfa(token), 200));
        String secret = begun.get("secret").asText();
        assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
        assertEquals("otpauth://totp/Audmg%20Drive:erin?secret=" + secret
                + "&issuer=Audmg%20Drive&algorithm=SHA1&digits=6&period=30", begun.get("otpauthUrl").asText());
        // Not confirmed: the login still needs only the password.
        check(api.login("erin", "correct horse erin"), 200);
        assertEquals("invalid_code", errorCode(api.confirmMfa(token, "000000".equals(
                TOTP.code(base32(secret), Totp.step(clock.instant()))) ? "111111" : "000000")));

        JsonNode confirmed = json(check(api.confirmMfa(token,
                TOTP.code(base32(secret), Totp.step(clock.instant()))), 200));

        List<String> codes = toList(confirmed.get("recoveryCodes"));
        assertEquals(10, new HashSet<>(codes).size());
        codes.forEach(c -> assertTrue(c.matches("[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}"), c));
        assertTrue(json(check(api.me(token), 200)).get("mfa").asBoolean());
        assertEquals(409, api.beginMfa(token).getStatusCode());
        // Neither the secret nor a recovery code is stored in the clear.
        String stored = cloud.s3().getObject(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.account("erin")),
                ResponseTransformer.toBytes()).asUtf8String();
        assertFalse(stored.contains(secret), stored);
        for (JsonNode code : confirmed.get("recoveryCodes")) {
            assertFalse(stored.contains(code.asText()) || stored.contains(code.asText().replace("-", "")));
        }
    }

    @Test
    void login_shouldNeedTheCode_andNotAcceptTheSameStepOrRecoveryCodeTwice() {
        Enrolled user = enrol("frank");
        String mfaToken = mfaToken(user);
        // The MFA token is no access token.
        assertEquals(401, api.me(mfaToken).getStatusCode());
        // The code that confirmed enrolment is used already.
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, TOTP.code(user.secret(),
                Totp.step(clock.instant())))));

        String code = nextCode(user);
        JsonNode tokens = json(check(api.loginMfa(mfaToken, code), 200));
        check(api.me(tokens.get("token").asText()), 200);
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken(user), code)), "replayed step");
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, nextCode(user))), "the MFA token logged in once");

        String recovery = user.recoveryCodes().get(3);
        check(api.loginMfa(mfaToken(user), recovery.toUpperCase().replace("-", " ")), 200);
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken(user), recovery)), "a recovery code works once");
        check(api.loginMfa(mfaToken(user), user.recoveryCodes().get(4)), 200);
    }

    @Test
    void aRecoveryCodeSentInParallel_shouldLogInOnce() throws Exception {
        Enrolled user = enrol("grace");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tokens.add(mfaToken(user));
        }
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (String token : tokens) {
            results.add(pool.submit(() -> {
                start.await();
                return api.loginMfa(token, user.recoveryCodes().get(0)).getStatusCode();
            }));
        }
        start.countDown();
        int ok = 0;
        for (Future<Integer> result : results) {
            int status = result.get();
            assertTrue(status == 200 || status == 401 || status == 429 || status == 503, "status " + status);
            ok += status == 200 ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, ok);
    }

    @Test
    void guesses_shouldBeThrottledPerTokenAndPerAccount() {
        Enrolled user = enrol("heidi");
        String mfaToken = mfaToken(user);
        for (int i = 0; i < CodeThrottle.PER_TOKEN - 1; i++) {
            assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, wrong(user))));
        }
        // The account's fifth free guess, with another token; after it guesses wait, whatever the token.
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken(user), wrong(user))));
        APIGatewayProxyResponseEvent waiting = api.loginMfa(mfaToken(user), wrong(user));
        assertEquals(429, waiting.getStatusCode(), waiting.getBody());
        long retryAfter = Long.parseLong(waiting.getHeaders().get("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        clock.advance(Duration.ofSeconds(retryAfter));
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, wrong(user))));
        APIGatewayProxyResponseEvent doubled = api.loginMfa(mfaToken(user), wrong(user));
        assertEquals(429, doubled.getStatusCode());
        assertEquals("2", doubled.getHeaders().get("Retry-After"), "the wait doubles");
        // Five guesses spent this token: even the right code is refused with it.
        String right = nextCode(user);
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, right)));
        check(api.loginMfa(mfaToken(user), right), 200);
    }

    @Test
    void disabling_shouldNeedACode_andThenThePasswordIsEnough() {
        Enrolled user = enrol("ivan");
        String token = json(check(api.loginMfa(mfaToken(user), nextCode(user)), 200)).get("token").asText();
        assertEquals(401, api.disableMfa(token, wrong(user)).getStatusCode());
        check(api.disableMfa(token, nextCode(user)), 204);
        assertFalse(json(check(api.me(token), 200)).get("mfa").asBoolean());
        check(api.login(user.username(), user.password()), 200);
        assertEquals(409, api.disableMfa(token, nextCode(user)).getStatusCode());
    }

    @Test
    void deletingTheAccount_shouldDeleteItsCodeBudget() {
        Enrolled user = enrol("judith");
        String mfaToken = mfaToken(user);
        assertEquals("invalid_code", errorCode(api.loginMfa(mfaToken, wrong(user))));
        JsonNode tokens = json(check(api.loginMfa(mfaToken(user), nextCode(user)), 200));
        String key = Keys.codeThrottle(userId(tokens));
        assertTrue(exists(key), "the budget exists while the account does");

        check(api.deleteAccount(tokens.get("token").asText(), user.password()), 204);

        assertFalse(exists(key));
    }

    private static String userId(JsonNode tokens) {
        return tokens.get("refreshToken").asText().split("\\.")[0];
    }

    private static boolean exists(String key) {
        try {
            cloud.s3().headObject(b -> b.bucket(TestCloud.DATA_BUCKET).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        }
    }

    private static String wrong(Enrolled user) {
        long step = Totp.step(clock.instant());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!code.equals(TOTP.code(user.secret(), step - 1)) && !code.equals(TOTP.code(user.secret(), step))
                    && !code.equals(TOTP.code(user.secret(), step + 1))) {
                return code;
            }
        }
    }

    private static List<String> toList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
}
