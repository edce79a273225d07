package com.audmg.drive.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.StructuredLog;

/**
 * The REST API TOKEN authorizer. A valid bearer token of a live session gets an Allow policy for
 * the whole stage and a context with userId, username and sessionId; anything else (a revoked
 * session, a deleted account) gets the "Unauthorized" error, which API Gateway answers with 401.
 * API Gateway caches the answer per token (300 s): the handlers check the session themselves too.
 */
public final class AuthValidator implements RequestHandler<APIGatewayCustomAuthorizerEvent, Map<String, Object>> {

    private final TokenService tokens;
    private final SessionService sessions;

    public AuthValidator() {
        this(Wiring.shared().tokens(), Wiring.shared().sessions());
    }

    public AuthValidator(TokenService tokens, SessionService sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public Map<String, Object> handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        long start = System.nanoTime();
        String requestId = context == null ? null : context.getAwsRequestId();
        String function = context == null || context.getFunctionName() == null
                ? "AuthValidator" : context.getFunctionName();
        String methodArn = event == null ? null : event.getMethodArn();
        TokenService.Principal principal;
        String resource;
        try {
            principal = tokens.verify(TokenService.bearerToken(event == null ? null : event.getAuthorizationToken()));
            sessions.requireLive(principal);
            resource = Policies.stageWildcard(methodArn);
        } catch (TokenService.InvalidTokenException | IllegalArgumentException e) {
            StructuredLog.request(requestId, function, "authorizer", null, 401, elapsedMs(start), "unauthorized");
            throw new RuntimeException("Unauthorized");
        }
        Map<String, Object> authorizerContext = new LinkedHashMap<>();
        authorizerContext.put("userId", principal.userId());
        authorizerContext.put("username", principal.username());
        authorizerContext.put("sessionId", principal.sessionId());
        // The gateway caches this answer for minutes: the handlers refuse the token once it has expired.
        authorizerContext.put("expiresAt", principal.expiresAt().getEpochSecond());
        StructuredLog.request(requestId, function, "authorizer", principal.userId(), 200, elapsedMs(start), null);
        return Policies.allow(principal.userId(), resource, authorizerContext);
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
