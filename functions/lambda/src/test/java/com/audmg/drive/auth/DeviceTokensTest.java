package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Events;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * OWASP's device cookies as device tokens, through the handlers against s3proxy: a valid device token keeps
 * its owner's logins out of the budget that strangers exhaust; every other token (forged, expired, another
 * account's, revoked) counts as untrusted; a device token guessed with is locked; logins use up nothing.
 */
class DeviceTokensTest {

    private static final String PASSWORD = "a long and quiet river";

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Wiring wiring;
    private static Api api;
    private static int nextAddress;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        // Mail goes nowhere here (EmailTest reads it); the e-mail change only needs it sent.
        wiring = cloud.wiring(Map.of(), clock).mailer((to, subject, text) -> { });
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void owner_shouldLogInWithItsDeviceToken_whileStrangersKeepTheUntrustedBudgetExhausted() {
        check(api.signUp("olive", PASSWORD), 201);
        JsonNode first = json(check(api.login("olive", PASSWORD, fresh(), null), 200));
        String device = first.path("deviceToken").asText();
        assertTrue(device.split("\\.").length == 3, first.toString());

        exhaust("olive");
        APIGatewayProxyResponseEvent untrusted = api.login("olive", PASSWORD, fresh(), null);
        assertEquals(429, untrusted.getStatusCode(), "without its device token the owner waits like everyone");

        String deviceId = null;
        for (int i = 0; i < 10; i++) {
            JsonNode login = json(check(api.login("olive", PASSWORD, fresh(), device), 200));
            ok(login.path("token").asText());
            String renewed = login.path("deviceToken").asText();
            String id = JWT.decode(renewed).getClaim("did").asString();
            assertEquals(JWT.decode(device).getClaim("did").asString(), id, "the same device, renewed");
            deviceId = id;
            device = renewed;
            assertEquals(429, api.login("olive", "another guess " + i, fresh(), null).getStatusCode(),
                    "the strangers still wait");
        }
        assertTrue(Keys.isId(deviceId));
        // The owner's device logins left the untrusted budget as the strangers left it.
        assertEquals(20, budget("olive").path("total").path("failures").asLong());
    }

    @Test
    void deviceToken_shouldBeLockedAfterFiveWrongPasswords_withoutTouchingTheUntrustedBudget() {
        check(api.signUp("peggy", PASSWORD), 201);
        String device = json(check(api.login("peggy", PASSWORD, fresh(), null), 200)).path("deviceToken").asText();
        String userId = JWT.decode(device).getSubject();
        String deviceId = JWT.decode(device).getClaim("did").asString();

        for (int i = 0; i < DeviceThrottle.FREE; i++) {
            assertEquals(401, api.login("peggy", "guess " + i, fresh(), device).getStatusCode());
        }
        APIGatewayProxyResponseEvent locked = api.login("peggy", PASSWORD, fresh(), device);
        assertEquals(429, locked.getStatusCode(), locked.getBody());
        assertEquals("too_many_attempts", errorCode(locked));
        long retryAfter = Long.parseLong(locked.getHeaders().get("Retry-After"));
        assertTrue(retryAfter > 14 * 60 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);
        assertEquals(0, budget("peggy").path("total").path("failures").asLong(0), "the untrusted budget is untouched");
        assertTrue(store().get(Keys.deviceThrottle(userId, deviceId)).isPresent());
        // Without the locked token the owner logs in as an untrusted client (and gets a new device).
        String other = json(check(api.login("peggy", PASSWORD, fresh(), null), 200)).path("deviceToken").asText();
        assertNotEquals(deviceId, JWT.decode(other).getClaim("did").asString());

        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        check(api.login("peggy", PASSWORD, fresh(), device), 200);
        assertTrue(store().get(Keys.deviceThrottle(userId, deviceId)).isEmpty(), "a right password clears it");
    }

