package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Events;
import com.fasterxml.jackson.databind.JsonNode;

class StructuredLogTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        StructuredLog.redirect(System.out);
    }

    @Test
    void apiHandler_shouldWriteOneJsonLinePerRequest_withoutSecrets() throws Exception {
        StructuredLog.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ApiHandler handler = new ApiHandler() {
            @Override
            protected APIGatewayProxyResponseEvent handle(ApiRequest request) {
                request.userId("user-7");
                throw new ApiException(409, "username_taken", "username is taken");
            }
        };

        handler.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .bearer("secret-token-value").body("{\"password\":\"hunter2hunter2\"}").build(), null);

        String[] lines = captured.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(1, lines.length);
        JsonNode line = Json.MAPPER.readTree(lines[0]);
        assertEquals("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", line.get("requestId").asText());
        assertEquals("POST /auth/signup", line.get("route").asText());
        assertEquals("user-7", line.get("userId").asText());
        assertEquals(409, line.get("status").asInt());
        assertTrue(line.get("latencyMs").isIntegralNumber());
        assertTrue(line.has("function"));
        assertFalse(lines[0].contains("secret-token-value"));
        assertFalse(lines[0].contains("hunter2"));
    }

    @Test
    void apiHandler_shouldAnswer500WithoutDetails_whenUnexpectedFailure() throws Exception {
        StructuredLog.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ApiHandler handler = new ApiHandler() {
            @Override
            protected APIGatewayProxyResponseEvent handle(ApiRequest request) {
                throw new IllegalStateException("database password is 1234");
            }
        };

        APIGatewayProxyResponseEvent response = handler.handleRequest(
                Events.request("GET", "/me", "/me").build(), null);

        assertEquals(500, response.getStatusCode());
        assertFalse(response.getBody().contains("1234"));
        assertEquals("internal_error", Json.MAPPER.readTree(response.getBody()).get("error").get("code").asText());
    }

    @Test
    void metric_shouldBeEmbeddedMetricFormat() throws Exception {
        StructuredLog.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));

        StructuredLog.metric("Uploads", 1, "Count");

        JsonNode line = Json.MAPPER.readTree(captured.toString(StandardCharsets.UTF_8));
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("AudmgDrive", directive.get("Namespace").asText());
        assertEquals("Uploads", directive.get("Metrics").get(0).get("Name").asText());
        assertEquals("service", directive.get("Dimensions").get(0).get(0).asText());
        assertEquals(1.0, line.get("Uploads").asDouble());
        assertTrue(line.get("_aws").get("Timestamp").isIntegralNumber());
    }
}
