package com.audmg.drive.local.events;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.http.LoopbackServer;
import com.audmg.drive.local.lambda.SigV4Verifier;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import com.audmg.drive.local.PrivateFiles;
import com.audmg.drive.local.config.QueuePolicy;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local cloud's SQS: ElasticMQ (in memory, journalled to the data folder) on a private loopback port, behind a front door on the public
 * one that checks the {@code Host} header (DNS rebinding) and the request's SigV4 signature with the local
 * credentials before forwarding. Queue URLs name the front door. Clients speak either protocol ElasticMQ
 * does: AWS JSON (SDK v2, AWS CLI v2) and Query.
 */
public final class EmbeddedSqs implements AutoCloseable {
    /** SQS's largest request (a 256 KiB message in a batch of 10, JSON-escaped) with room to spare. */
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer front;
    private volatile String region = "us-east-1";
    private final String accountId;
    private final PrintStream console;
    private volatile ActorSystem actorSystem;
    private volatile int restored;
    private volatile SQSRestServer elasticMq;
    private volatile org.apache.pekko.http.scaladsl.Http.ServerBinding binding;
    private volatile URI backend;
    private volatile SigV4Verifier verifier;
    private volatile SqsClient client;
    private volatile Map<String, QueuePolicy> policies = Map.of();
    private final QueueJournal.Stats journalStats = new QueueJournal.Stats();
    /** Counted down once the queues exist and requests are checked: requests before then wait for it. */
    private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Binds the public port (a free one) now, so that queue URLs are known before ElasticMQ runs. */
    public EmbeddedSqs(String accountId, PrintStream console) throws IOException {
        this.accountId = accountId;
        this.console = console;
        this.front = LoopbackServer.start(0, 64, "sqs-api", this::handle,
                exchange -> AwsErrors.json(exchange, 403, "AccessDenied", "foreign Host header"));
    }

    /** The endpoint clients use ({@code --endpoint-url}, {@code AWS_ENDPOINT_URL_SQS}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + front.getAddress().getPort());
    }

    /** The region of queue ARNs and of the signatures accepted; set before {@link #startBackend}. */
    public void region(String region) {
        this.region = region;
    }

