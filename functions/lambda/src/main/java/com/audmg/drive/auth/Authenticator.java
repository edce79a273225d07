package com.audmg.drive.auth;

import java.util.Map;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.ApiRequest;

/**
 * Who is calling: the authorizer context API Gateway attached when present, otherwise the
 * bearer token verified here (LocalStack's community REST API does not run authorizers).
 * Client-supplied user ids are never read.
 */
public final class Authenticator {

    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = tokens;
    }

    public TokenService.Principal authenticate(ApiRequest request) {
        Map<String, Object> context = request.authorizerContext();
        Object userId = context.get("userId");
        Object username = context.get("username");
        TokenService.Principal principal;
        if (userId instanceof String id && !id.isBlank() && username instanceof String name) {
            principal = new TokenService.Principal(id, name);
        } else {
            try {
                principal = tokens.verify(TokenService.bearerToken(request.header("Authorization").orElse(null)));
            } catch (TokenService.InvalidTokenException e) {
                throw ApiException.unauthorized();
            }
        }
        request.userId(principal.userId());
        return principal;
    }
}
