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
import com.audmg.drive.local.config.ResourcePolicy;
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
    private static final String POLICY_FILE = "policy.json";
    private static final java.util.regex.Pattern QUEUE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,80}"
            + "(\\.fifo)?");
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
    /** Each queue's policy: serverless.yml's {@code AWS::SQS::QueuePolicy}, or one set through the API. */
    private final Map<String, ResourcePolicy> policies = new java.util.concurrent.ConcurrentHashMap<>();
    /** The JSON of the policies set through the API (GetQueueAttributes answers it), by queue name. */
    private final Map<String, String> policyTexts = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Path storage;
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
            this.storage = storage;
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

    /**
     * The queues' policies of serverless.yml ({@code AWS::SQS::QueuePolicy}), by queue name: serverless.yml is the
     * truth at each start, so they replace what the API had set on the same queues before.
     */
    public void policies(Map<String, ResourcePolicy> fromServerlessYml) {
        for (Map.Entry<String, ResourcePolicy> e : fromServerlessYml.entrySet()) {
            policies.put(e.getKey(), e.getValue());
            if (policyTexts.remove(e.getKey()) != null) {
                storePolicy(e.getKey(), null);
            }
        }
    }

    /**
     * Whether an AWS service ({@code sns.amazonaws.com}, ...) may send to {@code queue} for {@code sourceArn}: the
     * queue's policy decides, and a queue without one allows no service (SQS refuses, and SNS drops the delivery,
     * as on AWS).
     */
    public ResourcePolicy.Decision serviceMaySend(String service, String queue, String sourceArn) {
        ResourcePolicy policy = policies.get(queue);
        if (policy == null) {
            return ResourcePolicy.Decision.NOT_ALLOWED;
        }
        return policy.evaluate(ResourcePolicy.Caller.service(service), "sqs:SendMessage", arn(queue),
                Map.of("aws:SourceArn", sourceArn, "aws:SourceAccount", accountId, "aws:SecureTransport", "true"));
    }

    /** Which policy {@code queue} has ({@code id, where}), for messages; null when it has none. */
    public String describePolicy(String queue) {
        ResourcePolicy policy = policies.get(queue);
        return policy == null ? null : policy.logicalId() + ", " + policy.where();
    }

    /**
     * Reads the policies set through the API before a stop from {@code root} (the journal's folder), so that they
     * apply from the start: called before deliveries begin, while ElasticMQ may still be starting.
     */
    public void restorePolicies(Path root) {
        this.storage = root;
        if (!java.nio.file.Files.isDirectory(root)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> dirs = java.nio.file.Files.newDirectoryStream(root,
                java.nio.file.Files::isDirectory)) {
            for (Path dir : dirs) {
                Path file = dir.resolve(POLICY_FILE);
                if (java.nio.file.Files.isRegularFile(file)) {
                    String queue = dir.getFileName().toString();
                    try {
                        String json = java.nio.file.Files.readString(file);
                        policies.put(queue, ResourcePolicy.fromJson(json, queue));
                        policyTexts.put(queue, json);
                    } catch (IOException | IllegalArgumentException e) {
                        log("stored policy of queue " + queue + " not readable, not applied: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            log("stored queue policies not readable: " + e);
        }
    }

    /** Keeps (or, with null, forgets) a policy set through the API beside the queue's stored messages. */
    private void storePolicy(String queue, String json) {
        Path root = storage;
        if (root == null || !QUEUE_NAME.matcher(queue).matches()) {
            return;
        }
        Path file = root.resolve(queue).resolve(POLICY_FILE);
        try {
            if (json == null) {
                java.nio.file.Files.deleteIfExists(file);
            } else {
                PrivateFiles.write(file, json.getBytes(StandardCharsets.UTF_8), true);
            }
            PrivateFiles.syncFolder(file.getParent());
        } catch (IOException e) {
            log("policy of queue " + queue + " not stored (kept until the local cloud stops): " + e);
        }
    }

    private void log(String line) {
        if (console != null) {
            console.println("[sqs] " + line);
        }
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
            SqsRequest call = SqsRequest.parse(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body,
                    exchange.getRequestURI());
            String denied = deniedSend(call);
            if (denied != null) {
                refuse(exchange, call.json(), 403, "AccessDenied", "com.amazon.coral.service#AccessDeniedException",
                        denied);
                return;
            }
            ResourcePolicy newPolicy = null;
            String newPolicyText = call.policyAttribute();
            if (newPolicyText != null && !newPolicyText.isEmpty()) {
                try {
                    newPolicy = ResourcePolicy.fromJson(newPolicyText, call.queue());
                } catch (IllegalArgumentException invalid) {
                    refuse(exchange, call.json(), 400, "InvalidAttributeValue", "com.amazonaws.sqs#InvalidAttributeValue",
                            "Invalid value for the parameter Policy. Reason: " + invalid.getMessage());
                    return;
                }
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
            if (response.statusCode() / 100 == 2 && call.queue() != null) {
                answer = afterSuccess(call, newPolicy, newPolicyText, answer);
            }
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
    /** An SQS error in the request's protocol (AWS JSON: its type and the Query error code header; Query: XML). */
    private static void refuse(HttpExchange exchange, boolean json, int status, String code, String jsonType,
                               String message) throws IOException {
        if (json) {
            exchange.getResponseHeaders().set("x-amzn-query-error", code + ";Sender");
            AwsErrors.json(exchange, status, jsonType, message);
        } else {
            AwsErrors.xml(exchange, status, code, message);
        }
    }

    private String deniedSend(SqsRequest call) {
        if (!call.action().startsWith("SendMessage") || call.queue() == null) {
            return null;
        }
        String queue = call.queue();
        ResourcePolicy policy = policies.get(queue);
        if (policy == null) {
            return null;
        }
        String principal = "arn:aws:iam::" + accountId + ":root";
        ResourcePolicy.Decision decision = policy.evaluate(ResourcePolicy.Caller.account(accountId),
                "sqs:SendMessage", arn(queue), Map.of("aws:PrincipalAccount", accountId, "aws:PrincipalArn",
                        principal, "aws:SecureTransport", "true", "aws:SourceIp", "127.0.0.1"));
        if (decision != ResourcePolicy.Decision.EXPLICIT_DENY) {
            return null;
        }
        return "User: " + principal + " is not authorized to perform: sqs:" + call.action().toLowerCase(Locale.ROOT)
                + " on resource: " + arn(queue) + " with an explicit deny in a resource-based policy ("
                + policy.logicalId() + ", " + policy.where() + ")";
    }

    /**
     * What a successful call changes beside ElasticMQ, which ignores {@code Policy}: a policy set, removed (an empty
     * {@code Policy}) or deleted with its queue; GetQueueAttributes (AWS JSON) answers the policy set through the API.
     */
    private byte[] afterSuccess(SqsRequest call, ResourcePolicy newPolicy, String newPolicyText, byte[] answer) {
        String queue = call.queue();
        switch (call.action()) {
            case "CreateQueue", "SetQueueAttributes" -> {
                if (newPolicy != null) {
                    policies.put(queue, newPolicy);
                    policyTexts.put(queue, newPolicyText);
                    storePolicy(queue, newPolicyText);
                } else if (newPolicyText != null) {
                    policies.remove(queue);
                    policyTexts.remove(queue);
                    storePolicy(queue, null);
                }
            }
            case "DeleteQueue" -> {
                policies.remove(queue);
                policyTexts.remove(queue);
            }
            case "GetQueueAttributes" -> {
                String text = policyTexts.get(queue);
                if (text != null && call.json() && (call.attributeNames().contains("All")
                        || call.attributeNames().contains("Policy"))) {
                    try {
                        com.fasterxml.jackson.databind.node.ObjectNode root =
                                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(answer);
                        com.fasterxml.jackson.databind.JsonNode attributes = root.get("Attributes");
                        (attributes instanceof com.fasterxml.jackson.databind.node.ObjectNode o ? o
                                : root.putObject("Attributes")).put("Policy", text);
                        return JSON.writeValueAsBytes(root);
                    } catch (IOException | ClassCastException e) {
                        return answer;
                    }
                }
            }
            default -> {
            }
        }
        return answer;
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
