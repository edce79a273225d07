package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Events;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** Sign-up and login through the handlers, against s3proxy. */
class AuthHandlersTest {

    private static TestCloud cloud;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        wiring = cloud.wiring(Map.of());
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void signUp_shouldCreateAccountWithServerId_whenValid() {
        APIGatewayProxyResponseEvent response = api.signUp("Alice.Example", "a fine passphrase");

        JsonNode body = json(check(response, 201));
        assertEquals("alice.example", body.get("username").asText());
        assertTrue(body.get("userId").asText().matches("[a-z0-9]{26}"));
        assertEquals("application/json; charset=utf-8", response.getHeaders().get("Content-Type"));
    }

    @Test
    void signUp_shouldAnswer409_whenUsernameTakenInAnyCase() {
        check(api.signUp("bob", "a fine passphrase"), 201);

        APIGatewayProxyResponseEvent again = api.signUp("BOB", "another passphrase");

        assertEquals(409, again.getStatusCode());
        assertEquals("username_taken", errorCode(again));
    }

    @Test
    void signUp_shouldHaveExactlyOneWinner_when20ConcurrentSignUpsOfOneName() throws Exception {
        int contenders = 20;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            String password = "passphrase number " + i;
            results.add(pool.submit(() -> {
                start.await();
                return api.signUp("racer", password).getStatusCode();
            }));
        }
        start.countDown();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        for (Future<Integer> result : results) {
            int status = result.get();
            if (status == 201) {
                created.incrementAndGet();
            } else if (status == 409 || status == 429) {
                // 429: the sign-up budget's compare-and-swap kept losing to the others (fails closed)
                refused.incrementAndGet();
            }
        }
        pool.shutdown();

