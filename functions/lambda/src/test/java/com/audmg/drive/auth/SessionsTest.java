package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import com.audmg.drive.Events;
import com.audmg.drive.Media;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Keys;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** Sessions, refresh rotation, revocation, password change, account deletion and the login budget, over the handlers and s3proxy. */
class SessionsTest {

    private static final String PASSWORD = "a long and quiet river";

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        wiring = cloud.wiring(Map.of("TOKEN_TTL_SECONDS", "900"), clock);
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    private static JsonNode login(String username) {
        return json(check(api.login(username, PASSWORD), 200));
    }

    private static JsonNode newUser(String username) {
        check(api.signUp(username, PASSWORD), 201);
        return login(username);
    }

    /** The request as API Gateway sends it while its authorizer cache still holds an Allow for the token. */
    private static APIGatewayProxyResponseEvent meViaCachedAllow(JsonNode tokens) {
        TokenService.Principal p = wiring.tokens().verify(tokens.get("token").asText());
        return api.me.handleRequest(Events.request("GET", "/me", "/me")
                .authorizerContext(p.userId(), p.username(), p.sessionId(), p.expiresAt()).build(), null);
    }

    @Test
    void refresh_shouldRotate_andReuseOfTheOldTokenRevokesTheWholeSession() {
        JsonNode first = newUser("rotor");

        JsonNode second = json(check(api.refresh(first.get("refreshToken").asText()), 200));

        assertEquals(first.get("sessionId").asText(), second.get("sessionId").asText());
        assertNotEquals(first.get("refreshToken").asText(), second.get("refreshToken").asText());
        assertEquals("Bearer", second.get("tokenType").asText());
        assertEquals(900, second.get("expiresIn").asLong());
        check(api.me(second.get("token").asText()), 200);
        String stored = cloud.s3().getObjectAsBytes(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.session(
                wiring.tokens().verify(second.get("token").asText()).userId(), second.get("sessionId").asText())))
                .asUtf8String();
        for (JsonNode issued : List.of(first, second)) {
            String refresh = issued.get("refreshToken").asText();
            assertFalse(stored.contains(refresh.substring(refresh.lastIndexOf('.') + 1)), "refresh tokens stored only hashed");
        }
        // The thief (or the victim) presents the replaced token: the session dies for both.
        APIGatewayProxyResponseEvent reused = api.refresh(first.get("refreshToken").asText());
        assertEquals(401, reused.getStatusCode());
        assertEquals("invalid_token", errorCode(reused));
        assertEquals(401, api.refresh(second.get("refreshToken").asText()).getStatusCode());
        assertEquals(401, api.me(second.get("token").asText()).getStatusCode());
        assertEquals(401, meViaCachedAllow(second).getStatusCode());
    }

    @Test
    void refresh_shouldRefuseForgedOrMalformedTokens_withoutRevokingTheSession() {
        JsonNode tokens = newUser("forger");
        String[] parts = tokens.get("refreshToken").asText().split("\\.");

        for (String forged : new String[] {"", "x", "a.b.c", parts[0] + "." + parts[1] + "." + "A".repeat(43),
                "../../users/x." + parts[1] + "." + parts[2], parts[0] + "." + Keys.newId() + "." + parts[2]}) {
            APIGatewayProxyResponseEvent response = api.refresh(forged);
            assertEquals(401, response.getStatusCode(), forged);
            assertEquals("invalid_token", errorCode(response));
        }
        check(api.refresh(tokens.get("refreshToken").asText()), 200);
    }

    @Test
    void accessToken_shouldExpireInMinutes_andRefreshKeepsTheSessionGoing() {
        JsonNode tokens = newUser("sleeper");
        TokenService.Principal p = wiring.tokens().verify(tokens.get("token").asText());
        clock.advance(Duration.ofMinutes(16));

        assertEquals(401, api.me(tokens.get("token").asText()).getStatusCode());
        // API Gateway may still hold the authorizer's Allow (300 s): the handler checks the expiry itself.
        assertEquals(401, api.me.handleRequest(Events.request("GET", "/me", "/me")
                .authorizerContext(p.userId(), p.username(), p.sessionId(), p.expiresAt()).build(), null).getStatusCode());
        JsonNode refreshed = json(check(api.refresh(tokens.get("refreshToken").asText()), 200));
        check(api.me(refreshed.get("token").asText()), 200);

        clock.advance(Duration.ofDays(31));
        assertEquals(401, api.refresh(refreshed.get("refreshToken").asText()).getStatusCode());
    }

    @Test
    void logout_shouldRevokeTheSession_atOnce_evenWhileTheAuthorizerCacheAllows() throws Exception {
        JsonNode tokens = newUser("leaver");
        check(meViaCachedAllow(tokens), 200);

        assertEquals(204, api.logout(tokens.get("token").asText()).getStatusCode());

        assertEquals(401, api.me(tokens.get("token").asText()).getStatusCode());
        assertEquals(401, meViaCachedAllow(tokens).getStatusCode());
        assertEquals(401, api.create(tokens.get("token").asText(), "a.png", "image/png", 10).getStatusCode());
        assertEquals(401, api.list(tokens.get("token").asText(), Map.of()).getStatusCode());
        assertEquals(401, api.refresh(tokens.get("refreshToken").asText()).getStatusCode());
        AuthValidator validator = new AuthValidator(wiring.tokens(), wiring.sessions());
        var event = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadAPIGatewayCustomAuthorizerEvent(
                "events/apigw-token-authorizer.json");
        event.setAuthorizationToken("Bearer " + tokens.get("token").asText());
        assertEquals("Unauthorized", org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> validator.handleRequest(event, null)).getMessage());
    }

    @Test
    void sessions_shouldBeListed_andOneRevokedByAnother() {
        JsonNode laptop = newUser("juggler");
        JsonNode phone = login("juggler");

        JsonNode listed = json(check(api.sessions(laptop.get("token").asText()), 200));

        assertEquals(2, listed.get("items").size());
        for (JsonNode item : listed.get("items")) {
            boolean isLaptop = item.get("sessionId").asText().equals(laptop.get("sessionId").asText());
            assertEquals(isLaptop, item.get("current").asBoolean());
            assertTrue(item.has("createdAt") && item.has("lastUsedAt") && item.has("client"), item.toString());
        }
        assertEquals(204, api.revokeSession(laptop.get("token").asText(), phone.get("sessionId").asText()).getStatusCode());
        assertEquals(401, api.me(phone.get("token").asText()).getStatusCode());
        assertEquals(401, api.refresh(phone.get("refreshToken").asText()).getStatusCode());
        check(api.me(laptop.get("token").asText()), 200);
        assertEquals(1, json(check(api.sessions(laptop.get("token").asText()), 200)).get("items").size());
        assertEquals(404, api.revokeSession(laptop.get("token").asText(), phone.get("sessionId").asText()).getStatusCode());
        assertEquals(404, api.revokeSession(laptop.get("token").asText(), "../../users").getStatusCode());
        // Another user's session id is not found: sessions live under the caller's own id.
        JsonNode stranger = newUser("stranger");
        assertEquals(404, api.revokeSession(stranger.get("token").asText(), laptop.get("sessionId").asText()).getStatusCode());
        check(api.me(laptop.get("token").asText()), 200);
    }

    @Test
    void changePassword_shouldRevokeTheOtherSessions_andCheckBothPasswords() {
        JsonNode here = newUser("changer");
        JsonNode elsewhere = login("changer");
        String token = here.get("token").asText();

        assertEquals(401, api.changePassword(token, "not the password", "a brand new passphrase").getStatusCode());
        APIGatewayProxyResponseEvent weak = api.changePassword(token, PASSWORD, "iloveyou2");
        assertEquals(400, weak.getStatusCode());
        assertEquals("newPassword", json(weak).path("error").path("field").asText());
        assertEquals(204, api.changePassword(token, PASSWORD, "a brand new passphrase").getStatusCode());

        check(api.me(token), 200);
        assertEquals(401, api.me(elsewhere.get("token").asText()).getStatusCode());
        assertEquals(401, meViaCachedAllow(elsewhere).getStatusCode());
        assertEquals(401, api.refresh(elsewhere.get("refreshToken").asText()).getStatusCode());
        assertEquals(401, api.login("changer", PASSWORD).getStatusCode());
        check(api.login("changer", "a brand new passphrase"), 200);
    }

    @Test
    void deleteAccount_shouldStopEveryTokenAtOnce_andTheSweeperPurgesItsFiles() {
        JsonNode tokens = newUser("quitter");
        String token = tokens.get("token").asText();
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        check(api.upload(token, "photo.png", "image/png", Media.png(8, 8)), 200);
        JsonNode other = login("quitter");

        assertEquals(401, api.deleteAccount(token, "not the password").getStatusCode());
        assertEquals(204, api.deleteAccount(token, PASSWORD).getStatusCode());

        for (JsonNode session : List.of(tokens, other)) {
            assertEquals(401, api.me(session.get("token").asText()).getStatusCode());
            assertEquals(401, meViaCachedAllow(session).getStatusCode());
            assertEquals(401, api.refresh(session.get("refreshToken").asText()).getStatusCode());
        }
        assertEquals(401, api.login("quitter", PASSWORD).getStatusCode());
        assertTrue(keys(TestCloud.MEDIA_BUCKET, userId + "/") > 0, "bytes wait for the sweeper");

        wiring.librarySweeper().sweep(Duration.ofMinutes(1));

        assertEquals(0, keys(TestCloud.MEDIA_BUCKET, userId + "/"));
        assertEquals(0, keys(TestCloud.DATA_BUCKET, "library/" + userId + "/"));
        assertEquals(0, keys(TestCloud.DATA_BUCKET, "sessions/" + userId + "/"));
        assertEquals(0, keys(TestCloud.DATA_BUCKET, "purge/"));
        // The name is free again, for a new account with a new id.
        check(api.signUp("quitter", PASSWORD), 201);
        assertNotEquals(userId, json(check(api.me(login("quitter").get("token").asText()), 200)).get("userId").asText());
    }

    @Test
    void tokens_ofUsersThatDoNotExist_orWithPathsForIds_shouldAnswer401_never500() {
        Algorithm hs256 = Algorithm.HMAC256(TestCloud.TOKEN_SECRET.getBytes(StandardCharsets.UTF_8));
        Instant now = clock.instant();
        String noSuchUser = wiring.tokens().issue(Keys.newId(), "nobody", Keys.newTimeId(now)).token();
        String pathSub = JWT.create().withSubject("../_users/alice").withIssuer("audmg-drive-test")
                .withAudience("audmg-drive-api").withJWTId("j").withClaim("username", "alice")
                .withClaim("sid", Keys.newTimeId(now)).withIssuedAt(now).withExpiresAt(now.plusSeconds(60)).sign(hs256);
        String noExpiry = JWT.create().withSubject(Keys.newId()).withIssuer("audmg-drive-test")
                .withAudience("audmg-drive-api").withJWTId("j").withClaim("username", "alice")
                .withClaim("sid", Keys.newTimeId(now)).withIssuedAt(now).sign(hs256);
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String algNone = header + "." + noSuchUser.split("\\.")[1] + ".";

        for (String token : new String[] {noSuchUser, pathSub, noExpiry, algNone}) {
            assertEquals(401, api.me(token).getStatusCode(), token);
            assertEquals(401, api.sessions(token).getStatusCode(), token);
        }
        APIGatewayProxyResponseEvent forgedContext = api.me.handleRequest(Events.request("GET", "/me", "/me")
                .authorizerContext("../_users/alice", "alice", "x").build(), null);
        assertEquals(401, forgedContext.getStatusCode());
    }

    @Test
    void fiftyParallelWrongPasswords_shouldGetOnlyTheBudgetsVerifications() throws Exception {
        check(api.signUp("target", PASSWORD), 201);
        long before = wiring.passwordHasher().verifications();

        List<Integer> oneClient = attack("target", 50, i -> "203.0.113.9");
        long fromOneClient = wiring.passwordHasher().verifications() - before;
        List<Integer> manyClients = attack("target", 50, i -> "198.18.0." + i);
        long fromMany = wiring.passwordHasher().verifications() - before - fromOneClient;

        System.out.printf("bcrypt verifications under 50 parallel wrong logins: one client %d, 50 clients %d%n",
                fromOneClient, fromMany);
        assertEquals(LoginThrottle.FREE_PER_CLIENT, fromOneClient, "one client");
        assertEquals(LoginThrottle.FREE_PER_CLIENT, oneClient.stream().filter(s -> s == 401).count());
        assertTrue(oneClient.stream().allMatch(s -> s == 401 || s == 429), oneClient.toString());
        assertTrue(fromMany <= LoginThrottle.FREE_PER_USERNAME - LoginThrottle.FREE_PER_CLIENT,
                "fifty clients got " + fromMany + " verifications");
        assertTrue(manyClients.stream().allMatch(s -> s == 401 || s == 429), manyClients.toString());
    }

    @Test
    void owner_shouldStillLogIn_whileStrangersKeepGuessing() {
        check(api.signUp("besieged", PASSWORD), 201);
        // One stranger guesses as fast as the budget allows: 12 verifications, the intervals doubling.
        int verified = 0;
        while (verified < 12) {
            APIGatewayProxyResponseEvent guess = api.login("besieged", "guess " + verified, "192.0.2.66");
            if (guess.getStatusCode() == 429) {
                clock.advance(Duration.ofSeconds(Long.parseLong(guess.getHeaders().get("Retry-After"))));
            } else {
                assertEquals(401, guess.getStatusCode());
                verified++;
            }
        }
        APIGatewayProxyResponseEvent slowed = api.login("besieged", "one more guess", "192.0.2.66");
        assertEquals(429, slowed.getStatusCode());
        assertTrue(Long.parseLong(slowed.getHeaders().get("Retry-After")) > 100, slowed.getHeaders().toString());
        // Then many strangers, one guess each from fresh addresses, until the per-username budget is spent.
        for (int i = 0; i < 30; i++) {
            APIGatewayProxyResponseEvent guess = api.login("besieged", "swarm guess " + i, "198.18.1." + i);
            assertTrue(guess.getStatusCode() == 401 || guess.getStatusCode() == 429, guess.getBody());
        }

        // The owner, from their own address: let in at once, or after at most the per-username interval.
        long ownerWait = 0;
        APIGatewayProxyResponseEvent owner = api.login("besieged", PASSWORD, "198.51.100.77");
        if (owner.getStatusCode() == 429) {
            ownerWait = Long.parseLong(owner.getHeaders().get("Retry-After"));
            clock.advance(Duration.ofSeconds(ownerWait));
            owner = api.login("besieged", PASSWORD, "198.51.100.77");
        }
        check(owner, 200);
        assertTrue(ownerWait <= LoginThrottle.MAX_USERNAME_INTERVAL_SECONDS, "owner waited " + ownerWait);
    }

    @Test
    void signUp_shouldBeThrottledPerClient_andCheckTheNameBeforeHashing() throws Exception {
        try (TestCloud small = new TestCloud()) {
            Wiring limited = small.wiring(Map.of("SIGNUPS_PER_CLIENT_PER_HOUR", "3", "SIGNUPS_PER_HOUR", "1000"));
            Api limitedApi = new Api(limited);
            for (int i = 0; i < 3; i++) {
                check(limitedApi.signUp("maker" + i, PASSWORD, "203.0.113.50"), 201);
            }
            long hashesBefore = limited.passwordHasher().verifications();

            APIGatewayProxyResponseEvent fourth = limitedApi.signUp("maker3", PASSWORD, "203.0.113.50");
            APIGatewayProxyResponseEvent taken = limitedApi.signUp("maker0", PASSWORD, "192.0.2.1");

            assertEquals(429, fourth.getStatusCode());
            assertTrue(Long.parseLong(fourth.getHeaders().get("Retry-After")) > 0);
            check(limitedApi.signUp("maker3", PASSWORD, "198.51.100.3"), 201);
            assertEquals(409, taken.getStatusCode());
            assertEquals(hashesBefore, limited.passwordHasher().verifications());
        }
    }

    private static List<Integer> attack(String username, int requests, java.util.function.IntFunction<String> ip)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                start.await();
                return api.login(username, "wrong guess " + n, ip.apply(n)).getStatusCode();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> future : futures) {
            statuses.add(future.get());
        }
        pool.shutdown();
        return statuses;
    }

    private static int keys(String bucket, String prefix) {
        return cloud.s3().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().size();
    }
}
