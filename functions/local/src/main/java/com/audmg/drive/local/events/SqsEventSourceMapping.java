package com.audmg.drive.local.events;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.lambda.InvocationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An {@code sqs} event of a function, run as Lambda's event source mapping does: long-polls the queue, gathers
 * up to {@code batchSize} messages (for at most {@code maximumBatchingWindow} seconds), invokes the function
 * synchronously with an SQSEvent, and deletes the messages it handled. A function error or timeout deletes
 * nothing: the batch becomes visible again when its visibility timeout ends, and the queue's RedrivePolicy
 * moves a message to its dead-letter queue once it was received {@code maxReceiveCount} times. With
 * {@code ReportBatchItemFailures} only the messages the response names stay; a response that cannot be read,
 * or names a message not in the batch, fails the whole batch, as on AWS.
 */
public final class SqsEventSourceMapping implements AutoCloseable {
    /** Invokes a function synchronously. */
    public interface Invoker {
        InvocationResult invoke(String function, byte[] event, Duration maxWait) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Messaging.SqsEventSource source;
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final int functionTimeoutSeconds;
    private final Invoker invoker;
    private final Duration retryDelay;
    private final PrintStream console;
    private final Thread thread;
    private volatile boolean running = true;

    public SqsEventSourceMapping(Messaging.SqsEventSource source, SqsClient sqs, String queueUrl, String queueArn,
                                 String region, int functionTimeoutSeconds, Invoker invoker, Duration retryDelay,
                                 PrintStream console) {
        this.retryDelay = retryDelay;
        this.source = source;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.functionTimeoutSeconds = functionTimeoutSeconds;
        this.invoker = invoker;
        this.console = console;
        this.thread = new Thread(this::run, "sqs-poller-" + source.function() + "-" + source.queue());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long backoffMs = 100;
        while (running) {
            try {
                List<Message> batch = gather();
                backoffMs = 100;
                if (!batch.isEmpty() && running) {
                    deliver(batch);
                }
            } catch (SdkException e) {
                if (!running) {
                    return;
                }
                log("polling " + source.queue() + " failed: " + e.getMessage() + "; retrying");
                sleep(backoffMs);
                backoffMs = Math.min(5_000, backoffMs * 2);
            } catch (RuntimeException e) {
                log("event source " + source.queue() + " -> " + source.function() + ": " + e);
                sleep(1_000);
            }
        }
    }

    /**
     * One receive (long poll), then more until the batch is full or the batching window has passed. A message
     * received again within the window (its visibility timeout is shorter than the window) is kept once, with
     * its latest receipt handle.
     */
    private List<Message> gather() {
        List<Message> first = receive(Math.min(10, source.batchSize()), 1);
        if (first.isEmpty() || source.maximumBatchingWindowSeconds() == 0) {
            return first;
        }
        Map<String, Message> batch = new java.util.LinkedHashMap<>();
        first.forEach(m -> batch.put(m.messageId(), m));
        long until = System.nanoTime() + Duration.ofSeconds(source.maximumBatchingWindowSeconds()).toNanos();
        while (running && batch.size() < source.batchSize() && System.nanoTime() < until) {
            long leftMs = (until - System.nanoTime()) / 1_000_000;
            int wait = (int) Math.max(0, Math.min(20, leftMs / 1000));
            List<Message> more = receive(Math.min(10, source.batchSize() - batch.size()), wait);
            more.forEach(m -> batch.put(m.messageId(), m));
            if (more.isEmpty() && wait == 0) {
                sleep(Math.min(leftMs, 200));
            }
        }
        return new ArrayList<>(batch.values());
    }

    private List<Message> receive(int max, int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All")).messages();
    }

