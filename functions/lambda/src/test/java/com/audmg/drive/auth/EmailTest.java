package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Events;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.platform.Keys;

import software.amazon.awssdk.core.sync.ResponseTransformer;

/** E-mail verification and password reset by e-mailed code, against s3proxy, with the messages captured. */
class EmailTest {

    private record Mail(String to, String subject, String text) {
        String code() {
            Matcher m = Pattern.compile("\\b([0-9]{8})\\b").matcher(text);
            assertTrue(m.find(), text);
            return m.group(1);
        }

        String resetCode() {
            Matcher m = Pattern.compile("\\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\\b").matcher(text);
            assertTrue(m.find(), text);
            return m.group(1);
        }
    }

    private static final List<Mail> OUTBOX = new CopyOnWriteArrayList<>();
    private static TestCloud cloud;
    private static MutableClock clock;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        api = new Api(cloud.wiring(Map.of(), clock).mailer((to, subject, text) -> OUTBOX.add(new Mail(to, subject, text))));
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @BeforeEach
    void emptyOutbox() {
        OUTBOX.clear();
        clock.advance(Duration.ofHours(2));
    }

    private static String password(String username) {
        return "correct horse " + username;
    }

    /** Signs up with an address and verifies it; returns an access token. */
    private static String verifiedUser(String username, String email) {
        check(api.signUp(username, password(username), email, "198.51.100.1"), 201);
        String code = last(email).code();
        String token = json(check(api.login(username, password(username)), 200)).get("token").asText();
        check(api.verifyEmail(token, code), 204);
        OUTBOX.clear();
        // Past the one-mail-a-minute budget of the account.
        clock.advance(Duration.ofMinutes(2));
        return token;
    }

    private static Mail last(String to) {
        assertFalse(OUTBOX.isEmpty(), "no mail sent");
        Mail mail = OUTBOX.get(OUTBOX.size() - 1);
        assertEquals(to, mail.to());
        return mail;
    }

