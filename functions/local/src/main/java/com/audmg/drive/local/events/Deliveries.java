package com.audmg.drive.local.events;

import com.audmg.drive.local.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkBytes;
import com.audmg.drive.local.lambda.InvocationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Delivers S3 and SNS events to their targets in the background, as AWS does, without losing them when a
 * target is briefly busy: a queue send is retried (with backoff, for up to {@value #QUEUE_RETRY_MINUTES}
 * minutes) until the embedded SQS takes it; a function is invoked asynchronously and, when it fails, invoked
 * twice more (Lambda's asynchronous retries, after 1 s and 2 s locally instead of AWS's 1 and 2 minutes);
 * an e-mail is written to {@code <data folder>/outbox/} (nothing is sent).
 *
 * <p>A queue or function delivery is first written to the journal folder (one owner-only file each, before the
 * call that caused it returns: the S3 PUT, the SNS Publish) and removed once done or given up: what was still
 * pending when the local cloud stopped is delivered at its next start ({@link #replay}), at least once, as AWS
 * delivers S3 and SNS events.
 */
public final class Deliveries implements AutoCloseable {
    static final int QUEUE_RETRY_MINUTES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] LAMBDA_RETRY_SECONDS = {1, 2};

    private final EmbeddedSqs sqs;
    private final SqsEventSourceMapping.Invoker invoker;
    private final Map<String, Integer> functionTimeouts;
    private final Path outbox;
    private final PrintStream console;
    private final ScheduledExecutorService executor;
    private final AtomicInteger pending = new AtomicInteger();
    private final Path journal;

    /**
     * @param journal the folder of pending deliveries, or null to keep them in memory only
     */
    public Deliveries(EmbeddedSqs sqs, SqsEventSourceMapping.Invoker invoker, Map<String, Integer> functionTimeouts,
                      Path outbox, Path journal, PrintStream console) {
        this.journal = journal;
        this.sqs = sqs;
        this.invoker = invoker;
        this.functionTimeouts = functionTimeouts;
        this.outbox = outbox;
        this.console = console;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "event-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends {@code body} to queue {@code queue}, retrying until it is taken. */
    public void toQueue(String queue, String body, Map<String, MessageAttributeValue> attributes, String what) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("type", "queue");
        entry.put("target", queue);
        entry.put("body", body);
        entry.put("what", what);
        ObjectNode attrs = entry.putObject("attributes");
        attributes.forEach((name, value) -> {
            ObjectNode a = attrs.putObject(name);
            a.put("dataType", value.dataType());
            if (value.binaryValue() != null) {
                a.put("binary", value.binaryValue().asByteArray());
            } else {
                a.put("string", value.stringValue());
            }
        });
        Path file = record(entry);
        pending.incrementAndGet();
        executor.execute(() -> sendToQueue(queue, body, attributes, what, Instant.now(), 200, file));
    }

    /**
     * Schedules the deliveries a previous run left pending in the journal folder.
     *
     * @return how many
     */
    public int replay() {
        if (journal == null || !Files.isDirectory(journal)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(journal)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            log("pending deliveries in " + journal + " not readable: " + e);
            return 0;
        }
        int n = 0;
        for (Path file : files) {
            try {
                JsonNode entry = JSON.readTree(Files.readAllBytes(file));
                String target = entry.path("target").asText();
                String what = entry.path("what").asText() + " (pending at the last stop)";
                if (entry.path("type").asText().equals("queue")) {
                    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
                    entry.path("attributes").fields().forEachRemaining(a -> {
                        JsonNode v = a.getValue();
                        MessageAttributeValue.Builder b = MessageAttributeValue.builder()
                                .dataType(v.path("dataType").asText());
                        if (v.has("binary")) {
                            b.binaryValue(SdkBytes.fromByteArray(java.util.Base64.getDecoder().decode(v.path("binary").asText())));
                        } else {
                            b.stringValue(v.path("string").asText());
                        }
                        attributes.put(a.getKey(), b.build());
                    });
                    String body = entry.path("body").asText();
                    pending.incrementAndGet();
                    executor.execute(() -> sendToQueue(target, body, attributes, what, Instant.now(), 200, file));
                } else {
                    byte[] event = entry.path("event").binaryValue();
                    pending.incrementAndGet();
                    executor.execute(() -> invoke(target, event, what, 0, file));
                }
                n++;
            } catch (IOException | RuntimeException e) {
                log("pending delivery " + file + " not readable, left in place: " + e);
            }
        }
        if (n > 0) {
            log(n + " deliveries pending at the last stop are being delivered");
        }
        return n;
    }

    /** Writes a delivery to the journal; null when there is none or it cannot be written (delivered anyway). */
    private Path record(ObjectNode entry) {
        if (journal == null) {
            return null;
        }
        Path file = journal.resolve(String.format("%013d-%s.json", System.currentTimeMillis(),
                java.util.UUID.randomUUID()));
        try {
            PrivateFiles.write(file, JSON.writeValueAsBytes(entry));
            return file;
        } catch (IOException e) {
            log("delivery not journalled (" + e.getMessage() + "); it is lost if the local cloud stops first");
            return null;
        }
    }

    private void done(Path file) {
        pending.decrementAndGet();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log("delivered, but " + file + " not removed (it is delivered again at the next start): " + e);
            }
        }
    }

    private void sendToQueue(String queue, String body, Map<String, MessageAttributeValue> attributes, String what,
                             Instant since, long backoffMs, Path file) {
        try {
            if (sqs.client() == null) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("the local SQS is starting");
            }
            sqs.client().sendMessage(b -> b.queueUrl(sqs.internalUrl(queue)).messageBody(body)
                    .messageAttributes(attributes));
            done(file);
        } catch (SdkException e) {
            if (Duration.between(since, Instant.now()).toMinutes() >= QUEUE_RETRY_MINUTES) {
                done(file);
                log(what + " to queue " + queue + " dropped after " + QUEUE_RETRY_MINUTES + " minutes: " + e.getMessage());
                return;
            }
            if (executor.isShutdown()) {
                return;
            }
            executor.schedule(() -> sendToQueue(queue, body, attributes, what, since, Math.min(2_000, backoffMs * 2),
                    file), backoffMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Invokes {@code function} asynchronously with {@code event}, with Lambda's two retries on failure. */
    public void toFunction(String function, byte[] event, String what) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("type", "function");
        entry.put("target", function);
        entry.put("event", event);
        entry.put("what", what);
        Path file = record(entry);
        pending.incrementAndGet();
        executor.execute(() -> invoke(function, event, what, 0, file));
    }

    private void invoke(String function, byte[] event, String what, int attempt, Path file) {
        String failure;
        try {
            InvocationResult result = invoker.invoke(function, event,
                    Duration.ofSeconds(functionTimeouts.getOrDefault(function, 6) + 30L));
            if (result.isSuccess()) {
                done(file);
                return;
            }
            failure = result.outcome() + " " + new String(result.payload(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
        }
        if (executor.isShutdown()) {
            // Stopping: the journal keeps it for the next start.
            return;
        }
        if (attempt < LAMBDA_RETRY_SECONDS.length) {
            log(what + " -> " + function + " failed (" + abbreviate(failure) + "); retry " + (attempt + 1) + " of "
                    + LAMBDA_RETRY_SECONDS.length + " in " + LAMBDA_RETRY_SECONDS[attempt] + " s");
            if (!executor.isShutdown()) {
                executor.schedule(() -> invoke(function, event, what, attempt + 1, file),
                        LAMBDA_RETRY_SECONDS[attempt], TimeUnit.SECONDS);
            }
        } else {
            done(file);
            log(what + " -> " + function + " failed after " + (attempt + 1) + " attempts; event discarded (as AWS"
                    + " does without an on-failure destination)");
        }
    }

    /** Writes an e-mail notification to the outbox folder (owner-only), one file per message. */
    public void toEmail(String address, String subject, String text, String messageId) {
        String mail = "To: " + address + "\nSubject: " + (subject == null ? "AWS Notification Message" : subject)
                + "\nDate: " + Instant.now() + "\nMessage-Id: " + messageId + "\n\n" + text + "\n";
        try {
            PrivateFiles.createDirectories(outbox);
            Path file = outbox.resolve(Instant.now().toString().replace(':', '-') + "-" + messageId + ".eml");
            PrivateFiles.write(file, mail.getBytes(StandardCharsets.UTF_8));
            log("e-mail to " + address + " written to " + file);
        } catch (IOException e) {
            log("e-mail to " + address + " could not be written to " + outbox + ": " + e.getMessage());
        }
    }

    /** Deliveries not done yet (including retries waiting). */
    public int pending() {
        return pending.get();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private void log(String line) {
        if (console != null) {
            console.println("[events] " + line);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
