package com.audmg.drive.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

class AuthValidatorTest {

    private static TestCloud cloud;
    private static Wiring wiring;
    private static AuthValidator validator;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        wiring = cloud.wiring(Map.of());
        validator = new AuthValidator(wiring.tokens(), wiring.sessions());
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void handleRequest_shouldAllowWholeStage_withUserContext_whenTokenValid() throws Exception {
        String userId = Keys.newId();
        SessionService.Tokens session = wiring.sessions().start(userId, "alice", "test");
        APIGatewayCustomAuthorizerEvent event = sampleEvent("Bearer " + session.token());

        Map<String, Object> response = validator.handleRequest(event, null);

        JsonNode actual = Json.MAPPER.readTree(Json.write(response));
        JsonNode expected = Json.MAPPER.readTree("""
                {"principalId":"%1$s",
                 "policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke",
                   "Effect":"Allow","Resource":["arn:aws:execute-api:us-east-1:123456789012:example/prod/*/*"]}]},
                 "context":{"userId":"%1$s","username":"alice","sessionId":"%2$s","expiresAt":%3$d}}"""
                .formatted(userId, session.sessionId(),
                        com.auth0.jwt.JWT.decode(session.token()).getExpiresAtAsInstant().getEpochSecond()));
        assertEquals(expected, actual);
    }

    @Test
    void handleRequest_shouldThrowUnauthorized_whenTokenMissingOrInvalid() {
        String validButBare = wiring.sessions().start(Keys.newId(), "bob", "test").token();
        for (String header : new String[] {null, "", "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", validButBare}) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> validator.handleRequest(sampleEvent(header), null));
            assertEquals("Unauthorized", e.getMessage());
        }
    }

    @Test
    void handleRequest_shouldThrowUnauthorized_whenSessionRevokedOrNeverExisted() {
        String userId = Keys.newId();
        SessionService.Tokens session = wiring.sessions().start(userId, "carol", "test");
        validator.handleRequest(sampleEvent("Bearer " + session.token()), null);
        String unknownSession = wiring.tokens().issue(userId, "carol", Keys.newTimeId(java.time.Instant.now())).token();

        wiring.sessions().revoke(userId, session.sessionId());

        for (String token : new String[] {session.token(), unknownSession}) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> validator.handleRequest(sampleEvent("Bearer " + token), null));
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
