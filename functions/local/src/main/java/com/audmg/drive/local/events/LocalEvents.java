package com.audmg.drive.local.events;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.s3.EmbeddedS3;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The local cloud's messaging: the embedded SQS and SNS, the functions' {@code sqs} event source mappings,
 * and S3 event notifications. Bound before serverless.yml is read (queue URLs name the SQS port); ElasticMQ
 * runs only when serverless.yml declares a queue (it costs about 2 s of CPU and 100 MB).
 */
public final class LocalEvents implements AutoCloseable {
    private final EmbeddedSqs sqs;
    private final EmbeddedSns sns;
    private final PrintStream console;
    private final List<SqsEventSourceMapping> mappings = new ArrayList<>();
    private CompletableFuture<Void> backend = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> sqsOpened = CompletableFuture.completedFuture(null);
    private volatile boolean closed;
    private boolean sqsRunning;
    private Deliveries deliveries;
    private Messaging messaging = Messaging.NONE;
    private java.time.Duration retryDelay;

    private LocalEvents(EmbeddedSqs sqs, EmbeddedSns sns, PrintStream console) {
        this.sqs = sqs;
        this.sns = sns;
        this.console = console;
    }

    /** Binds the SQS and SNS ports; nothing is served yet. */
    public static LocalEvents bind(String accountId, PrintStream console) throws IOException {
        EmbeddedSqs sqs = new EmbeddedSqs(accountId, console);
        try {
            return new LocalEvents(sqs, new EmbeddedSns(accountId, new java.util.concurrent.ConcurrentHashMap<>(),
                    console), console);
        } catch (IOException | RuntimeException e) {
            sqs.close();
            throw e;
        }
    }

    public URI sqsEndpoint() {
        return sqs.endpoint();
    }

    public URI snsEndpoint() {
        return sns.endpoint();
    }

    /**
     * Starts ElasticMQ in the background when {@code messaging} needs queues, once {@code after} is done (the
     * embedded S3's start: both initialise logging, and SLF4J warned about the calls it replayed when they did
     * it at once; ElasticMQ is not waited for by READY anyway).
     */
    public void startBackend(Messaging messaging, String region, CompletableFuture<?> after, Path dataDir) {
        this.messaging = messaging;
        sqs.region(region);
        boolean needed = !messaging.queues().isEmpty()
                || messaging.subscriptions().stream().anyMatch(s -> s.protocol() == Messaging.Protocol.SQS);
        if (needed) {
            sqsRunning = true;
            backend = (after == null ? CompletableFuture.completedFuture(null) : after)
                    .handle((ignored, error) -> null)
                    .thenRunAsync(() -> sqs.startBackend(dataDir.resolve("sqs")), r -> {
                        Thread t = new Thread(r, "embedded-sqs-start");
                        t.setDaemon(true);
                        t.start();
                    });
        }
    }

    /**
     * Creates the queues, topics and subscriptions, starts the event source mappings and connects the embedded
     * S3's object events (when {@code s3} is not null) to the bucket notifications.
     */
    public void open(ServerlessConfig config, String accessKeyId, String secretAccessKey,
                     SqsEventSourceMapping.Invoker invoker, Function<String, String> functionArn, Path dataDir,
                     EmbeddedS3 s3, java.time.Duration sqsRetryDelay) {
        this.retryDelay = sqsRetryDelay;
        Map<String, Integer> timeouts = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        for (FunctionConfig fn : config.functions().values()) {
            timeouts.put(fn.name(), fn.timeoutSeconds());
            arns.put(functionArn.apply(fn.name()), fn.name());
        }
        deliveries = new Deliveries(sqs, invoker, timeouts, dataDir.resolve("outbox"),
                dataDir.resolve("events").resolve("pending"), console);
        sqs.restorePolicies(dataDir.resolve("sqs"));
        sqs.policies(messaging.queuePolicies());
        sns.open(accessKeyId, secretAccessKey, messaging, deliveries, sqs, arns, config.region(),
                dataDir.resolve("sns").resolve("state.json"));
        if (sqsRunning) {
            // Not waited for: READY comes without ElasticMQ's start (about 2 s of CPU). SQS requests arriving
            // before it are held until it runs; deliveries to queues are retried until then.
            sqsOpened = backend.thenRun(() -> {
                sqs.open(accessKeyId, secretAccessKey, messaging.queues());
                synchronized (mappings) {
                    if (closed) {
                        return;
                    }
                    for (Messaging.SqsEventSource source : messaging.sqsEvents()) {
                        if (!source.enabled()) {
                            continue;
                        }
                        SqsEventSourceMapping mapping = new SqsEventSourceMapping(source, sqs.client(),
                                sqs.internalUrl(source.queue()), sqs.arn(source.queue()), config.region(),
                                timeouts.get(source.function()), invoker, sqsRetryDelay, console);
                        mappings.add(mapping);
                        mapping.start();
                    }
                }
            }).exceptionally(e -> {
                if (console != null) {
                    console.println("[sqs] the embedded SQS did not start: " + e);
                }
                return null;
            });
        }
        deliveries.replay();
        if (!messaging.s3Notifications().isEmpty()) {
            S3EventRouter router = new S3EventRouter(messaging.s3Notifications(), config.region(), deliveries, sns,
                    sqs, console);
            if (s3 != null) {
                s3.onObjectEvent(router);
                router.sendTestEvents(dataDir.resolve("events").resolve("s3-test-events-sent"));
            } else if (console != null) {
                console.println("[events] bucket notifications are not delivered: S3 is external (--s3-endpoint)");
            }
        }
    }

    /** Waits until the queues exist and the sqs event sources poll (tests; READY does not wait for it). */
    public void awaitSqs(java.time.Duration max) throws Exception {
        sqsOpened.get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** {@code AWS_ENDPOINT_URL_SQS} (when queues run) and {@code AWS_ENDPOINT_URL_SNS} for workers. */
    public Map<String, String> workerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (sqsRunning) {
            env.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());
        }
        env.put("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString());
        return env;
    }

    /** Start-up lines: the SQS and SNS endpoints with what they serve. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        if (sqsRunning) {
            lines.add("SQS         " + sqs.endpoint() + " (ElasticMQ, kept in the data folder; queues "
                    + String.join(", ", messaging.queues().stream().map(Messaging.Queue::name).toList()) + ")"
                    + (retryDelay == null ? "" : "; failed messages retried after " + retryDelay.toSeconds() + " s"));
        } else {
            lines.add("SQS         not started (serverless.yml declares no AWS::SQS::Queue)");
        }
        lines.add("SNS         " + sns.endpoint() + " (topics "
                + (messaging.topics().isEmpty() ? "none" : String.join(", ",
                        messaging.topics().stream().map(Messaging.Topic::name).toList())) + ")");
        return lines;
    }

    /** Deliveries (S3 and SNS events) not done yet. */
    public int pendingDeliveries() {
        return deliveries == null ? 0 : deliveries.pending();
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        List<SqsEventSourceMapping> running;
        synchronized (mappings) {
            closed = true;
            running = List.copyOf(mappings);
        }
        running.forEach(SqsEventSourceMapping::stop);
        if (deliveries != null) {
            deliveries.close();
        }
        sns.close();
        try {
            backend.join();
            sqsOpened.join();
        } catch (RuntimeException e) {
            // It failed to start; the start reported it.
        }
        // ElasticMQ first: its stop cuts the pollers' long polls, which are then not waited for.
        sqs.close();
        running.forEach(SqsEventSourceMapping::close);
        if (console != null && Boolean.getBoolean("audmg.events.debug")) {
            console.println("[events] stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }
}