    @Test
    void tokensThatAreNotThisAccountsValidDeviceToken_shouldCountAsUntrusted() {
        check(api.signUp("quinn", PASSWORD), 201);
        check(api.signUp("mallory", PASSWORD), 201);
        String quinns = json(check(api.login("quinn", PASSWORD, fresh(), null), 200)).path("deviceToken").asText();
        String mallorys = json(check(api.login("mallory", PASSWORD, fresh(), null), 200)).path("deviceToken").asText();
        JsonNode session = json(check(api.login("quinn", PASSWORD, fresh(), null), 200));
        exhaust("quinn");

        com.auth0.jwt.interfaces.DecodedJWT real = JWT.decode(quinns);
        Algorithm wrongKey = Algorithm.HMAC256("not the server's secret, but long enough".getBytes(StandardCharsets.UTF_8));
        Algorithm accessKey = Algorithm.HMAC256(TestCloud.TOKEN_SECRET.getBytes(StandardCharsets.UTF_8));
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("another account's", mallorys);
        refused.put("forged", copy(real).sign(wrongKey));
        refused.put("signed with the access-token key", copy(real).sign(accessKey));
        refused.put("an access token", session.path("token").asText());
        refused.put("a refresh token", session.path("refreshToken").asText());
        refused.put("alg none", JWT.create().withSubject(real.getSubject()).withIssuer(real.getIssuer())
                .withAudience(real.getAudience().get(0)).withClaim("username", "quinn").withClaim("purpose", "device")
                .withClaim("did", real.getClaim("did").asString()).withClaim("gen", 0)
                .withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plusSeconds(3600)).sign(Algorithm.none()));
        refused.put("garbage", "not-a-token");
        for (Map.Entry<String, String> token : refused.entrySet()) {
            APIGatewayProxyResponseEvent login = api.login("quinn", PASSWORD, fresh(), token.getValue());
            assertEquals(429, login.getStatusCode(), token.getKey() + ": " + login.getBody());
        }
        // A device token opens nothing: not as a bearer token, not as a refresh token.
        assertEquals(401, api.me.handleRequest(Events.request("GET", "/me", "/me").bearer(quinns).build(), null)
                .getStatusCode());
        assertEquals(401, api.refresh(quinns).getStatusCode());
        check(api.login("quinn", PASSWORD, fresh(), quinns), 200);

