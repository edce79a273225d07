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
    /** How long the step between password and second factor may take, unless configured otherwise. */
    public static final long MFA_TOKEN_TTL_SECONDS = 300;
    static final String DEVICE_PURPOSE = "device";
    static final String DEVICE_CLAIM = "did";
    static final String GENERATION_CLAIM = "gen";

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final JWTVerifier mfaVerifier;
    private final String issuer;
    private final String audience;
    private final long ttlSeconds;
    private final long mfaTtlSeconds;
    private final long deviceTtlSeconds;
    private final Algorithm deviceAlgorithm;
    private final JWTVerifier deviceVerifier;
    private final Clock clock;

    public TokenService(String secret, String issuer, String audience, long ttlSeconds, Clock clock) {
        this(secret, issuer, audience, ttlSeconds, MFA_TOKEN_TTL_SECONDS, DEFAULT_DEVICE_TTL_SECONDS, clock);
    }

    /** How long a device token stays valid unless configured otherwise (it is renewed at every login with it). */
    public static final long DEFAULT_DEVICE_TTL_SECONDS = 180L * 24 * 3600;

    public TokenService(String secret, String issuer, String audience, long ttlSeconds, long mfaTtlSeconds,
                        long deviceTtlSeconds, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("TOKEN_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
        this.issuer = issuer;
        this.audience = audience;
        this.ttlSeconds = ttlSeconds;
        this.mfaTtlSeconds = mfaTtlSeconds;
        this.deviceTtlSeconds = deviceTtlSeconds;
        this.clock = clock;
        // Device tokens are signed with a key of their own (derived from the secret), and name another audience:
        // neither verifier of access or MFA tokens accepts one, and this one accepts neither of those.
        this.deviceAlgorithm = Algorithm.HMAC256(derivedKey(secret, "audmg-drive/device-token"));
        this.deviceVerifier = ((JWTVerifier.BaseVerification) JWT.require(deviceAlgorithm)
                .withIssuer(issuer)
                .withAudience(deviceAudience(audience))
                .withClaim(PURPOSE_CLAIM, DEVICE_PURPOSE)
                .withClaimPresence("sub")
                .withClaimPresence("exp")
                .withClaimPresence("iat")
                .withClaimPresence(USERNAME_CLAIM)
                .withClaimPresence(DEVICE_CLAIM)
                .withClaimPresence(GENERATION_CLAIM)
                .acceptLeeway(LEEWAY_SECONDS))
                .build(clock);
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

    /**
     * Who passed the password step of a login that needs a second factor, this token's id (its jti), and the
     * device id of the valid device token that login presented (null: none).
     */
    public record MfaPrincipal(String userId, String username, String tokenId, String deviceId) {
    }

    /**
     * A short-lived token for the one thing between password and second factor: {@code POST /auth/login/mfa}.
     * Not an access token (other audience, no session, a purpose claim).
     */
    public String issueMfaToken(String userId, String username, String deviceId) {
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(userId)
                .withIssuer(issuer)
                .withAudience(mfaAudience(audience))
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(mfaTtlSeconds))
                .withJWTId(UUID.randomUUID().toString())
                .withClaim(USERNAME_CLAIM, username)
                .withClaim(PURPOSE_CLAIM, MFA_PURPOSE)
                .withClaim(DEVICE_CLAIM, deviceId)
                .sign(algorithm);
    }

    /** As {@link #issueMfaToken(String, String, String)} for a login that presented no valid device token. */
    public String issueMfaToken(String userId, String username) {
        return issueMfaToken(userId, username, null);
    }

    private static String deviceAudience(String audience) {
        return audience + "#device";
    }

    private static byte[] derivedKey(String secret, String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** What a device token says: the account (id and name), the device's id and the account's device generation. */
    public record DevicePrincipal(String userId, String username, String deviceId, long generation) {
    }

    /**
     * A long-lived token that marks a client as one the owner logged in from (OWASP's "device cookie"): it
     * only changes which login budget a password attempt for this username counts against. It opens nothing:
     * no route takes it as a credential, and the access-token verifier refuses it (other key, other audience).
     */
    public String issueDeviceToken(String userId, String username, String deviceId, long generation) {
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(userId)
                .withIssuer(issuer)
                .withAudience(deviceAudience(audience))
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(deviceTtlSeconds))
                .withClaim(USERNAME_CLAIM, username)
                .withClaim(PURPOSE_CLAIM, DEVICE_PURPOSE)
                .withClaim(DEVICE_CLAIM, deviceId)
                .withClaim(GENERATION_CLAIM, generation)
                .sign(deviceAlgorithm);
    }

    /** A device token's content when it is ours, unexpired and well formed; else {@link InvalidTokenException}. */
    public DevicePrincipal verifyDeviceToken(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException();
        }
        try {
            DecodedJWT jwt = deviceVerifier.verify(token);
            String username = jwt.getClaim(USERNAME_CLAIM).asString();
            String deviceId = jwt.getClaim(DEVICE_CLAIM).asString();
            Long generation = jwt.getClaim(GENERATION_CLAIM).asLong();
            if (!Keys.isId(jwt.getSubject()) || username == null || !Keys.isId(deviceId) || generation == null) {
                throw new InvalidTokenException();
            }
            return new DevicePrincipal(jwt.getSubject(), username, deviceId, generation);
        } catch (JWTVerificationException | IllegalArgumentException e) {
            throw new InvalidTokenException();
        }
    }

    public long deviceTtlSeconds() {
        return deviceTtlSeconds;
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
            String deviceId = jwt.getClaim(DEVICE_CLAIM).asString();
            return new MfaPrincipal(jwt.getSubject(), username, jwt.getId(), Keys.isId(deviceId) ? deviceId : null);
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
