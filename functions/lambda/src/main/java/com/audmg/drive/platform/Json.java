package com.audmg.drive.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one shared Jackson mapper and helpers for reading request bodies strictly. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body that must be a JSON object; anything else is a 400. */
    public static JsonNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidRequest("body", "request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidRequest("body", "request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidRequest("body", "request body must be a JSON object");
        }
        return node;
    }

    public static String requiredString(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest(field, "field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiException.invalidRequest(field, "field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    /** A string field that may be absent or null (then null); anything else but a string is refused. */
    public static String optionalString(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : requiredString(body, field);
    }

    public static long requiredPositiveLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest(field, "field '" + field + "' is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalidRequest(field, "field '" + field + "' must be a positive integer");
        }
        long result = value.longValue();
        if (result <= 0) {
            throw ApiException.invalidRequest(field, "field '" + field + "' must be a positive integer");
        }
        return result;
    }
}