    private void deliver(List<Message> batch) {
        byte[] event = sqsEvent(batch);
        InvocationResult result;
        try {
            result = invoker.invoke(source.function(), event, Duration.ofSeconds(functionTimeoutSeconds + 30));
        } catch (IOException e) {
            log(source.function() + " could not be invoked: " + e.getMessage() + "; the batch of " + batch.size()
                    + " becomes visible again " + whenVisible());
            retryLater(batch);
            return;
        }
        if (!result.isSuccess()) {
            log(source.function() + " failed (" + result.outcome() + ") on a batch of " + batch.size()
                    + " from " + source.queue() + "; it becomes visible again " + whenVisible());
            retryLater(batch);
            return;
        }
        Set<String> failed = source.reportBatchItemFailures() ? failures(result.payload(), batch) : Set.of();
        if (failed == null) {
            log(source.function() + " returned an invalid batchItemFailures response; the whole batch of "
                    + batch.size() + " is retried");
            retryLater(batch);
            return;
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : batch) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        for (int i = 0; i < done.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(i, Math.min(done.size(), i + 10));
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
        }
        if (!failed.isEmpty()) {
            log(source.function() + " reported " + failed.size() + " of " + batch.size() + " messages failed; they"
                    + " become visible again " + whenVisible());
            retryLater(batch.stream().filter(m -> failed.contains(m.messageId())).toList());
        }
    }

    private String whenVisible() {
        return retryDelay == null ? "after the visibility timeout" : "in " + retryDelay.toSeconds()
                + " s (--sqs-retry-delay)";
    }

    /** With a local retry delay: failed messages visible again after it instead of the visibility timeout. */
    private void retryLater(List<Message> failed) {
        if (retryDelay == null) {
            return;
        }
        for (int i = 0; i < failed.size(); i += 10) {
            List<Message> chunk = failed.subList(i, Math.min(failed.size(), i + 10));
            List<software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry> entries =
                    new ArrayList<>();
            for (Message m : chunk) {
                entries.add(software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).receiptHandle(m.receiptHandle())
                        .visibilityTimeout((int) retryDelay.toSeconds()).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
            } catch (SdkException e) {
                log("could not shorten the visibility of failed messages: " + e.getMessage());
            }
        }
    }

    /**
     * The message ids of {@code {"batchItemFailures":[{"itemIdentifier":id}]}}; empty for an empty or null
     * response or an empty list; null (the whole batch failed) when it cannot be read or names an id that is
     * empty or not in the batch.
     */
    static Set<String> failures(byte[] payload, List<Message> batch) {
        if (payload == null || payload.length == 0) {
            return Set.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            return null;
        }
        if (root == null || root.isNull() || root.isObject() && root.isEmpty()) {
            return Set.of();
        }
        JsonNode list = root.get("batchItemFailures");
        if (list == null || list.isNull()) {
            return Set.of();
        }
        if (!list.isArray()) {
            return null;
        }
        Set<String> ids = new HashSet<>();
        batch.forEach(m -> ids.add(m.messageId()));
        Set<String> failed = new HashSet<>();
        for (JsonNode item : list) {
            JsonNode id = item.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !ids.contains(id.asText())) {
                return null;
            }
            failed.add(id.asText());
        }
        return failed;
    }

    /** The SQSEvent Lambda sends: {@code Records[]} with the message, its attributes and the queue's ARN. */
    byte[] sqsEvent(List<Message> batch) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            for (String name : List.of("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                    "ApproximateFirstReceiveTimestamp")) {
                String value = m.attributesAsStrings().get(name);
                if (value != null) {
                    attributes.put(name, value);
                }
            }
            m.attributesAsStrings().forEach((name, value) -> {
                if (!attributes.has(name) && !name.equals("DeadLetterQueueSourceArn")) {
                    attributes.put(name, value);
                }
            });
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> e : m.messageAttributes().entrySet()) {
                MessageAttributeValue v = e.getValue();
                ObjectNode a = messageAttributes.putObject(e.getKey());
                if (v.stringValue() != null) {
                    a.put("stringValue", v.stringValue());
                }
                if (v.binaryValue() != null) {
                    a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
                }
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", v.dataType());
            }
            if (m.md5OfMessageAttributes() != null) {
                r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void log(String line) {
        if (console != null) {
            console.println("[sqs] " + line);
        }
    }

    /** Asks the poller to stop (it stops after its current receive or invocation); see {@link #close}. */
    void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public void close() {
        stop();
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
