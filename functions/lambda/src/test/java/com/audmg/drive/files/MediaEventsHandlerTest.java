package com.audmg.drive.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;

class MediaEventsHandlerTest {

    @AfterEach
    void restore() {
        StructuredLog.redirect(System.out);
    }

    static SNSEvent.SNSRecord record(String message) {
        SNSEvent.SNS sns = new SNSEvent.SNS();
        sns.setMessage(message);
        sns.setMessageId("m-" + message.hashCode());
        sns.setTopicArn("arn:aws:sns:us-east-1:000000000000:audmg-drive-local-media-events");
        SNSEvent.SNSRecord record = new SNSEvent.SNSRecord();
        record.setSns(sns);
        return record;
    }

    @Test
    void eachEventBecomesALogLineAndAMetric() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StructuredLog.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
        SNSEvent event = new SNSEvent();
        event.setRecords(List.of(
                record("{\"type\":\"upload.completed\",\"userId\":\"u\",\"fileId\":\"f1\",\"kind\":\"image\",\"outcome\":\"completed\"}"),
                record("{\"type\":\"processing.failed\",\"userId\":\"u\",\"fileId\":\"f2\",\"kind\":\"audio\",\"outcome\":\"failed\","
                        + "\"reason\":\"the audio data is corrupt\"}"),
                record("not json")));
        new MediaEventsHandler().handleRequest(event, null);
        List<JsonNode> lines = out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        JsonNode failed = lines.stream().filter(l -> "f2".equals(l.path("fileId").asText())).findFirst().orElseThrow();
        assertEquals("WARN", failed.get("level").asText());
        assertEquals("media-event", failed.get("type").asText());
        assertEquals("the audio data is corrupt", failed.get("reason").asText());
        assertEquals("INFO", lines.stream().filter(l -> "f1".equals(l.path("fileId").asText())).findFirst().orElseThrow()
                .get("level").asText());
        assertTrue(lines.stream().anyMatch(l -> l.has("ProcessingFailures")));
        assertTrue(lines.stream().anyMatch(l -> l.has("UploadsCompleted")));
        assertTrue(lines.stream().anyMatch(l -> l.path("message").asText().contains("not JSON")));
    }
}
