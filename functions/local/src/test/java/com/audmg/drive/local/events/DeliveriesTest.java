package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.lambda.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000");
             Deliveries deliveries = new Deliveries(sqs, busyTwice, Map.of("fn", 3), dir.resolve("outbox"), null)) {
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
        try (EmbeddedSqs sqs = new EmbeddedSqs("000000000000");
             Deliveries deliveries = new Deliveries(sqs, (f, e, w) -> null, Map.of(), dir.resolve("outbox"), null)) {
            sqs.region("eu-west-1");
            // Sent while ElasticMQ is not even started: retried until it runs.
            deliveries.toQueue("later", "{\"Records\":[]}", Map.of(), "test");
            Thread.sleep(300);
            assertEquals(1, deliveries.pending());
            sqs.startBackend();
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
}
