package com.audmg.drive.local.events;

import com.audmg.drive.local.PrivateFiles;
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
 */
public final class Deliveries implements AutoCloseable {
    static final int QUEUE_RETRY_MINUTES = 10;
    private static final int[] LAMBDA_RETRY_SECONDS = {1, 2};

    private final EmbeddedSqs sqs;
    private final SqsEventSourceMapping.Invoker invoker;
    private final Map<String, Integer> functionTimeouts;
    private final Path outbox;
    private final PrintStream console;
    private final ScheduledExecutorService executor;
    private final AtomicInteger pending = new AtomicInteger();

    public Deliveries(EmbeddedSqs sqs, SqsEventSourceMapping.Invoker invoker, Map<String, Integer> functionTimeouts,
                      Path outbox, PrintStream console) {
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
        pending.incrementAndGet();
        executor.execute(() -> sendToQueue(queue, body, attributes, what, Instant.now(), 200));
    }

    private void sendToQueue(String queue, String body, Map<String, MessageAttributeValue> attributes, String what,
                             Instant since, long backoffMs) {
        try {
            if (sqs.client() == null) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("the local SQS is starting");
            }
            sqs.client().sendMessage(b -> b.queueUrl(sqs.internalUrl(queue)).messageBody(body)
                    .messageAttributes(attributes));
            pending.decrementAndGet();
        } catch (SdkException e) {
            if (Duration.between(since, Instant.now()).toMinutes() >= QUEUE_RETRY_MINUTES) {
                pending.decrementAndGet();
                log(what + " to queue " + queue + " dropped after " + QUEUE_RETRY_MINUTES + " minutes: " + e.getMessage());
                return;
            }
            executor.schedule(() -> sendToQueue(queue, body, attributes, what, since, Math.min(2_000, backoffMs * 2)),
                    backoffMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Invokes {@code function} asynchronously with {@code event}, with Lambda's two retries on failure. */
    public void toFunction(String function, byte[] event, String what) {
        pending.incrementAndGet();
        executor.execute(() -> invoke(function, event, what, 0));
    }

    private void invoke(String function, byte[] event, String what, int attempt) {
        String failure;
        try {
            InvocationResult result = invoker.invoke(function, event,
                    Duration.ofSeconds(functionTimeouts.getOrDefault(function, 6) + 30L));
            if (result.isSuccess()) {
                pending.decrementAndGet();
                return;
            }
            failure = result.outcome() + " " + new String(result.payload(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
        }
        if (attempt < LAMBDA_RETRY_SECONDS.length) {
            log(what + " -> " + function + " failed (" + abbreviate(failure) + "); retry " + (attempt + 1) + " of "
                    + LAMBDA_RETRY_SECONDS.length + " in " + LAMBDA_RETRY_SECONDS[attempt] + " s");
            executor.schedule(() -> invoke(function, event, what, attempt + 1), LAMBDA_RETRY_SECONDS[attempt],
                    TimeUnit.SECONDS);
        } else {
            pending.decrementAndGet();
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
