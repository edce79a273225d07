package com.audmg.drive.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.StructuredLog;

/**
 * The REST API TOKEN authorizer. A valid bearer token gets an Allow policy for the whole
 * stage and a context with userId and username; anything else gets the "Unauthorized"
 * error, which API Gateway answers with 401.
 */
public final class AuthValidator implements RequestHandler<APIGatewayCustomAuthorizerEvent, Map<String, Object>> {

    private final TokenService tokens;

    public AuthValidator() {
        this(Wiring.shared().tokens());
    }

    public AuthValidator(TokenService tokens) {
        this.tokens = tokens;
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
            resource = Policies.stageWildcard(methodArn);
        } catch (TokenService.InvalidTokenException | IllegalArgumentException e) {
            StructuredLog.request(requestId, function, "authorizer", null, 401, elapsedMs(start), "unauthorized");
            throw new RuntimeException("Unauthorized");
        }
        Map<String, Object> authorizerContext = new LinkedHashMap<>();
        authorizerContext.put("userId", principal.userId());
        authorizerContext.put("username", principal.username());
        StructuredLog.request(requestId, function, "authorizer", principal.userId(), 200, elapsedMs(start), null);
        return Policies.allow(principal.userId(), resource, authorizerContext);
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
