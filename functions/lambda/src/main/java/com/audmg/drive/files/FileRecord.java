package com.audmg.drive.files;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.audmg.drive.platform.Json;

/** A file of a user, as kept in the index and as returned by the API ({@code File}). */
public record FileRecord(String id, String name, String contentType, String kind, long size,
                         Instant createdAt, String status) {

    public static final String PENDING = "pending";
    public static final String READY = "ready";
    /** A pending upload given up (cancelled, or refused on complete); never listed or completed. */
    public static final String CANCELLED = "cancelled";

    public FileRecord withStatus(String newStatus) {
        return new FileRecord(id, name, contentType, kind, size, createdAt, newStatus);
    }

    public boolean isReady() {
        return READY.equals(status);
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("name", name);
        node.put("contentType", contentType);
        node.put("kind", kind);
        node.put("size", size);
        node.put("createdAt", createdAt.toString());
        node.put("status", status);
        return node;
    }

    public static FileRecord fromJson(JsonNode node) {
        return new FileRecord(node.path("id").asText(), node.path("name").asText(),
                node.path("contentType").asText(), node.path("kind").asText(), node.path("size").asLong(),
                Instant.parse(node.path("createdAt").asText()), node.path("status").asText());
    }
}