        // Expired: 180 days by default, renewed at each use.
        clock.advance(Duration.ofDays(181));
        exhaust("quinn");
        assertEquals(429, api.login("quinn", PASSWORD, fresh(), quinns).getStatusCode());
    }

    @Test
    void passwordChangeAndAccountDeletion_shouldRevokeEveryDeviceToken() {
        check(api.signUp("rosa", PASSWORD), 201);
        JsonNode session = json(check(api.login("rosa", PASSWORD, fresh(), null), 200));
        String device = session.path("deviceToken").asText();
        assertEquals(204, api.changePassword(session.path("token").asText(), PASSWORD, "a new and longer river")
                .getStatusCode());
        exhaust("rosa");
        assertEquals(429, api.login("rosa", "a new and longer river", fresh(), device).getStatusCode(),
                "a device token from before the password change");

        clock.advance(Duration.ofMinutes(16));
        JsonNode again = json(check(api.login("rosa", "a new and longer river", fresh(), null), 200));
        String current = again.path("deviceToken").asText();
        assertEquals(1, JWT.decode(current).getClaim("gen").asLong());
        check(api.login("rosa", "a new and longer river", fresh(), current), 200);
        assertEquals(204, api.deleteAccount(again.path("token").asText(), "a new and longer river").getStatusCode());

        // The same name again, a new account: the old device token names a user id that is gone.
        check(api.signUp("rosa", PASSWORD), 201);
        exhaust("rosa");
        assertEquals(429, api.login("rosa", PASSWORD, fresh(), current).getStatusCode());
    }

    @Test
    void successfulLogins_shouldUseUpNothingOfTheUntrustedBudget() {
        check(api.signUp("sven", PASSWORD), 201);
        for (int i = 0; i < 30; i++) {
            check(api.login("sven", PASSWORD, "198.51.100.77", null), 200);
        }
        assertEquals(0, budget("sven").path("total").path("failures").asLong());
        for (int i = 0; i < LoginThrottle.FREE_PER_USERNAME - 1; i++) {
            assertEquals(401, api.login("sven", "guess " + i, fresh(), null).getStatusCode());
        }
        // The owner between the guesses takes nothing either.
        check(api.login("sven", PASSWORD, "198.51.100.77", null), 200);
        assertEquals(401, api.login("sven", "the last free guess", fresh(), null).getStatusCode());
        assertEquals(429, api.login("sven", "one too many", fresh(), null).getStatusCode());
    }

    @Test
    void passwordReentry_shouldCountInTheSessionsOwnBudget_soStrangersCannotHoldTheSignedInOwnerBack() {
        check(api.signUp("wren", PASSWORD), 201);
        JsonNode first = json(check(api.login("wren", PASSWORD, fresh(), null), 200));
        String token = first.path("token").asText();
        exhaust("wren");
        long strangers = budget("wren").path("total").path("failures").asLong();

        // The owner, signed in, changes the e-mail address and the password while strangers keep the login waiting.
        check(api.changeEmail(token, "wren@example.com", PASSWORD), 202);
        assertEquals(204, api.changePassword(token, PASSWORD, "a new and longer river").getStatusCode());
        assertEquals(429, api.login("wren", "a new and longer river", fresh(), null).getStatusCode(),
                "the untrusted budget is still exhausted");

        // A session guessing the password (a stolen access token) is locked after its own five wrong passwords.
        String userId = JWT.decode(token).getSubject();
        String sessionId = JWT.decode(token).getClaim("sid").asString();
        for (int i = 0; i < DeviceThrottle.FREE; i++) {
            assertEquals(401, api.changePassword(token, "stolen token's guess " + i, "yet another long river")
                    .getStatusCode());
        }
        APIGatewayProxyResponseEvent locked = api.deleteAccount(token, "a new and longer river");
        assertEquals(429, locked.getStatusCode(), locked.getBody());
        assertEquals("too_many_attempts", errorCode(locked));
        long retryAfter = Long.parseLong(locked.getHeaders().get("Retry-After"));
        assertTrue(retryAfter > 14 * 60 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);
        assertTrue(store().get(Keys.sessionThrottle(userId, sessionId)).isPresent());
        assertEquals(strangers, budget("wren").path("total").path("failures").asLong(),
                "re-entries leave the username's budget as the strangers left it");
        ok(token);

        // Another session of the owner has its own budget (the password change voided the old device token).
        clock.advance(Duration.ofMinutes(16));
        JsonNode other = json(check(api.login("wren", "a new and longer river", fresh(), null), 200));
        exhaust("wren");
        check(api.changeEmail(other.path("token").asText(), "wren@example.org", "a new and longer river"), 202);
        // And the locked one gets its turn again after the window; a right password clears its budget.
        String refreshed = json(check(api.refresh(first.path("refreshToken").asText()), 200)).path("token").asText();
        assertEquals(204, api.changePassword(refreshed, "a new and longer river", "the third long river")
                .getStatusCode());
        assertTrue(store().get(Keys.sessionThrottle(userId, sessionId)).isEmpty(), "a right password clears it");
    }

    @Test
    void deviceToken_shouldBeAStringOfBoundedLength_orA400() {
        check(api.signUp("tara", PASSWORD), 201);
        for (String body : new String[] {
                "{\"username\":\"tara\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":42}",
                "{\"username\":\"tara\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":{\"a\":1}}",
                "{\"username\":\"tara\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":[\"x\"]}",
                "{\"username\":\"tara\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":\"" + "a".repeat(2049) + "\"}"}) {
            APIGatewayProxyResponseEvent response = api.login.handleRequest(
                    Events.request("POST", "/auth/login", "/auth/login").sourceIp(fresh()).body(body).build(), null);
            assertEquals(400, response.getStatusCode(), response.getBody());
            assertTrue(json(response).path("error").path("message").asText().contains("deviceToken"));
        }
        check(api.login.handleRequest(Events.request("POST", "/auth/login", "/auth/login").sourceIp(fresh())
                .body("{\"username\":\"tara\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":null}").build(), null), 200);
    }

    @Test
    void parallelWrongPasswordsWithOneDeviceToken_shouldGetAtMostItsFiveVerifications() throws Exception {
        check(api.signUp("uma", PASSWORD), 201);
        String device = json(check(api.login("uma", PASSWORD, fresh(), null), 200)).path("deviceToken").asText();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String address = fresh();
            String guess = "parallel guess " + i;
            answers.add(pool.submit(() -> {
                start.await();
                return api.login("uma", guess, address, device).getStatusCode();
            }));
        }
        start.countDown();
        int verified = 0;
        int refused = 0;
        for (java.util.concurrent.Future<Integer> answer : answers) {
            int status = answer.get();
            if (status == 401) {
                verified++;
            } else {
                assertEquals(429, status);
                refused++;
            }
        }
        pool.shutdown();
        assertTrue(verified >= 1 && verified <= DeviceThrottle.FREE, verified + " verified of 20");
        assertEquals(20, verified + refused);
        assertEquals(429, api.login("uma", PASSWORD, fresh(), device).getStatusCode(), "locked, right password or not");
    }

    @Test
    void withTwoFactorOn_theDeviceTokenShouldComeWithTheSecondStep_andBeNoMfaToken() {
        check(api.signUp("vida", PASSWORD), 201);
        JsonNode first = json(check(api.login("vida", PASSWORD, fresh(), null), 200));
        String token = first.path("token").asText();
        String device = first.path("deviceToken").asText();
        byte[] secret = MfaTest.base32(json(check(api.beginMfa(token), 200)).path("secret").asText());
        Totp totp = new Totp();
        check(api.confirmMfa(token, totp.code(secret, Totp.step(clock.instant()))), 200);
        clock.advance(Duration.ofSeconds(30));

        exhaust("vida");
        APIGatewayProxyResponseEvent step = api.login("vida", PASSWORD, fresh(), device);
        assertEquals(401, step.getStatusCode(), step.getBody());
        assertEquals("mfa_required", errorCode(step));
        String mfaToken = json(step).path("error").path("mfaToken").asText();
        assertEquals("invalid_code", errorCode(api.loginMfa(device, totp.code(secret, Totp.step(clock.instant())))),
                "a device token is no MFA token");
        JsonNode in = json(check(api.loginMfa(mfaToken, totp.code(secret, Totp.step(clock.instant()))), 200));
        String renewed = in.path("deviceToken").asText();
        assertEquals(JWT.decode(device).getClaim("did").asString(), JWT.decode(renewed).getClaim("did").asString());
        assertEquals(429, api.login("vida", PASSWORD, fresh(), mfaToken).getStatusCode(), "an MFA token is no device token");
    }

    // ---- helpers ----

    /** Wrong passwords from fresh addresses until the username's untrusted budget makes everyone wait. */
    private static void exhaust(String username) {
        for (int i = 0; i < 100; i++) {
            int status = api.login(username, "stranger's guess " + i, fresh(), null).getStatusCode();
            if (status == 429) {
                return;
            }
            assertEquals(401, status);
        }
        throw new AssertionError("the untrusted budget of " + username + " never ran out");
    }

    private static String fresh() {
        int n = ++nextAddress;
        return "203.0." + (n / 250) + "." + (1 + n % 250);
    }

    private static void ok(String accessToken) {
        check(api.me.handleRequest(Events.request("GET", "/me", "/me").bearer(accessToken).build(), null), 200);
    }

    private static JsonObjectStore store() {
        return new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET);
    }

    private static JsonNode budget(String username) {
        return store().get(Keys.throttle(username)).orElseThrow().document();
    }

    private static com.auth0.jwt.JWTCreator.Builder copy(com.auth0.jwt.interfaces.DecodedJWT jwt) {
        return JWT.create().withSubject(jwt.getSubject()).withIssuer(jwt.getIssuer())
                .withAudience(jwt.getAudience().get(0)).withIssuedAt(jwt.getIssuedAtAsInstant())
                .withExpiresAt(jwt.getExpiresAtAsInstant()).withClaim("username", jwt.getClaim("username").asString())
                .withClaim("purpose", "device").withClaim("did", jwt.getClaim("did").asString())
                .withClaim("gen", jwt.getClaim("gen").asLong());
    }
}
