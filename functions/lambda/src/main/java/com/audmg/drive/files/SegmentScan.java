package com.audmg.drive.files;

import java.io.IOException;
import java.util.Optional;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Finds one record in a segment document ({@code {"files":[{...},...]}}) without building the
 * others: each record is skipped token by token unless its {@code id} is the one wanted. Records
 * are written with {@code id} first; one that is not is read whole and compared.
 */
final class SegmentScan {

    private SegmentScan() {
    }

    static Optional<JsonNode> find(byte[] segment, String fileId) throws IOException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(segment)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a segment is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"files".equals(field) || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    Optional<JsonNode> match = matchRecord(parser, fileId);
                    if (match.isPresent()) {
                        return match;
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** The number under {@code name} in a flat JSON object of numbers (a legacy locator), without building it. */
    static java.util.OptionalLong number(byte[] object, String name) throws IOException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(object)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a locator is a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                boolean wanted = name.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (wanted && value == JsonToken.VALUE_NUMBER_INT) {
                    return java.util.OptionalLong.of(parser.getLongValue());
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT) {
                throw new IOException("a locator ends early");
            }
            return java.util.OptionalLong.empty();
        }
    }

    /** With the parser on a record's START_OBJECT: the record if it is the one, else empty with the record skipped. */
    private static Optional<JsonNode> matchRecord(JsonParser parser, String fileId) throws IOException {
        ObjectNode node = Json.object();
        JsonToken token = parser.nextToken();
        if (token == JsonToken.FIELD_NAME && "id".equals(parser.currentName())) {
            if (parser.nextToken() == JsonToken.VALUE_STRING && !fileId.equals(parser.getText())) {
                skipRestOfObject(parser);
                return Optional.empty();
            }
            node.set("id", Json.MAPPER.readTree(parser));
            token = parser.nextToken();
        }
        // The wanted record, or one not written id-first: read (the rest of) it whole.
        while (token == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            node.set(name, Json.MAPPER.readTree(parser));
            token = parser.nextToken();
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("a segment ends inside a record");
        }
        return fileId.equals(node.path("id").asText(null)) ? Optional.of(node) : Optional.empty();
    }

    private static void skipRestOfObject(JsonParser parser) throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                parser.skipChildren();
            } else if (token == null) {
                throw new IOException("a segment ends inside a record");
            }
        }
    }
}
