package com.audmg.drive.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.audmg.drive.platform.Keys;
import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;

/**
 * Issues and verifies HS256 access tokens with sub/iss/aud/iat/exp/jti, the session id (sid) and
 * the username. Verification pins the algorithm, issuer and audience and requires every claim, so
 * alg=none, foreign tokens and tokens without exp or iat fail; sub and sid must have the shape of
 * server-made ids (they become storage keys), so anything else is an invalid token, never a 500.
 */
public final class TokenService {

    public static final int MIN_SECRET_BYTES = 32;
    static final String USERNAME_CLAIM = "username";
    static final String SESSION_CLAIM = "sid";
    private static final long LEEWAY_SECONDS = 5;

    static final String PURPOSE_CLAIM = "purpose";
    static final String MFA_PURPOSE = "mfa";
    /** How long the step between password and second factor may take. */
    public static final long MFA_TOKEN_TTL_SECONDS = 300;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final JWTVerifier mfaVerifier;
    private final String issuer;
    private final String audience;
    private final long ttlSeconds;
    private final Clock clock;

    public TokenService(String secret, String issuer, String audience, long ttlSeconds, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("TOKEN_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
        this.issuer = issuer;
        this.audience = audience;
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
        // BaseVerification.build(Clock) lets tests move time; the chain's interface type hides it.
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(issuer)
                .withAudience(audience)
                .withClaimPresence("sub")
                .withClaimPresence("jti")
                .withClaimPresence("exp")
                .withClaimPresence("iat")
                .withClaimPresence(SESSION_CLAIM)
                .withClaimPresence(USERNAME_CLAIM)
                .acceptLeeway(LEEWAY_SECONDS))
                .build(clock);
        // An MFA token names another audience and carries no session: the access-token verifier above
        // refuses it (so does the authorizer), and this one refuses access tokens.
        this.mfaVerifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(issuer)
                .withAudience(mfaAudience(audience))
                .withClaim(PURPOSE_CLAIM, MFA_PURPOSE)
                .withClaimPresence("sub")
                .withClaimPresence("jti")
                .withClaimPresence("exp")
                .withClaimPresence("iat")
                .withClaimPresence(USERNAME_CLAIM)
                .acceptLeeway(LEEWAY_SECONDS))
                .build(clock);
    }

    private static String mfaAudience(String audience) {
        return audience + "#mfa-step";
    }

    /** Who passed the password step of a login that needs a second factor, and this token's id (its jti). */
    public record MfaPrincipal(String userId, String username, String tokenId) {
    }

    /**
     * A short-lived token for the one thing between password and second factor: {@code POST /auth/login/mfa}.
     * Not an access token (other audience, no session, a purpose claim).
     */
    public String issueMfaToken(String userId, String username) {
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(userId)
                .withIssuer(issuer)
                .withAudience(mfaAudience(audience))
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(MFA_TOKEN_TTL_SECONDS))
                .withJWTId(UUID.randomUUID().toString())
                .withClaim(USERNAME_CLAIM, username)
                .withClaim(PURPOSE_CLAIM, MFA_PURPOSE)
                .sign(algorithm);
    }

    public MfaPrincipal verifyMfaToken(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException();
        }
        try {
            DecodedJWT jwt = mfaVerifier.verify(token);
            String username = jwt.getClaim(USERNAME_CLAIM).asString();
            if (!Keys.isId(jwt.getSubject()) || username == null || jwt.getId() == null) {
                throw new InvalidTokenException();
            }
            return new MfaPrincipal(jwt.getSubject(), username, jwt.getId());
        } catch (JWTVerificationException | IllegalArgumentException e) {
            throw new InvalidTokenException();
        }
    }

    /** An issued token, its lifetime in seconds and whom it names. */
    public record IssuedToken(String token, long expiresIn, String userId) {
    }

    /** The verified caller, the session its token belongs to, and when the token expires (null: not known here). */
    public record Principal(String userId, String username, String sessionId, Instant expiresAt) {
        public Principal(String userId, String username, String sessionId) {
            this(userId, username, sessionId, null);
        }
    }

    /** Whether a token that expires at {@code expiresAt} (as verified earlier, e.g. by the authorizer) has expired now. */
    public boolean expired(Instant expiresAt) {
        return !clock.instant().isBefore(expiresAt.plusSeconds(LEEWAY_SECONDS));
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    public IssuedToken issue(String userId, String username, String sessionId) {
        Instant now = clock.instant();
        String token = JWT.create()
                .withSubject(userId)
                .withIssuer(issuer)
                .withAudience(audience)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(ttlSeconds))
                .withJWTId(UUID.randomUUID().toString())
                .withClaim(USERNAME_CLAIM, username)
                .withClaim(SESSION_CLAIM, sessionId)
                .sign(algorithm);
        return new IssuedToken(token, ttlSeconds, userId);
    }

    /** Verifies a token; throws {@link InvalidTokenException} for anything not issued by us and current. */
    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException();
        }
        try {
            DecodedJWT jwt = verifier.verify(token);
            String username = jwt.getClaim(USERNAME_CLAIM).asString();
            String sessionId = jwt.getClaim(SESSION_CLAIM).asString();
            if (!Keys.isId(jwt.getSubject()) || !Keys.isId(sessionId) || username == null
                    || jwt.getExpiresAtAsInstant() == null || jwt.getIssuedAtAsInstant() == null) {
                throw new InvalidTokenException();
            }
            return new Principal(jwt.getSubject(), username, sessionId, jwt.getExpiresAtAsInstant());
        } catch (JWTVerificationException | IllegalArgumentException e) {
            throw new InvalidTokenException();
        }
    }

    /** Extracts the token from an {@code Authorization: Bearer <token>} header value. */
    public static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null) {
            throw new InvalidTokenException();
        }
        String value = authorizationHeader.trim();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new InvalidTokenException();
        }
        return value.substring(7).trim();
    }

    /** The token is missing, malformed, expired, or not ours. Deliberately without detail. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException() {
            super("invalid token", null, false, false);
        }
    }
}
