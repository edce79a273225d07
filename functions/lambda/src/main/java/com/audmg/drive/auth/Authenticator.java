package com.audmg.drive.auth;

import java.util.Map;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Keys;

/**
 * Who is calling: the authorizer context API Gateway attached when present, otherwise the
 * bearer token verified here (LocalStack's community REST API does not run authorizers).
 * Either way the caller's session must still be live: API Gateway caches the authorizer's Allow
 * for minutes, and a revoked session or a deleted account must stop working at once. That costs
 * one S3 GET per request. A token that expired while the gateway still caches its Allow is refused
 * too (the authorizer passes the token's expiry in its context). Client-supplied user ids are never read.
 */
public final class Authenticator {

    private final TokenService tokens;
    private final SessionService sessions;

    public Authenticator(TokenService tokens, SessionService sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    public TokenService.Principal authenticate(ApiRequest request) {
        Map<String, Object> context = request.authorizerContext();
        TokenService.Principal principal;
        try {
            if (context.get("userId") instanceof String id && Keys.isId(id)
                    && context.get("username") instanceof String name
                    && context.get("sessionId") instanceof String sessionId && Keys.isId(sessionId)
                    && expiresAt(context.get("expiresAt")) != null) {
                principal = new TokenService.Principal(id, name, sessionId, expiresAt(context.get("expiresAt")));
                // API Gateway may answer from its authorizer cache after the token expired.
                if (tokens.expired(principal.expiresAt())) {
                    throw new TokenService.InvalidTokenException();
                }
            } else {
                principal = tokens.verify(TokenService.bearerToken(request.header("Authorization").orElse(null)));
            }
            sessions.requireLive(principal);
        } catch (TokenService.InvalidTokenException e) {
            throw ApiException.unauthorized();
        }
        request.userId(principal.userId());
        return principal;
    }

    /** The authorizer context's values arrive as strings (API Gateway) or numbers (tests, the local cloud). */
    private static java.time.Instant expiresAt(Object value) {
        try {
            if (value instanceof Number n) {
                return java.time.Instant.ofEpochSecond(n.longValue());
            }
            if (value instanceof String s) {
                return java.time.Instant.ofEpochSecond(Long.parseLong(s.trim()));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
