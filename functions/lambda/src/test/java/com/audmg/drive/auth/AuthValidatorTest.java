package com.audmg.drive.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;

class AuthValidatorTest {

    private final TokenService tokens = new TokenService("0123456789abcdef0123456789abcdef-secret",
            "iss", "aud", 3600, Clock.systemUTC());
    private final AuthValidator validator = new AuthValidator(tokens);

    @Test
    void handleRequest_shouldAllowWholeStage_withUserContext_whenTokenValid() throws Exception {
        APIGatewayCustomAuthorizerEvent event = sampleEvent("Bearer " + tokens.issue("user-1", "alice").token());

        Map<String, Object> response = validator.handleRequest(event, null);

        JsonNode actual = Json.MAPPER.readTree(Json.write(response));
        JsonNode expected = Json.MAPPER.readTree("""
                {"principalId":"user-1",
                 "policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke",
                   "Effect":"Allow","Resource":["arn:aws:execute-api:us-east-1:123456789012:example/prod/*/*"]}]},
                 "context":{"userId":"user-1","username":"alice"}}""");
        assertEquals(expected, actual);
    }

    @Test
    void handleRequest_shouldThrowUnauthorized_whenTokenMissingOrInvalid() {
        for (String header : new String[] {null, "", "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz",
                tokens.issue("user-1", "alice").token()}) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> validator.handleRequest(sampleEvent(header), null));
            assertEquals("Unauthorized", e.getMessage());
        }
    }

    @Test
    void stageWildcard_shouldCoverAllMethodsAndPathsOfTheStage() {
        assertEquals("arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/*/*",
                Policies.stageWildcard("arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/files/abc"));
        assertEquals("arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/*/*",
                Policies.stageWildcard("arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/DELETE/files/{id}"));
        assertThrows(IllegalArgumentException.class, () -> Policies.stageWildcard("arn:aws:s3:::bucket"));
        assertThrows(IllegalArgumentException.class, () -> Policies.stageWildcard(null));
    }

    private static APIGatewayCustomAuthorizerEvent sampleEvent(String authorization) {
        APIGatewayCustomAuthorizerEvent event = EventLoader.loadAPIGatewayCustomAuthorizerEvent(
                "events/apigw-token-authorizer.json");
        event.setAuthorizationToken(authorization);
        return event;
    }
}