    /**
     * Starts ElasticMQ (about 1.5-2.5 s); requests before then wait for it. With {@code storage}, queues and
     * messages are kept there ({@link QueueJournal}) and the stored ones are restored before clients are served.
     */
    public void startBackend(Path storage) {
        // The local cloud stops ElasticMQ itself (close, or its own shutdown hook); Pekko's hook only warned.
        if (System.getProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook") == null) {
            System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        }
        ActorSystem system = ActorSystem.create("elasticmq");
        this.actorSystem = system;
        Option<ActorRef> listener = Option.empty();
        if (storage != null) {
            try {
                PrivateFiles.createDirectories(storage);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + storage, e);
            }
            listener = Option.apply(system.actorOf(QueueJournal.props(storage, console, journalStats), "queue-journal"));
        }
        ActorRef queueManager = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                StrictSQSLimits$.MODULE$, listener), "queue-manager");
        if (storage != null) {
            restored = QueueJournal.restore(storage, queueManager, console);
        }
        TheSQSRestServerBuilder builder = SQSRestServerBuilder.withActorSystem(system)
                .withQueueManagerActor(queueManager).withInterface("127.0.0.1").withDynamicPort()
                .withServerAddress(new NodeAddress("http", "127.0.0.1", front.getAddress().getPort(), ""))
                .withAWSRegion(region).withAWSAccountId(accountId);
        if (listener.isDefined()) {
            builder = builder.withQueueEventListener(listener.get());
        }
        SQSRestServer server = builder.start();
        this.binding = server.waitUntilStarted();
        int port = binding.localAddress().getPort();
        this.backend = URI.create("http://127.0.0.1:" + port);
        this.elasticMq = server;
    }

    /** What the journal wrote so far: flushes, message events and the time spent (tests, measurements). */
    QueueJournal.Stats journalStats() {
        return journalStats;
    }

    /** Messages restored from the data folder at the start. */
    public int restoredMessages() {
        return restored;
    }

    /** The queues' policies (serverless.yml's {@code AWS::SQS::QueuePolicy}), by queue name. */
    public void policies(Map<String, QueuePolicy> policies) {
        this.policies = Map.copyOf(policies);
    }

    /**
     * Whether an AWS service ({@code sns.amazonaws.com}, ...) may send to {@code queue} for {@code sourceArn}: the
     * queue's policy decides; a queue without one (made through the API, or not given one in serverless.yml) is
     * not checked (null: nothing to say), although AWS would refuse the service.
     */
    public QueuePolicy.Decision serviceMaySend(String service, String queue, String sourceArn) {
        QueuePolicy policy = policies.get(queue);
        if (policy == null) {
            return null;
        }
        return policy.evaluate(QueuePolicy.Caller.service(service), "sqs:SendMessage", arn(queue),
                Map.of("aws:SourceArn", sourceArn, "aws:SourceAccount", accountId, "aws:SecureTransport", "true"));
    }

    /** Accepts requests signed with these credentials, and creates the queues. */
    public void open(String accessKeyId, String secretAccessKey, List<Messaging.Queue> queues) {
        this.client = client != null ? client : SqsClient.builder().endpointOverride(backend).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .build();
        for (Messaging.Queue q : queues) {
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            put(attributes, QueueAttributeName.VISIBILITY_TIMEOUT, q.visibilityTimeout());
            put(attributes, QueueAttributeName.MESSAGE_RETENTION_PERIOD, q.messageRetentionPeriod());
            put(attributes, QueueAttributeName.DELAY_SECONDS, q.delaySeconds());
            put(attributes, QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, q.receiveMessageWaitTimeSeconds());
            put(attributes, QueueAttributeName.MAXIMUM_MESSAGE_SIZE, q.maximumMessageSize());
            if (q.deadLetterQueue() != null) {
                attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(q.deadLetterQueue())
                        + "\",\"maxReceiveCount\":\"" + q.maxReceiveCount() + "\"}");
            }
            try {
                client.createQueue(b -> b.queueName(q.name()).attributes(attributes));
            } catch (QueueNameExistsException changed) {
                // Kept from an earlier start with other attributes: serverless.yml is the truth.
                client.setQueueAttributes(b -> b.queueUrl(internalUrl(q.name())).attributes(attributes));
            }
        }
        this.verifier = new SigV4Verifier(accessKeyId, secretAccessKey, region, "sqs");
        opened.countDown();
    }

    private static void put(Map<QueueAttributeName, String> attributes, QueueAttributeName name, Integer value) {
        if (value != null) {
            attributes.put(name, value.toString());
        }
    }

    /**
     * A client of the queues for the local cloud's own use (event sources, deliveries), not signed-checked; null
     * until {@link #open}.
     */
    public SqsClient client() {
        return client;
    }

    /** The URL of queue {@code name} on the internal endpoint, for {@link #client()}. */
    public String internalUrl(String name) {
        return backend + "/" + accountId + "/" + name;
    }

    public String arn(String name) {
        return "arn:aws:sqs:" + region + ":" + accountId + ":" + name;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
            if (body.length > MAX_REQUEST_BYTES) {
                AwsErrors.json(exchange, 413, "RequestEntityTooLarge", "request larger than " + MAX_REQUEST_BYTES
                        + " bytes");
                return;
            }
            if (verifier == null) {
                // ElasticMQ starts after READY: a request that early waits for it rather than failing.
                try {
                    opened.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            SigV4Verifier v = verifier;
            URI target = backend;
            if (v == null || target == null) {
                AwsErrors.json(exchange, 503, "ServiceUnavailable", "the local SQS is starting");
                return;
            }
            SigV4Verifier.Refusal refusal = v.verify(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body, Instant.now());
            if (refusal != null) {
                AwsErrors.json(exchange, 403, refusal.errorType(), refusal.message());
                return;
            }
            String denied = deniedSend(exchange, body);
            if (denied != null) {
                if (exchange.getRequestHeaders().getFirst("X-Amz-Target") != null) {
                    exchange.getResponseHeaders().set("x-amzn-query-error", "AccessDenied;Sender");
                    AwsErrors.json(exchange, 403, "com.amazon.coral.service#AccessDeniedException", denied);
                } else {
                    AwsErrors.xml(exchange, 403, "AccessDenied", denied);
                }
                return;
            }
            String rawQuery = exchange.getRequestURI().getRawQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target
                    + exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery)))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                AwsErrors.json(exchange, 503, "ServiceUnavailable", "interrupted");
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.equals(":status")) {
                    values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (IOException e) {
            // The client went away, or ElasticMQ is stopping.
        }
    }

    /**
     * The refusal of a SendMessage or SendMessageBatch that the queue's policy explicitly denies to the local
     * credentials, or null. The local credentials stand for the account's administrator: on AWS their
     * identity-based permission allows same-account calls whatever the queue policy allows, but an explicit
     * {@code Deny} in the queue policy wins over any allow.
     */
    private String deniedSend(HttpExchange exchange, byte[] body) {
        if (policies.isEmpty()) {
            return null;
        }
        String action;
        String queueUrl;
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            action = target.substring(target.indexOf('.') + 1);
            if (!action.startsWith("SendMessage")) {
                return null;
            }
            try {
                queueUrl = JSON.readTree(body).path("QueueUrl").asText(null);
            } catch (IOException e) {
                return null;
            }
        } else {
            Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
            form.putAll(form(exchange.getRequestURI().getRawQuery()));
            action = form.getOrDefault("Action", "");
            if (!action.startsWith("SendMessage")) {
                return null;
            }
            queueUrl = form.getOrDefault("QueueUrl", exchange.getRequestURI().getPath());
        }
        if (queueUrl == null) {
            return null;
        }
        String queue = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        QueuePolicy policy = policies.get(queue);
        if (policy == null) {
            return null;
        }
        String principal = "arn:aws:iam::" + accountId + ":root";
        QueuePolicy.Decision decision = policy.evaluate(QueuePolicy.Caller.account(accountId), "sqs:SendMessage",
                arn(queue), Map.of("aws:PrincipalAccount", accountId, "aws:PrincipalArn", principal,
                        "aws:SecureTransport", "true", "aws:SourceIp", "127.0.0.1"));
        if (decision != QueuePolicy.Decision.EXPLICIT_DENY) {
            return null;
        }
        return "User: " + principal + " is not authorized to perform: sqs:" + action.toLowerCase(Locale.ROOT)
                + " on resource: " + arn(queue) + " with an explicit deny in a resource-based policy ("
                + policy.logicalId() + ", " + policy.where() + ")";
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            try {
                out.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // A malformed escape: that parameter is missing.
            }
        }
        return out;
    }

    @Override
    public void close() {
        LoopbackServer.stop(front);
        if (client != null) {
            client.close();
        }
        SQSRestServer server = elasticMq;
        if (server != null) {
            // Open long polls (the event sources') would hold a graceful stop for their whole wait: cut them.
            try {
                scala.concurrent.Await.result(binding.terminate(scala.concurrent.duration.FiniteDuration.apply(100,
                        java.util.concurrent.TimeUnit.MILLISECONDS)), scala.concurrent.duration.Duration.apply(5,
                        java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                // Stopping anyway.
            }
            server.stopAndWait();
        }
        ActorSystem system = actorSystem;
        if (system != null) {
            try {
                scala.concurrent.Await.result(system.terminate(), scala.concurrent.duration.Duration.apply(10,
                        java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                // Stopping anyway.
            }
        }
    }

    /** The body of the s3:TestEvent and other small JSON texts. */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
