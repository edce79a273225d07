package com.audmg.drive.media;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code processMedia}: consumes the media queue, whose messages are S3 event notifications of new
 * objects in the media bucket, and processes each uploaded object ({@link MediaService}). Answers
 * a partial batch response: only the messages that failed are received again (and after the
 * queue's maxReceiveCount go to its dead-letter queue). Messages that name no upload (S3's test
 * event, other buckets, keys that are not {@code <userId>/<objectId>}) are dropped.
 */
public final class ProcessMediaHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    public static final long DEFAULT_MAX_BYTES = 1_073_741_824L;
    public static final int DEFAULT_MAX_RECEIVES = 3;

    private final MediaService media;
    private final String mediaBucket;

    public ProcessMediaHandler() {
        this(Wiring.shared(), System.getenv(), Clock.systemUTC());
    }

    public ProcessMediaHandler(Wiring wiring, Map<String, String> env, Clock clock) {
        this.mediaBucket = wiring.config().mediaBucket();
        this.media = mediaService(wiring, env, clock);
    }

    /** The processing service from the functions' wiring and the MEDIA_* settings. */
    static MediaService mediaService(Wiring wiring, Map<String, String> env, Clock clock) {
        String derived = wiring.pipeline().derivedBucket()
                .orElseThrow(() -> new IllegalStateException("DERIVED_BUCKET must be set"));
        return new MediaService(wiring.fileService(), wiring.releaser(), wiring.s3(),
                new MediaService.Settings(wiring.config().mediaBucket(), derived,
                        longSetting(env, "MEDIA_MAX_BYTES", DEFAULT_MAX_BYTES),
                        (int) longSetting(env, "MEDIA_MAX_RECEIVES", DEFAULT_MAX_RECEIVES),
                        Path.of(Optional.ofNullable(env.get("MEDIA_WORK_DIR")).orElse(System.getProperty("java.io.tmpdir")))),
                clock);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        String requestId = context == null ? "" : context.getAwsRequestId();
        for (SQSEvent.SQSMessage message : event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
            long started = System.nanoTime();
            StructuredLog.beginRequest();
            StructuredLog.annotate("messageId", message.getMessageId());
            boolean failed = false;
            String userId = null;
            try {
                int receives = receiveCount(message);
                for (String[] target : targets(message.getBody())) {
                    userId = target[0];
                    if (media.process(target[0], target[1], receives) == MediaService.Outcome.RETRY) {
                        failed = true;
                    }
                }
            } catch (RuntimeException e) {
                StructuredLog.error(requestId, "processMedia", e);
                failed = true;
            }
            if (failed) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
            StructuredLog.request(requestId, "processMedia", "sqs", userId, failed ? 500 : 200,
                    (System.nanoTime() - started) / 1_000_000, failed ? "processing_failed" : null);
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** The uploads a message names: {@code [userId, objectId]} of each ObjectCreated record in the media bucket. */
    List<String[]> targets(String body) {
        List<String[]> targets = new ArrayList<>();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            StructuredLog.annotate("dropped", "not JSON");
            return targets;
        }
        if (root == null || "s3:TestEvent".equals(root.path("Event").asText())) {
            StructuredLog.annotate("dropped", "s3:TestEvent");
            return targets;
        }
        for (JsonNode record : root.path("Records")) {
            if (!"aws:s3".equals(record.path("eventSource").asText())
                    || !record.path("eventName").asText().startsWith("ObjectCreated:")) {
                continue;
            }
            String bucket = record.path("s3").path("bucket").path("name").asText();
            if (!mediaBucket.equals(bucket)) {
                StructuredLog.annotate("dropped", "bucket " + bucket);
                continue;
            }
            // S3 form-encodes keys in events (a space as '+').
            String key = URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
            Keys.parseMedia(key).ifPresentOrElse(targets::add, () -> StructuredLog.annotate("dropped", "key"));
        }
        return targets;
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        try {
            return attributes == null ? 1 : Integer.parseInt(attributes.getOrDefault("ApproximateReceiveCount", "1"));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static long longSetting(Map<String, String> env, String name, long defaultValue) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a positive integer, got '" + raw + "'");
        }
    }
}