        assertEquals(1, created.get());
        assertEquals(contenders - 1, refused.get());
    }

    @Test
    void signUp_shouldAnswer400NamingTheField_whenBodyInvalid() {
        assertInvalid(api.signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .body("{not json").build(), null), "body");
        assertInvalid(api.signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .body("{\"username\":\"carol\"}").build(), null), "password");
        assertInvalid(api.signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .body("{\"username\":42,\"password\":\"a fine passphrase\"}").build(), null), "username");
        assertInvalid(api.signUp("x", "a fine passphrase"), "username");
        assertInvalid(api.signUp("-carol", "a fine passphrase"), "username");
        assertInvalid(api.signUp("carol", "short"), "password");
        assertInvalid(api.signUp("carol", "password123"), "password");
        for (String guessable : new String[] {"password2", "qwerty12345", "1q2w3e4r5t6y", "iloveyou2", "carol-carol-carol"}) {
            APIGatewayProxyResponseEvent refused = api.signUp("carol", guessable);
            assertInvalid(refused, "password");
            assertTrue(json(refused).path("error").path("message").asText().contains("too easy to guess")
                    || json(refused).path("error").path("message").asText().contains("most common"), refused.getBody());
        }
        assertInvalid(api.signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .build(), null), "body");
    }

    @Test
    void login_shouldIssueVerifiableToken_whenCredentialsCorrect() {
        check(api.signUp("dave", "dave's passphrase"), 201);

        JsonNode body = json(check(api.login("DAVE", "dave's passphrase"), 200));

        assertEquals("Bearer", body.get("tokenType").asText());
        assertEquals(900, body.get("expiresIn").asLong());
        TokenService.Principal principal = wiring.tokens().verify(body.get("token").asText());
        assertEquals("dave", principal.username());
        assertEquals(body.get("sessionId").asText(), principal.sessionId());
        assertTrue(body.get("refreshToken").asText().startsWith(principal.userId() + "." + principal.sessionId() + "."));
    }

    @Test
    void login_shouldAnswerByteIdentical401_forUnknownUserAndWrongPassword() {
        check(api.signUp("erin", "erin's passphrase"), 201);

        APIGatewayProxyResponseEvent wrongPassword = api.login("erin", "not erin's passphrase");
        APIGatewayProxyResponseEvent unknownUser = api.login("nobody-here", "not erin's passphrase");

        assertEquals(401, wrongPassword.getStatusCode());
        assertEquals(401, unknownUser.getStatusCode());
        assertEquals(wrongPassword.getBody(), unknownUser.getBody());
        assertEquals(wrongPassword.getHeaders(), unknownUser.getHeaders());
        assertEquals("invalid_credentials", errorCode(wrongPassword));
    }

    @Test
    void login_shouldSlowDownOneClient_butLetTheOwnerInFromAnother() {
        check(api.signUp("frank", "frank's passphrase"), 201);
        for (int i = 0; i < LoginThrottle.FREE_PER_CLIENT; i++) {
            assertEquals(401, api.login("frank", "wrong guess " + i, "203.0.113.7").getStatusCode());
        }

        APIGatewayProxyResponseEvent throttled = api.login("frank", "frank's passphrase", "203.0.113.7");
        APIGatewayProxyResponseEvent owner = api.login("frank", "frank's passphrase", "198.51.100.20");

        assertEquals(429, throttled.getStatusCode());
        assertEquals("too_many_attempts", errorCode(throttled));
        long retryAfter = Long.parseLong(throttled.getHeaders().get("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        check(owner, 200);
    }

    @Test
    void login_shouldCountAnIpv6ClientByItsSlash64_notByEachOfItsAddresses() {
        check(api.signUp("fiona", "fiona's passphrase"), 201);
        for (int i = 0; i < LoginThrottle.FREE_PER_CLIENT; i++) {
            assertEquals(401, api.login("fiona", "wrong guess " + i, "2001:db8:1:2::" + Integer.toHexString(i + 1))
                    .getStatusCode());
        }

        // A fresh address of the same /64 (written out in full) is the same client.
        APIGatewayProxyResponseEvent sameNetwork = api.login("fiona", "another guess", "2001:0db8:0001:0002:ffff:0:0:99");
        APIGatewayProxyResponseEvent owner = api.login("fiona", "fiona's passphrase", "2001:db8:1:3::1");

        assertEquals(429, sameNetwork.getStatusCode(), sameNetwork.getBody());
        check(owner, 200);
        assertEquals("192.0.2.1", ClientAddress.of("192.0.2.1"));
        assertEquals("unknown", ClientAddress.of(null));
        assertEquals("not an address", ClientAddress.of("not an address"));
        assertEquals(ClientAddress.of("2001:db8:1:2::1"), ClientAddress.of("2001:DB8:1:2:abcd::7"));
    }

    @Test
    void login_shouldThrottleUnknownNamesAlike_withoutLeavingAnythingInS3() {
        for (int i = 0; i < LoginThrottle.FREE_PER_CLIENT; i++) {
            assertEquals(401, api.login("ghost-user", "wrong guess " + i).getStatusCode());
        }
        assertEquals(429, api.login("ghost-user", "anything at all").getStatusCode());
        for (int i = 0; i < 20; i++) {
            api.login("ghost-" + i, "wrong guess");
        }

        var keys = cloud.s3().listObjectsV2(ListObjectsV2Request.builder()
                .bucket(TestCloud.DATA_BUCKET).prefix("throttle/").build()).contents();
        for (var object : keys) {
            assertTrue(object.key().startsWith("throttle/signup/") || !object.key().contains(
                    com.audmg.drive.platform.Keys.sha256("ghost-user")), object.key());
        }
        for (String name : new String[] {"ghost-user", "ghost-0", "ghost-19"}) {
            assertTrue(keys.stream().noneMatch(o -> o.key().equals(com.audmg.drive.platform.Keys.throttle(name))), name);
        }
    }

    @Test
    void login_shouldResetFailures_afterSuccess() {
        check(api.signUp("gina", "gina's passphrase"), 201);
        for (int i = 0; i < LoginThrottle.FREE_PER_CLIENT - 1; i++) {
            api.login("gina", "wrong guess " + i, "192.0.2.44");
        }
        check(api.login("gina", "gina's passphrase", "192.0.2.44"), 200);

        for (int i = 0; i < LoginThrottle.FREE_PER_CLIENT - 1; i++) {
            assertEquals(401, api.login("gina", "wrong again " + i, "192.0.2.44").getStatusCode());
        }
        check(api.login("gina", "gina's passphrase", "192.0.2.44"), 200);
    }

    @Test
    void accounts_shouldBeStoredUnderHashedKeys_withBcryptHash() {
        check(api.signUp("hank", "hank's passphrase"), 201);

        var keys = cloud.s3().listObjectsV2(ListObjectsV2Request.builder()
                .bucket(TestCloud.DATA_BUCKET).prefix("users/").build()).contents();

        assertFalse(keys.isEmpty());
        keys.forEach(object -> {
            assertTrue(object.key().matches("users/[0-9a-f]{64}\\.json"), object.key());
            assertFalse(object.key().contains("hank"));
        });
        var account = new AccountStore(new com.audmg.drive.platform.JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET))
                .find("hank").orElseThrow();
        assertNotNull(account.createdAt());
        assertTrue(account.passwordHash().startsWith("$2b$04$"));
    }

    private static void assertInvalid(APIGatewayProxyResponseEvent response, String field) {
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("invalid_request", errorCode(response));
        assertTrue(json(response).path("error").path("message").asText().contains(field),
                "message should name " + field + ": " + response.getBody());
    }
}
