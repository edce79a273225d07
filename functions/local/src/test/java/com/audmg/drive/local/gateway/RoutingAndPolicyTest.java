package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.config.HttpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingAndPolicyTest {
    private static final String ARN = "arn:aws:execute-api:eu-west-1:000000000000:abc/local/GET/files/42";

    private final RouteTable routes = new RouteTable(List.of(
            new HttpRoute("getFile", "GET", "/files/{id}", true, null),
            new HttpRoute("special", "GET", "/files/special", false, null),
            new HttpRoute("complete", "POST", "/files/{id}/complete", true, null),
            new HttpRoute("proxy", "ANY", "/raw/{path+}", false, null)));

    @Test
    void match_shouldPreferLiteralSegments_andExtractParameters() {
        assertEquals("special", routes.match("GET", "/files/special").orElseThrow().route().functionName());
        RouteTable.Match m = routes.match("GET", "/files/a%2Fb").orElseThrow();
        assertEquals("getFile", m.route().functionName());
        assertEquals(Map.of("id", "a/b"), m.pathParameters());
        assertEquals(Map.of("id", "x"), routes.match("POST", "/files/x/complete").orElseThrow().pathParameters());
        assertEquals(Map.of("path", "a/b/c"), routes.match("DELETE", "/raw/a/b/c").orElseThrow().pathParameters());
        assertTrue(routes.match("DELETE", "/files/x").isEmpty());
        assertTrue(routes.match("GET", "/files").isEmpty());
        assertEquals(List.of("GET"), routes.corsMethods("/files/x"));
        assertTrue(routes.corsMethods("/files/x/complete").contains("POST"));
    }

    @Test
    void allows_shouldHonourWildcardsArraysAndExplicitDeny() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode allowStage = json.readTree("{\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:execute-api:eu-west-1:000000000000:abc/local/*\"}]}");
        assertTrue(AuthorizerPolicy.allows(allowStage, ARN));
        JsonNode single = json.readTree("{\"Statement\":{\"Action\":[\"execute-api:Invoke\"],\"Effect\":\"Allow\","
                + "\"Resource\":[\"arn:aws:execute-api:*:*:abc/local/GET/files/*\"]}}");
        assertTrue(AuthorizerPolicy.allows(single, ARN));
        assertFalse(AuthorizerPolicy.allows(single, ARN.replace("/GET/", "/DELETE/")));
        JsonNode denyWins = json.readTree("{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Resource\":\"*\"},"
                + "{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Deny\",\"Resource\":\"" + ARN + "\"}]}");
        assertFalse(AuthorizerPolicy.allows(denyWins, ARN));
        assertFalse(AuthorizerPolicy.allows(json.readTree("{}"), ARN));
        JsonNode otherAction = json.readTree("{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\","
                + "\"Resource\":\"*\"}]}");
        assertFalse(AuthorizerPolicy.allows(otherAction, ARN));
    }
}