    @Test
    void signUpWithEmail_shouldMailACode_thatVerifiesTheAddressOnce() {
        check(api.signUp("judy", password("judy"), "Judy@Example.COM", "198.51.100.1"), 201);
        Mail mail = last("Judy@example.com");
        assertTrue(mail.text().contains("judy"), mail.text());
        String token = json(check(api.login("judy", password("judy")), 200)).get("token").asText();
        assertEquals("Judy@example.com", json(check(api.me(token), 200)).get("email").asText());
        assertFalse(json(check(api.me(token), 200)).get("emailVerified").asBoolean());
        String wrong = mail.code().equals("12345678") ? "87654321" : "12345678";
        assertEquals("invalid_code", errorCode(api.verifyEmail(token, wrong)));

        check(api.verifyEmail(token, mail.code()), 204);

        assertTrue(json(check(api.me(token), 200)).get("emailVerified").asBoolean());
        assertEquals("invalid_code", errorCode(api.verifyEmail(token, mail.code())), "a used code");
        String stored = cloud.s3().getObject(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.account("judy")),
                ResponseTransformer.toBytes()).asUtf8String();
        assertFalse(stored.contains(mail.code()), "codes are stored hashed");
    }

    @Test
    void changeEmail_shouldRefuseBadAddresses_andBudgetMails() {
        String token = verifiedUser("karl", "karl@example.com");
        // A stolen access token alone cannot move the address that receives reset codes.
        APIGatewayProxyResponseEvent noPassword = api.changeEmail(token, "mallory@example.net", "a wrong guess");
        assertEquals("invalid_credentials", errorCode(noPassword));
        assertEquals(401, noPassword.getStatusCode());
        assertEquals("karl@example.com", json(check(api.me(token), 200)).get("email").asText());
        assertTrue(OUTBOX.isEmpty(), "nothing mailed");
        for (String bad : new String[] {"not-an-address", "a@b", "karl@example.com\r\nBcc: x@example.com",
                "Karl <karl@example.com>", "x".repeat(250) + "@example.com"}) {
            APIGatewayProxyResponseEvent refused = api.changeEmail(token, bad, password("karl"));
            assertEquals(400, refused.getStatusCode(), bad);
            assertEquals("email", json(refused).path("error").path("field").asText());
        }
        assertEquals(202, api.changeEmail(token, "karl@example.org", password("karl")).getStatusCode());
        assertFalse(json(check(api.me(token), 200)).get("emailVerified").asBoolean(), "a new address is unverified");
        APIGatewayProxyResponseEvent again = api.changeEmail(token, "karl@example.net", password("karl"));
        assertEquals(429, again.getStatusCode(), "one mail a minute");
        assertEquals(2, OUTBOX.size(), "the code to the new address, a notice to the verified one");
        assertEquals("karl@example.org", OUTBOX.get(0).to());
        assertEquals("karl@example.com", OUTBOX.get(1).to());
        assertTrue(OUTBOX.get(1).text().contains("changed to karl@example.org"), OUTBOX.get(1).text());
        clock.advance(Duration.ofMinutes(2));
        check(api.changeEmail(token, "karl@example.net", password("karl")), 202);
        // The code sent to the replaced address does not verify the new one.
        assertEquals("invalid_code", errorCode(api.verifyEmail(token, OUTBOX.get(0).code())));
        check(api.verifyEmail(token, last("karl@example.net").code()), 204);
    }

    @Test
    void changeEmail_withoutThePassword_shouldNeedASessionThatSignedInMinutesAgo_andMayAlwaysSayIt() {
        String token = verifiedUser("nora", "nora@example.com"); // signed in two minutes ago
        check(api.changeEmail(token, "nora@example.org", null), 202);
        assertTrue(OUTBOX.stream().anyMatch(m -> m.to().equals("nora@example.org")), "the code to the new address");
        // Past ten minutes since the sign-in (a refresh renews the token, not the sign-in), the password is needed.
        clock.advance(AuthService.RECENT_SIGN_IN);
        APIGatewayProxyResponseEvent later = api.changeEmail(token, "mallory@example.net", null);
        assertEquals(400, later.getStatusCode(), later.getBody());
        assertEquals("currentPassword", json(later).path("error").path("field").asText());
        assertEquals("nora@example.org", json(check(api.me(token), 200)).get("email").asText());
        check(api.changeEmail(token, "nora@example.net", password("nora")), 202);
        // A password that is given is checked, however recent the sign-in.
        String fresh = json(check(api.login("nora", password("nora")), 200)).get("token").asText();
        clock.advance(Duration.ofMinutes(2));
        assertEquals(401, api.changeEmail(fresh, "mallory@example.net", "a wrong guess").getStatusCode());
        APIGatewayProxyResponseEvent notAString = api.login.handleRequest(Events.request("PUT", "/me/email", "/me/email")
                .bearer(fresh).body("{\"email\":\"nora@example.com\",\"currentPassword\":42}").build(), null);
        assertEquals(400, notAString.getStatusCode());
        assertEquals("currentPassword", json(notAString).path("error").path("field").asText());
    }

    @Test
    void passwordReset_shouldMailOnlyAVerifiedAddress_andAnswerAlikeForEveryName() {
        verifiedUser("lena", "lena@example.com");
        check(api.signUp("mike", password("mike"), "mike@example.com", "198.51.100.1"), 201);
        OUTBOX.clear();
        clock.advance(Duration.ofMinutes(2));

        APIGatewayProxyResponseEvent known = api.requestReset("lena", "203.0.113.1");
        APIGatewayProxyResponseEvent unverified = api.requestReset("mike", "203.0.113.1");
        APIGatewayProxyResponseEvent unknown = api.requestReset("nobody-here", "203.0.113.1");
        APIGatewayProxyResponseEvent malformed = api.requestReset("../_users/x", "203.0.113.1");

        for (APIGatewayProxyResponseEvent response : List.of(known, unverified, unknown, malformed)) {
            assertEquals(202, response.getStatusCode());
            assertEquals(known.getBody(), response.getBody());
        }
        assertEquals(1, OUTBOX.size(), "only the verified address gets mail");
        assertEquals("lena@example.com", OUTBOX.get(0).to());
        assertEquals(known.getBody(), api.requestReset("lena", "203.0.113.1").getBody());
        assertEquals(1, OUTBOX.size(), "one reset mail a minute per account, the answer unchanged");
    }

    @Test
    void passwordResetConfirm_shouldSetThePassword_revokeEverySession_andWorkOnce() {
        String token = verifiedUser("nina", "nina@example.com");
        check(api.requestReset("nina", "203.0.113.2"), 202);
        String code = last("nina@example.com").resetCode();
        String wrong = otherResetCode(code);

        assertEquals("invalid_code", errorCode(api.confirmReset("nina", wrong, "a brand new passphrase")));
        assertEquals(400, api.confirmReset("nina", code, "password1").getStatusCode(), "the same policy");
        assertEquals("invalid_code", errorCode(api.confirmReset("nobody-here", code, "a brand new passphrase")));
        // As typed: lower case, without dashes.
        check(api.confirmReset("nina", code.replace("-", "").toLowerCase(java.util.Locale.ROOT), "a brand new passphrase"), 204);

        assertEquals(401, api.me(token).getStatusCode(), "every session ends");
        assertEquals(401, api.login("nina", password("nina")).getStatusCode());
        check(api.login("nina", "a brand new passphrase"), 200);
        assertEquals("invalid_code", errorCode(api.confirmReset("nina", code, "yet another passphrase")));
    }

    @Test
    void resetCodes_shouldExpire_surviveStrangersGuesses_andBeGuessedOnlyWithinAPerClientBudget() throws Exception {
        verifiedUser("olga", "olga@example.com");
        check(api.requestReset("olga", "203.0.113.3"), 202);
        String expiring = last("olga@example.com").resetCode();
        clock.advance(Duration.ofSeconds(com.audmg.drive.platform.Config.Lifetimes.DEFAULT_PASSWORD_RESET_SECONDS + 1));
        assertEquals("invalid_code", errorCode(api.confirmReset("olga", expiring, "a brand new passphrase")));

        clock.advance(Duration.ofMinutes(2));
        check(api.requestReset("olga", "203.0.113.3"), 202);
        String code = last("olga@example.com").resetCode();
        // Strangers guessing in parallel from many addresses do not void the owner's code ...
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String guess = EmailService.newResetCode();
            String ip = "198.51.100." + (20 + i);
            guesses.add(pool.submit(() -> {
                start.await();
                return api.confirmReset("olga", guess, "a brand new passphrase", ip).getStatusCode();
            }));
        }
        start.countDown();
        for (Future<Integer> guess : guesses) {
            assertEquals(401, guess.get());
        }
        pool.shutdown();
        // ... and one address gets its budget of guesses, then 429.
        for (int i = 0; i < EmailService.RESET_CONFIRMS_PER_CLIENT_PER_HOUR; i++) {
            assertEquals("invalid_code", errorCode(api.confirmReset("olga", otherResetCode(code), "a brand new passphrase",
                    "203.0.113.77")));
        }
        APIGatewayProxyResponseEvent refused = api.confirmReset("olga", code, "a brand new passphrase", "203.0.113.77");
        assertEquals(429, refused.getStatusCode());
        assertTrue(Long.parseLong(refused.getHeaders().get("Retry-After")) > 0);

        check(api.confirmReset("olga", code, "a brand new passphrase", "203.0.113.3"), 204);
        check(api.login("olga", "a brand new passphrase"), 200);
    }

    private static String otherResetCode(String code) {
        String other;
        do {
            other = EmailService.newResetCode();
        } while (other.equals(code));
        return other;
    }

    @Test
    void resetRequests_shouldBeBudgetedPerClient() {
        for (int i = 0; i < EmailService.RESETS_PER_CLIENT_PER_HOUR; i++) {
            check(api.requestReset("someone-" + i, "203.0.113.99"), 202);
        }
        APIGatewayProxyResponseEvent refused = api.requestReset("someone-else", "203.0.113.99");
        assertEquals(429, refused.getStatusCode());
        assertTrue(Long.parseLong(refused.getHeaders().get("Retry-After")) > 0);
        check(api.requestReset("someone-else", "203.0.113.100"), 202);
    }
}
