package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.audmg.drive.Api;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;

/** The lifetimes set by environment variables are the ones the codes and tokens get (here all shorter than the defaults). */
class LifetimesTest {

    private static final List<String> OUTBOX = new CopyOnWriteArrayList<>();
    private static TestCloud cloud;
    private static MutableClock clock;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        wiring = cloud.wiring(Map.of("EMAIL_VERIFICATION_TTL_SECONDS", "600", "PASSWORD_RESET_TTL_SECONDS", "300",
                "MFA_TOKEN_TTL_SECONDS", "60", "MFA_ENROLMENT_TTL_SECONDS", "120", "DEVICE_TOKEN_TTL_SECONDS", "86400"), clock)
                .mailer((to, subject, text) -> OUTBOX.add(text));
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void configuredLifetimes_shouldBeTheOnesCodesAndTokensGet() {
        check(api.signUp("lena", "lena's long passphrase", "lena@example.com", "192.0.2.1"), 201);
        String verifyMail = OUTBOX.get(OUTBOX.size() - 1);
        assertTrue(verifyMail.contains("for 10 minutes"), verifyMail);
        var login = json(check(api.login("lena", "lena's long passphrase", "192.0.2.1", null), 200));
        String token = login.path("token").asText();
        DecodedJWT device = JWT.decode(login.path("deviceToken").asText());
        assertEquals(86400, device.getExpiresAtAsInstant().getEpochSecond() - device.getIssuedAtAsInstant().getEpochSecond());
        DecodedJWT mfa = JWT.decode(wiring.tokens().issueMfaToken(device.getSubject(), "lena"));
        assertEquals(60, mfa.getExpiresAtAsInstant().getEpochSecond() - mfa.getIssuedAtAsInstant().getEpochSecond());

        clock.advance(Duration.ofSeconds(601));
        String code = code(verifyMail, "[0-9]{8}");
        assertEquals("invalid_code", errorCode(api.verifyEmail(token, code)), "expired after 600 s");

        // Enrolment expires after 120 s: a right code of the new secret comes too late.
        String secret = json(check(api.beginMfa(token), 200)).path("secret").asText();
        clock.advance(Duration.ofSeconds(121));
        String late = new Totp().code(MfaTest.base32(secret), Totp.step(clock.instant()));
        assertEquals("invalid_code", errorCode(api.confirmMfa(token, late)));
        // Within the 120 s the same kind of code confirms it.
        String again = json(check(api.beginMfa(token), 200)).path("secret").asText();
        clock.advance(Duration.ofSeconds(100));
        check(api.confirmMfa(token, new Totp().code(MfaTest.base32(again), Totp.step(clock.instant()))), 200);
    }

    @Test
    void aResetCode_shouldLiveThePasswordResetTtl() {
        check(api.signUp("mira", "mira's long passphrase", "mira@example.com", "192.0.2.2"), 201);
        String token = json(check(api.login("mira", "mira's long passphrase", "192.0.2.2", null), 200)).path("token").asText();
        check(api.verifyEmail(token, code(OUTBOX.get(OUTBOX.size() - 1), "[0-9]{8}")), 204);
        clock.advance(Duration.ofMinutes(2));
        check(api.requestReset("mira", "192.0.2.2"), 202);
        String mail = OUTBOX.get(OUTBOX.size() - 1);
        assertTrue(mail.contains("for 5 minutes"), mail);
        String reset = code(mail, "[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}");
        clock.advance(Duration.ofSeconds(301));
        assertEquals("invalid_code", errorCode(api.confirmReset("mira", reset, "a brand new passphrase", "192.0.2.2")));
        // A new code, used within its 300 s, works.
        clock.advance(Duration.ofMinutes(2));
        check(api.requestReset("mira", "192.0.2.2"), 202);
        String fresh = code(OUTBOX.get(OUTBOX.size() - 1), "[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}");
        clock.advance(Duration.ofSeconds(290));
        assertEquals(204, api.confirmReset("mira", fresh, "a brand new passphrase", "192.0.2.2").getStatusCode());
    }

    private static String code(String text, String pattern) {
        Matcher m = Pattern.compile("\\b(" + pattern + ")\\b").matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }
}
