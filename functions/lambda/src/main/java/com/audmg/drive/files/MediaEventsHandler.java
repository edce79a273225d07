package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code mediaEvents}: subscribed to the media events topic, turns each event (an upload completed,
 * a processing failure) into a structured log line and a CloudWatch metric ({@code UploadsCompleted},
 * {@code ProcessingFailures}) that an alarm can watch. Needs no AWS access besides its logs.
 */
public final class MediaEventsHandler implements RequestHandler<SNSEvent, Void> {

    @Override
    public Void handleRequest(SNSEvent event, Context context) {
        if (event == null || event.getRecords() == null) {
            return null;
        }
        for (SNSEvent.SNSRecord record : event.getRecords()) {
            String message = record.getSNS() == null ? null : record.getSNS().getMessage();
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(message == null ? "" : message);
            } catch (Exception e) {
                json = null;
            }
            if (json == null || !json.isObject()) {
                StructuredLog.warn("media event that is not JSON: " + (message == null ? "null"
                        : message.substring(0, Math.min(200, message.length()))));
                continue;
            }
            String outcome = json.path("outcome").asText();
            com.fasterxml.jackson.databind.node.ObjectNode fields = Json.object();
            for (String field : new String[] {"userId", "fileId", "objectId", "kind", "outcome", "reason"}) {
                if (json.hasNonNull(field)) {
                    fields.put(field, json.get(field).asText());
                }
            }
            fields.put("snsMessageId", record.getSNS().getMessageId());
            StructuredLog.event("failed".equals(outcome) ? "WARN" : "INFO", "media-event", fields);
            StructuredLog.metric("failed".equals(outcome) ? "ProcessingFailures" : "UploadsCompleted", 1, "Count");
        }
        return null;
    }
}
