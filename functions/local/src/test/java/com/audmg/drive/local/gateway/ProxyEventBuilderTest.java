package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.audmg.drive.local.TestFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyEventBuilderTest {
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode sample() throws Exception {
        return json.readTree(Files.readString(TestFixtures.resource("apigateway-rest-proxy-event.json")));
    }

    private ObjectNode build(byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Accept", List.of("application/json"));
        headers.put("Authorization", List.of("allow-alice"));
        headers.put("Host", List.of("1234567890.execute-api.us-east-1.amazonaws.com"));
        headers.put("User-Agent", List.of("Custom User Agent String"));
        Map<String, Object> authorizer = new LinkedHashMap<>();
        authorizer.put("principalId", "alice");
        authorizer.put("user", "alice");
        authorizer.put("integrationLatency", 0);
        ProxyRequest request = new ProxyRequest("GET", "/items/{id}", "/items/42", headers, "foo=bar",
                Map.of("id", "42"), body, "127.0.0.1", authorizer);
        return new ProxyEventBuilder(json, "123456789012", "1234567890", "prod",
                "1234567890.execute-api.us-east-1.amazonaws.com")
                .create(request, Instant.ofEpochMilli(1428582896000L), "c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    }

    @Test
    void create_shouldMatchAwsSampleEvent_fieldForField() throws Exception {
        // GIVEN the request AWS's sample event describes WHEN built locally
        ObjectNode event = build(new byte[0]);
        JsonNode sample = sample();

        // THEN the same fields in the same order, and the same values except generated ids
        assertEquals(fieldPaths(sample), fieldPaths(event));
        ObjectNode expected = sample.deepCopy();
        ObjectNode actualCopy = event.deepCopy();
        for (ObjectNode n : List.of(expected, actualCopy)) {
            ObjectNode ctx = (ObjectNode) n.get("requestContext");
            ctx.remove("resourceId");
            ctx.remove("extendedRequestId");
        }
        assertEquals(expected, actualCopy);
    }

    @Test
    void create_shouldSurviveTheLambdaRuntimeSerializationRoundTrip() throws Exception {
        ObjectNode event = build("{\"a\":1}".getBytes());
        PojoSerializer<APIGatewayProxyRequestEvent> serializer =
                LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class, getClass().getClassLoader());

        APIGatewayProxyRequestEvent typed = serializer.fromJson(json.writeValueAsString(event));
        assertEquals("/items/{id}", typed.getResource());
        assertEquals("42", typed.getPathParameters().get("id"));
        assertEquals("alice", typed.getRequestContext().getAuthorizer().get("principalId"));
        assertEquals(1428582896000L, typed.getRequestContext().getRequestTimeEpoch());
        assertEquals("127.0.0.1", typed.getRequestContext().getIdentity().getSourceIp());
        assertEquals(List.of("bar"), typed.getMultiValueQueryStringParameters().get("foo"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.toJson(typed, out);
        JsonNode back = json.readTree(out.toByteArray());
        for (String field : List.of("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "body",
                "isBase64Encoded")) {
            assertEquals(event.get(field), back.get(field), field);
        }
        for (String field : List.of("resourcePath", "httpMethod", "path", "accountId", "protocol", "stage",
                "requestId", "apiId", "requestTimeEpoch", "authorizer")) {
            assertEquals(event.get("requestContext").get(field), back.get("requestContext").get(field), field);
        }
    }

    @Test
    void create_shouldBase64EncodeBinaryBodies_andParseMultiValueQueries() {
        ObjectNode event = build(new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff});
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertEquals("iVBOR/8=", event.get("body").asText());
        Map<String, List<String>> q = ProxyEventBuilder.parseQuery("a=1&a=2&b=x%20y&c");
        assertEquals(List.of("1", "2"), q.get("a"));
        assertEquals(List.of("x y"), q.get("b"));
        assertEquals(List.of(""), q.get("c"));
        assertFalse(build("text".getBytes()).get("isBase64Encoded").asBoolean());
    }

    private static List<String> fieldPaths(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect("", node, out);
        return out;
    }

    private static void collect(String prefix, JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(prefix + e.getKey());
                collect(prefix + e.getKey() + ".", e.getValue(), out);
            }
        }
    }
}
