package com.audmg.drive.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The media pipeline's fields in file records: old records still read, results round-trip, search uses tags. */
class FileRecordProcessingTest {

    /** A record exactly as the release before the pipeline stored it (no processing anywhere). */
    static final String OLD = "{\"id\":\"01k8h0rl64fjta4bnb8cj5t0a5\",\"name\":\"song.flac\",\"contentType\":\"audio/flac\","
            + "\"kind\":\"audio\",\"size\":1000,\"createdAt\":\"2026-11-01T10:00:00Z\",\"updatedAt\":\"2026-11-01T10:00:00Z\","
            + "\"status\":\"ready\",\"version\":1,\"thumbnailUrl\":null,\"media\":null,\"versions\":[{\"versionId\":"
            + "\"01k8h0rl64fjta4bnb8cj5t0a5\",\"number\":1,\"objectId\":\"01k8h0rl64fjta4bnb8cj5t0a5\",\"size\":1000,"
            + "\"contentType\":\"audio/flac\",\"createdAt\":\"2026-11-01T10:00:00Z\"}]}";

    @Test
    void recordsWrittenBeforeThePipelineReadAsPending() throws Exception {
        FileRecord old = FileRecord.fromJson(Json.MAPPER.readTree(OLD));
        assertNull(old.processing());
        JsonNode api = old.toApiJson();
        assertEquals("pending", api.get("processing").asText());
        assertTrue(api.get("media").isNull());
        assertTrue(api.get("thumbnailUrl").isNull());
        assertFalse(api.has("processingError"));
    }

    @Test
    void resultsRoundTripAndFollowTheObjectNotTheVersion() throws Exception {
        FileRecord old = FileRecord.fromJson(Json.MAPPER.readTree(OLD));
        ObjectNode media = Json.object().put("title", "Night Drive").put("artist", "Kavinsky").put("album", "OutRun");
        FileRecord.Processing done = FileRecord.Processing.done(media, List.of("waveform.json", "playable.wav"),
                Instant.parse("2026-11-28T12:00:00Z"));
        FileRecord processed = old.withProcessing("01k8h0rl64fjta4bnb8cj5t0a5", done);
        FileRecord read = FileRecord.fromJson(processed.toJson());
        assertEquals("done", read.processing().status());
        assertEquals(List.of("waveform.json", "playable.wav"), read.processing().derived());
        assertEquals("Kavinsky", read.processing().media().get("artist").asText());
        // Another object's result does not land on this file's version.
        FileRecord other = old.withProcessing("01k8h0rl64fjta4bnb8cj5zzzz", done);
        assertNull(other.processing());
        assertTrue(read.matchesText("kavin"));
        assertTrue(read.matchesText("outrun"));
        assertTrue(read.matchesText("song"));
        assertFalse(read.matchesText("nothing"));
        FileRecord failed = old.withProcessing("01k8h0rl64fjta4bnb8cj5t0a5",
                FileRecord.Processing.failed("the audio data is corrupt", Instant.now()));
        assertEquals("the audio data is corrupt", FileRecord.fromJson(failed.toJson()).toApiJson().get("processingError").asText());
    }
}
