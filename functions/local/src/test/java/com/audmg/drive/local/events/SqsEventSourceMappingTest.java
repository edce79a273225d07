package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.lambda.InvocationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The event source mapping against the embedded SQS (ElasticMQ over real sockets), with a recording invoker in
 * place of a worker JVM: the batch-item-failure response rules and the local retry delay.
 */
class SqsEventSourceMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedSqs sqs;

    @BeforeAll
    static void start() throws Exception {
        sqs = new EmbeddedSqs("000000000000", null);
        sqs.region("eu-west-1");
        sqs.startBackend(null);
        sqs.open("LOCALKEY", "secret", List.of(
                new Messaging.Queue("Dlq", "slow-dlq", null, null, null, null, null, null, 0),
                // AWS's advice for a 120 s function: a 720 s visibility timeout, which a developer does not wait for.
                new Messaging.Queue("Slow", "slow", 720, null, null, null, null, "slow-dlq", 2)));
    }

    @AfterAll
    static void stop() {
        if (sqs != null) {
            sqs.close();
        }
    }

    static Message message(String id) {
        return Message.builder().messageId(id).build();
    }

    @Test
    void failures_shouldFollowLambdasRulesForPartialBatchResponses() {
        List<Message> batch = List.of(message("a"), message("b"));
        byte[] none = "{\"batchItemFailures\":[]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Set.of(), SqsEventSourceMapping.failures(none, batch));
        assertEquals(Set.of(), SqsEventSourceMapping.failures("null".getBytes(StandardCharsets.UTF_8), batch));
        assertEquals(Set.of(), SqsEventSourceMapping.failures(new byte[0], batch));
        assertEquals(Set.of("b"), SqsEventSourceMapping.failures(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"b\"}]}".getBytes(StandardCharsets.UTF_8), batch));
        // Whole batch failed: an id not in the batch, an empty id, a response that is not JSON.
        assertNull(SqsEventSourceMapping.failures(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"zz\"}]}".getBytes(StandardCharsets.UTF_8), batch));
        assertNull(SqsEventSourceMapping.failures(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}".getBytes(StandardCharsets.UTF_8), batch));
        assertNull(SqsEventSourceMapping.failures("not json".getBytes(StandardCharsets.UTF_8), batch));
    }

    @Test
    void retryDelay_shouldRedeliverFailedMessagesSoon_andRedriveThemToTheDlq_despiteALongVisibilityTimeout()
            throws Exception {
        List<String> counts = new CopyOnWriteArrayList<>();
        SqsEventSourceMapping.Invoker failing = (function, event, wait) -> {
            JsonNode records = JSON.readTree(event).get("Records");
            for (JsonNode r : records) {
                counts.add(r.get("body").asText() + ":" + r.get("attributes").get("ApproximateReceiveCount").asText());
            }
            return InvocationResult.success(("{\"batchItemFailures\":[{\"itemIdentifier\":\""
                    + records.get(0).get("messageId").asText() + "\"}]}").getBytes(StandardCharsets.UTF_8));
        };
        Messaging.SqsEventSource source = new Messaging.SqsEventSource("fn", "slow", 10, 0, true, true);
        try (SqsEventSourceMapping mapping = new SqsEventSourceMapping(source, sqs.client(), sqs.internalUrl("slow"),
                sqs.arn("slow"), "eu-west-1", 3, failing, Duration.ZERO, null)) {
            mapping.start();
            sqs.client().sendMessage(b -> b.queueUrl(sqs.internalUrl("slow")).messageBody("corrupt"));
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            List<Message> dead = List.of();
            while (dead.isEmpty() && System.nanoTime() < until) {
                dead = sqs.client().receiveMessage(b -> b.queueUrl(sqs.internalUrl("slow-dlq")).waitTimeSeconds(1))
                        .messages();
            }
            assertEquals(1, dead.size(), "redriven within seconds: " + counts);
            assertEquals("corrupt", dead.get(0).body());
        }
        assertEquals(List.of("corrupt:1", "corrupt:2"), counts);
        assertTrue(sqs.arn("slow").endsWith(":slow"));
    }

    @Test
    void aTimedOutInvocation_shouldLeaveTheWholeBatchForAnotherReceive() throws Exception {
        sqs.open("LOCALKEY", "secret", List.of(new Messaging.Queue("T", "timeouts", 30, null, null, null, null, null,
                0)));
        List<String> seen = new CopyOnWriteArrayList<>();
        SqsEventSourceMapping.Invoker timesOutOnce = (function, event, wait) -> {
            for (JsonNode r : JSON.readTree(event).get("Records")) {
                seen.add(r.get("body").asText() + ":" + r.get("attributes").get("ApproximateReceiveCount").asText());
            }
            return seen.size() <= 2 ? InvocationResult.functionTimedOut("req", 3)
                    : InvocationResult.success(new byte[0]);
        };
        Messaging.SqsEventSource source = new Messaging.SqsEventSource("fn", "timeouts", 10, 1, false, true);
        try (SqsEventSourceMapping mapping = new SqsEventSourceMapping(source, sqs.client(),
                sqs.internalUrl("timeouts"), sqs.arn("timeouts"), "eu-west-1", 3, timesOutOnce, Duration.ZERO, null)) {
            sqs.client().sendMessageBatch(b -> b.queueUrl(sqs.internalUrl("timeouts")).entries(
                    e -> e.id("1").messageBody("a"), e -> e.id("2").messageBody("b")));
            mapping.start();
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (seen.size() < 4 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            Thread.sleep(1500);
        }
        assertEquals(List.of("a:1", "a:2", "b:1", "b:2"), seen.stream().sorted().toList(),
                "both delivered again after the timed-out batch, then deleted");
        var left = sqs.client().getQueueAttributes(b -> b.queueUrl(sqs.internalUrl("timeouts"))
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        assertEquals("0", left.get("ApproximateNumberOfMessages"));
        assertEquals("0", left.get("ApproximateNumberOfMessagesNotVisible"));
    }
}
