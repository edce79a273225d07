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
 * one S3 GET per request. Client-supplied user ids are never read.
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
                    && context.get("sessionId") instanceof String sessionId && Keys.isId(sessionId)) {
                principal = new TokenService.Principal(id, name, sessionId);
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
}
