package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.lambda.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/** Event deliveries are not lost when their target is briefly busy or not started yet. */
class DeliveriesTest {
    @TempDir
    Path dir;

    @Test
    void toFunction_shouldRetryTwice_asLambdasAsynchronousInvocationsDo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SqsEventSourceMapping.Invoker busyTwice = (function, event, wait) -> {
            if (calls.incrementAndGet() <= 2) {
                return InvocationResult.error("{\"errorMessage\":\"busy\"}");
            }
            return InvocationResult.success("{}".getBytes(StandardCharsets.UTF_8));
        };
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000", null);
             Deliveries deliveries = new Deliveries(sqs, busyTwice, Map.of("fn", 3), dir.resolve("outbox"), null, null)) {
            deliveries.toFunction("fn", "{}".getBytes(StandardCharsets.UTF_8), "test");
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (deliveries.pending() > 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(0, deliveries.pending());
        }
        assertEquals(3, calls.get(), "failed twice, delivered on the last of Lambda's two retries");
    }

    @Test
    void toQueue_shouldHoldAMessage_untilTheQueueRuns() throws Exception {
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000", null);
             Deliveries deliveries = new Deliveries(sqs, (f, e, w) -> null, Map.of(), dir.resolve("outbox"), null, null)) {
            sqs.region("eu-west-1");
            // Sent while ElasticMQ is not even started: retried until it runs.
            deliveries.toQueue("later", "{\"Records\":[]}", Map.of(), "test");
            Thread.sleep(300);
            assertEquals(1, deliveries.pending());
            sqs.startBackend(null);
            sqs.open("KEY", "secret", List.of(new Messaging.Queue("Later", "later", null, null, null, null, null,
                    null, 0)));
            List<Message> got = List.of();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (got.isEmpty() && System.nanoTime() < until) {
                got = sqs.client().receiveMessage(b -> b.queueUrl(sqs.internalUrl("later")).waitTimeSeconds(1))
                        .messages();
            }
            assertEquals(1, got.size());
            assertEquals("{\"Records\":[]}", got.get(0).body());
            // The sender counts the delivery done once SendMessage has returned, which may be after the receive.
            long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (deliveries.pending() > 0 && System.nanoTime() < settle) {
                Thread.sleep(20);
            }
            assertEquals(0, deliveries.pending());
        }
    }

    @Test
    void toQueue_shouldDeliverAtTheNextStart_whatWasPendingWhenItStopped() throws Exception {
        Path journal = dir.resolve("events").resolve("pending");
        // GIVEN a delivery to a queue that never ran before the stop (an upload just before it)
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000", null);
             Deliveries deliveries = new Deliveries(sqs, (f, e, w) -> null, Map.of(), dir.resolve("outbox"), journal,
                     null)) {
            deliveries.toQueue("later", "{\"Records\":[1]}", Map.of("origin", MessageAttributeValue.builder()
                    .dataType("String").stringValue("s3").build()), "test");
            assertEquals(1, deliveries.pending());
        }
        List<Path> kept;
        try (Stream<Path> files = Files.list(journal)) {
            kept = files.toList();
        }
        assertEquals(1, kept.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.get(0))));

        // WHEN the next start replays the journal
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000", null);
             Deliveries deliveries = new Deliveries(sqs, (f, e, w) -> null, Map.of(), dir.resolve("outbox"), journal,
                     null)) {
            sqs.region("eu-west-1");
            sqs.startBackend(null);
            sqs.open("KEY", "secret", List.of(new Messaging.Queue("Later", "later", null, null, null, null, null,
                    null, 0)));
            assertEquals(1, deliveries.replay());
            // THEN the message arrives, with its attributes, and the journal is emptied
            List<Message> got = List.of();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (got.isEmpty() && System.nanoTime() < until) {
                got = sqs.client().receiveMessage(b -> b.queueUrl(sqs.internalUrl("later")).waitTimeSeconds(1)
                        .messageAttributeNames("All")).messages();
            }
            assertEquals(1, got.size());
            assertEquals("{\"Records\":[1]}", got.get(0).body());
            assertEquals("s3", got.get(0).messageAttributes().get("origin").stringValue());
            long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (deliveries.pending() > 0 && System.nanoTime() < settle) {
                Thread.sleep(20);
            }
            assertEquals(0, deliveries.pending());
        }
        try (Stream<Path> files = Files.list(journal)) {
            assertEquals(0, files.count(), "delivered: removed from the journal");
        }
    }
}
