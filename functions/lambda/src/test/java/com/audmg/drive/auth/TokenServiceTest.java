package com.audmg.drive.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;

class TokenServiceTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
    private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");

    private final TokenService tokens = service(SECRET, "iss-a", "aud-a", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issue_shouldCarryAllClaims_andVerify() {
        TokenService.IssuedToken issued = tokens.issue("userid0000000000000000000a", "alice");

        DecodedJWT jwt = JWT.decode(issued.token());
        assertEquals("HS256", jwt.getAlgorithm());
        assertEquals("userid0000000000000000000a", jwt.getSubject());
        assertEquals("iss-a", jwt.getIssuer());
        assertEquals("aud-a", jwt.getAudience().get(0));
        assertEquals(NOW, jwt.getIssuedAtAsInstant());
        assertEquals(NOW.plusSeconds(3600), jwt.getExpiresAtAsInstant());
        assertTrue(jwt.getId() != null && !jwt.getId().isBlank());
        assertNotEquals(jwt.getId(), JWT.decode(tokens.issue("u", "alice").token()).getId());
        assertEquals(new TokenService.Principal("userid0000000000000000000a", "alice"), tokens.verify(issued.token()));
    }

    @Test
    void verify_shouldReject_whenExpired() {
        String token = tokens.issue("u1", "alice").token();
        TokenService later = service(SECRET, "iss-a", "aud-a", Clock.fixed(NOW.plusSeconds(3600 + 60), ZoneOffset.UTC));

        assertThrows(TokenService.InvalidTokenException.class, () -> later.verify(token));
    }

    @Test
    void verify_shouldReject_whenPayloadTampered() {
        String[] parts = tokens.issue("u1", "alice").token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"u1\"", "\"u2\"");
        String tampered = parts[0] + "." + base64(payload) + "." + parts[2];

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(tampered));
    }

    @Test
    void verify_shouldReject_whenAlgNone() {
        String[] parts = tokens.issue("u1", "alice").token().split("\\.");
        String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(header + "." + parts[1] + "."));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(header + "." + parts[1] + "." + parts[2]));
        String noneSigned = JWT.create().withSubject("u1").withIssuer("iss-a").withAudience("aud-a")
                .withExpiresAt(NOW.plusSeconds(60)).withJWTId("j").withClaim("username", "alice")
                .sign(Algorithm.none());
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(noneSigned));
    }

    @Test
    void verify_shouldReject_whenOtherAlgorithmOrSecret() {
        String hs512 = JWT.create().withSubject("u1").withIssuer("iss-a").withAudience("aud-a")
                .withExpiresAt(NOW.plusSeconds(60)).withJWTId("j").withClaim("username", "alice")
                .sign(Algorithm.HMAC512(SECRET));
        String otherSecret = service("another-secret-another-secret-another", "iss-a", "aud-a",
                Clock.fixed(NOW, ZoneOffset.UTC)).issue("u1", "alice").token();

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(hs512));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(otherSecret));
    }

    @Test
    void verify_shouldReject_whenWrongIssuerOrAudience() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String wrongIssuer = service(SECRET, "iss-b", "aud-a", clock).issue("u1", "alice").token();
        String wrongAudience = service(SECRET, "iss-a", "aud-b", clock).issue("u1", "alice").token();

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(wrongIssuer));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(wrongAudience));
    }

    @Test
    void verify_shouldReject_whenGarbageOrEmpty() {
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(""));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(null));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify("a.b.c"));
    }

    @Test
    void constructor_shouldFail_whenSecretShorterThan256Bits() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> service("too-short", "iss", "aud", Clock.systemUTC()));
        assertTrue(e.getMessage().contains("TOKEN_SECRET"));
    }

    @Test
    void bearerToken_shouldParseHeaderCaseInsensitively() {
        assertEquals("abc", TokenService.bearerToken("Bearer abc"));
        assertEquals("abc", TokenService.bearerToken("bearer   abc "));
        assertThrows(TokenService.InvalidTokenException.class, () -> TokenService.bearerToken("Basic abc"));
        assertThrows(TokenService.InvalidTokenException.class, () -> TokenService.bearerToken("Bearer "));
        assertThrows(TokenService.InvalidTokenException.class, () -> TokenService.bearerToken(null));
    }

    private static TokenService service(String secret, String issuer, String audience, Clock clock) {
        return new TokenService(secret, issuer, audience, 3600, clock);
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
