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

    private static final String U1 = "userid0000000000000000000a";
    private static final String SID = "0sessionid000000000000000a";

    private final TokenService tokens = service(SECRET, "iss-a", "aud-a", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issue_shouldCarryAllClaims_andVerify() {
        TokenService.IssuedToken issued = tokens.issue("userid0000000000000000000a", "alice", SID);

        DecodedJWT jwt = JWT.decode(issued.token());
        assertEquals("HS256", jwt.getAlgorithm());
        assertEquals("userid0000000000000000000a", jwt.getSubject());
        assertEquals("iss-a", jwt.getIssuer());
        assertEquals("aud-a", jwt.getAudience().get(0));
        assertEquals(NOW, jwt.getIssuedAtAsInstant());
        assertEquals(NOW.plusSeconds(3600), jwt.getExpiresAtAsInstant());
        assertTrue(jwt.getId() != null && !jwt.getId().isBlank());
        assertEquals(SID, jwt.getClaim("sid").asString());
        assertNotEquals(jwt.getId(), JWT.decode(tokens.issue(U1, "alice", SID).token()).getId());
        assertEquals(new TokenService.Principal("userid0000000000000000000a", "alice", SID, NOW.plusSeconds(3600)),
                tokens.verify(issued.token()));
    }

    @Test
    void verify_shouldReject_whenExpired() {
        String token = tokens.issue(U1, "alice", SID).token();
        TokenService later = service(SECRET, "iss-a", "aud-a", Clock.fixed(NOW.plusSeconds(3600 + 60), ZoneOffset.UTC));

        assertThrows(TokenService.InvalidTokenException.class, () -> later.verify(token));
    }

    @Test
    void verify_shouldReject_whenPayloadTampered() {
        String[] parts = tokens.issue(U1, "alice", SID).token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(U1, "userid0000000000000000000b");
        String tampered = parts[0] + "." + base64(payload) + "." + parts[2];

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(tampered));
    }

    @Test
    void verify_shouldReject_whenAlgNone() {
        String[] parts = tokens.issue(U1, "alice", SID).token().split("\\.");
        String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(header + "." + parts[1] + "."));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(header + "." + parts[1] + "." + parts[2]));
        String noneSigned = JWT.create().withSubject(U1).withIssuer("iss-a").withAudience("aud-a")
                .withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60)).withJWTId("j").withClaim("username", "alice")
                .withClaim("sid", SID).sign(Algorithm.none());
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(noneSigned));
    }

    @Test
    void verify_shouldReject_whenOtherAlgorithmOrSecret() {
        String hs512 = JWT.create().withSubject(U1).withIssuer("iss-a").withAudience("aud-a")
                .withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60)).withJWTId("j").withClaim("username", "alice")
                .withClaim("sid", SID).sign(Algorithm.HMAC512(SECRET));
        String otherSecret = service("another-secret-another-secret-another", "iss-a", "aud-a",
                Clock.fixed(NOW, ZoneOffset.UTC)).issue(U1, "alice", SID).token();

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(hs512));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(otherSecret));
    }

    @Test
    void verify_shouldReject_whenWrongIssuerOrAudience() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String wrongIssuer = service(SECRET, "iss-b", "aud-a", clock).issue(U1, "alice", SID).token();
        String wrongAudience = service(SECRET, "iss-a", "aud-b", clock).issue(U1, "alice", SID).token();

        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(wrongIssuer));
        assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(wrongAudience));
    }

    @Test
    void verify_shouldReject_whenValidlySignedButAClaimIsMissingOrNotAServerId() {
        Algorithm hs256 = Algorithm.HMAC256(SECRET.getBytes(StandardCharsets.UTF_8));
        java.util.function.Function<String, com.auth0.jwt.JWTCreator.Builder> base = sub -> JWT.create()
                .withSubject(sub).withIssuer("iss-a").withAudience("aud-a").withJWTId("j")
                .withClaim("username", "alice").withClaim("sid", SID);
        String noExp = base.apply(U1).withIssuedAt(NOW).sign(hs256);
        String noIat = base.apply(U1).withExpiresAt(NOW.plusSeconds(60)).sign(hs256);
        String pathSub = base.apply("../_users/alice").withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60)).sign(hs256);
        String noSid = JWT.create().withSubject(U1).withIssuer("iss-a").withAudience("aud-a").withJWTId("j")
                .withClaim("username", "alice").withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60)).sign(hs256);
        String badSid = base.apply(U1).withClaim("sid", "../x").withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60))
                .sign(hs256);
        String complete = base.apply(U1).withIssuedAt(NOW).withExpiresAt(NOW.plusSeconds(60)).sign(hs256);

        for (String token : new String[] {noExp, noIat, pathSub, noSid, badSid}) {
            assertThrows(TokenService.InvalidTokenException.class, () -> tokens.verify(token), JWT.decode(token).getPayload());
        }
        assertEquals(U1, tokens.verify(complete).userId());
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
