package com.audmg.drive.local.events;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.http.LoopbackServer;
import com.audmg.drive.local.lambda.SigV4Verifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import com.audmg.drive.local.PrivateFiles;
import com.audmg.drive.local.config.ResourcePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The local cloud's SNS: standard topics with sqs, lambda and email subscriptions, served over SNS's Query
 * protocol (form-encoded POST, XML answers) as the AWS SDK's SnsClient and the AWS CLI speak it, SigV4-checked
 * with the local credentials and Host-guarded. Actions: Publish, CreateTopic, DeleteTopic, ListTopics,
 * GetTopicAttributes, Subscribe, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic. Topics and
 * subscriptions of serverless.yml are created at each start; those made through the API are kept in the data
 * folder ({@code sns/state.json}, owner-only) and restored at the next start, as they outlive a restart on AWS.
 */
public final class EmbeddedSns implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
    private static final int MAX_REQUEST_BYTES = 512 * 1024;
    /** SNS's limit on a message (and its attributes): 256 KiB. */
    private static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    /** A subscription: where it delivers and with which ARN. */
    record Subscription(String arn, String topicArn, Messaging.Protocol protocol, String endpoint, boolean raw,
                        String endpointArn, boolean api) {
    }

    private volatile String region = "us-east-1";
    private final String accountId;
    private final HttpServer server;
    private final Map<String, List<Subscription>> topics = new ConcurrentHashMap<>();
    /** Topics made through the API (kept in {@link #stateFile}). */
    private final java.util.Set<String> apiTopics = ConcurrentHashMap.newKeySet();
    private volatile Path stateFile;
    private final Map<String, String> functionArns;
    private final PrintStream console;
    private volatile SigV4Verifier verifier;
    private volatile Deliveries deliveries;
    private volatile EmbeddedSqs sqs;

    /**
     * Binds a free loopback port now; requests get 503 until {@link #open}.
     *
     * @param functionArns function ARN to the function's key under {@code functions} (lambda subscriptions)
     */
    public EmbeddedSns(String accountId, Map<String, String> functionArns, PrintStream console)
            throws IOException {
        this.accountId = accountId;
        this.functionArns = functionArns;
        this.console = console;
        this.server = LoopbackServer.start(0, 64, "sns-api", this::handle,
                exchange -> AwsErrors.xml(exchange, 403, "AuthorizationError", "foreign Host header"));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates the topics and subscriptions of serverless.yml and starts serving. */
    public void open(String accessKeyId, String secretAccessKey, Messaging messaging, Deliveries deliveries,
                     EmbeddedSqs sqs, Map<String, String> functionArns, String region, Path stateFile) {
        this.stateFile = stateFile;
        this.region = region;
        this.functionArns.putAll(functionArns);
        this.deliveries = deliveries;
        this.sqs = sqs;
        for (Messaging.Topic t : messaging.topics()) {
            topics.putIfAbsent(arn(t.name()), new CopyOnWriteArrayList<>());
        }
        for (Messaging.Subscription s : messaging.subscriptions()) {
            String topicArn = arn(s.topic());
            List<Subscription> subs = topics.get(topicArn);
            if (subs == null) {
                throw new IllegalStateException("subscription to unknown topic " + s.topic());
            }
            String endpointArn = switch (s.protocol()) {
                case SQS -> sqs.arn(s.endpoint());
                case LAMBDA -> functionArns.entrySet().stream().filter(e -> e.getValue().equals(s.endpoint()))
                        .map(Map.Entry::getKey).findFirst().orElse(s.endpoint());
                default -> s.endpoint();
            };
            subs.add(new Subscription(topicArn + ":" + UUID.randomUUID(), topicArn, s.protocol(), s.endpoint(),
                    s.rawMessageDelivery(), endpointArn, false));
        }
        restore();
        for (List<Subscription> subs : topics.values()) {
            for (Subscription sub : subs) {
                ResourcePolicy.Decision decision = sub.protocol() == Messaging.Protocol.SQS
                        ? sqs.serviceMaySend("sns.amazonaws.com", sub.endpoint(), sub.topicArn()) : null;
                if (decision != null && decision != ResourcePolicy.Decision.ALLOW) {
                    log("subscription of queue " + sub.endpoint() + " to topic " + sub.topicArn() + " gets nothing"
                            + " while " + refusal(sub.endpoint(), sub.topicArn(), decision) + " (AWS drops such"
                            + " deliveries)");
                }
            }
        }
        this.verifier = new SigV4Verifier(accessKeyId, secretAccessKey, region, "sns");
    }

    /** Why SQS refuses SNS's deliveries from {@code topicArn} to {@code queue}, for the log. */
    private String refusal(String queue, String topicArn, ResourcePolicy.Decision decision) {
        String policy = sqs.describePolicy(queue);
        return policy == null ? "queue " + queue + " has no queue policy, so nothing allows sns.amazonaws.com"
                + " sqs:SendMessage to it from topic " + topicArn
                : "the policy of queue " + queue + " (" + policy + ") " + (decision
                        == ResourcePolicy.Decision.EXPLICIT_DENY ? "denies" : "does not allow")
                        + " sns.amazonaws.com sqs:SendMessage from topic " + topicArn;
    }

    public String arn(String topicName) {
        return "arn:aws:sns:" + region + ":" + accountId + ":" + topicName;
    }

    /**
     * Publishes to a topic as the Publish API does, for the local cloud's own senders (S3 notifications).
     *
     * @return the message id
     */
    public String publish(String topicArn, String subject, String message, Map<String, String[]> attributes) {
        List<Subscription> subs = topics.get(topicArn);
        if (subs == null) {
            throw new IllegalArgumentException("Topic does not exist: " + topicArn);
        }
        String id = UUID.randomUUID().toString();
        String timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        for (Subscription s : subs) {
            deliver(s, id, subject, message, attributes, timestamp);
        }
        return id;
    }

    private void deliver(Subscription s, String id, String subject, String message, Map<String, String[]> attributes,
                         String timestamp) {
        Deliveries d = deliveries;
        String what = "SNS message " + id + " of " + s.topicArn();
        switch (s.protocol()) {
            case LAMBDA -> {
                ObjectNode root = JSON.createObjectNode();
                ObjectNode record = root.putArray("Records").addObject();
                record.put("EventSource", "aws:sns");
                record.put("EventVersion", "1.0");
                record.put("EventSubscriptionArn", s.arn());
                ObjectNode sns = record.putObject("Sns");
                envelope(sns, id, s.topicArn(), subject, message, attributes, timestamp, true);
                d.toFunction(s.endpoint(), bytes(root), what);
            }
            case SQS -> {
                ResourcePolicy.Decision decision = d == null ? null
                        : sqs.serviceMaySend("sns.amazonaws.com", s.endpoint(), s.topicArn());
                if (decision != null && decision != ResourcePolicy.Decision.ALLOW) {
                    // SNS's delivery to the queue is refused by SQS; AWS drops it (no DLQ on the subscription).
                    log(what + " dropped, not delivered to queue " + s.endpoint() + ": "
                            + refusal(s.endpoint(), s.topicArn(), decision));
                    return;
                }
                if (s.raw()) {
                    Map<String, MessageAttributeValue> sqsAttributes = new LinkedHashMap<>();
                    attributes.forEach((name, typeValue) -> sqsAttributes.put(name, typeValue[0].equals("Binary")
                            ? MessageAttributeValue.builder().dataType("Binary").binaryValue(
                                    SdkBytes.fromByteArray(java.util.Base64.getDecoder().decode(typeValue[1]))).build()
                            : MessageAttributeValue.builder().dataType(typeValue[0]).stringValue(typeValue[1]).build()));
                    d.toQueue(s.endpoint(), message, sqsAttributes, what);
                } else {
                    ObjectNode body = JSON.createObjectNode();
                    envelope(body, id, s.topicArn(), subject, message, attributes, timestamp, false);
                    d.toQueue(s.endpoint(), new String(bytes(body), StandardCharsets.UTF_8), Map.of(), what);
                }
            }
            case EMAIL -> d.toEmail(s.endpoint(), subject, message, id);
            case EMAIL_JSON -> {
                ObjectNode body = JSON.createObjectNode();
                envelope(body, id, s.topicArn(), subject, message, attributes, timestamp, false);
                d.toEmail(s.endpoint(), subject, new String(bytes(body), StandardCharsets.UTF_8), id);
            }
            default -> throw new IllegalStateException();
        }
    }

    /**
     * SNS's notification: the {@code Sns} object of a Lambda event ({@code lambdaShape}: {@code SigningCertUrl},
     * {@code UnsubscribeUrl}, {@code Subject} null when absent) or an SQS/e-mail body ({@code SigningCertURL},
     * {@code UnsubscribeURL}, no {@code Subject} when absent). Not signed: the signature is a placeholder.
     */
    private void envelope(ObjectNode n, String id, String topicArn, String subject, String message,
                          Map<String, String[]> attributes, String timestamp, boolean lambdaShape) {
        n.put("Type", "Notification");
        n.put("MessageId", id);
        n.put("TopicArn", topicArn);
        if (subject != null || lambdaShape) {
            n.put("Subject", subject);
        }
        n.put("Message", message);
        n.put("Timestamp", timestamp);
        n.put("SignatureVersion", "1");
        n.put("Signature", "LOCAL-CLOUD-UNSIGNED");
        n.put(lambdaShape ? "SigningCertUrl" : "SigningCertURL", endpoint() + "/SimpleNotificationService-local.pem");
        n.put(lambdaShape ? "UnsubscribeUrl" : "UnsubscribeURL", endpoint()
                + "/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":local");
        if (lambdaShape || !attributes.isEmpty()) {
            ObjectNode attrs = n.putObject("MessageAttributes");
            attributes.forEach((name, typeValue) -> {
                ObjectNode a = attrs.putObject(name);
                a.put("Type", typeValue[0]);
                a.put("Value", typeValue[1]);
            });
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
            if (body.length > MAX_REQUEST_BYTES) {
                AwsErrors.xml(exchange, 413, "RequestEntityTooLarge", "request larger than " + MAX_REQUEST_BYTES
                        + " bytes");
                return;
            }
            SigV4Verifier v = verifier;
            if (v == null) {
                AwsErrors.xml(exchange, 503, "ServiceUnavailable", "the local SNS is starting");
                return;
            }
            SigV4Verifier.Refusal refusal = v.verify(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body, Instant.now());
            if (refusal != null) {
                String code = refusal.errorType().equals("MissingAuthenticationTokenException")
                        ? "MissingAuthenticationToken" : refusal.errorType().replace("Exception", "");
                AwsErrors.xml(exchange, 403, code, refusal.message());
                return;
            }
            Map<String, String> params = form(exchange.getRequestURI().getRawQuery());
            params.putAll(form(new String(body, StandardCharsets.UTF_8)));
            String action = params.getOrDefault("Action", "");
            try {
                String result = switch (action) {
                    case "Publish" -> publish(params);
                    case "CreateTopic" -> createTopic(params);
                    case "DeleteTopic" -> deleteTopic(params);
                    case "ListTopics" -> listTopics();
                    case "GetTopicAttributes" -> topicAttributes(params);
                    case "Subscribe" -> subscribe(params);
                    case "Unsubscribe" -> unsubscribe(params);
                    case "ListSubscriptions" -> listSubscriptions(null);
                    case "ListSubscriptionsByTopic" -> listSubscriptions(existingTopic(params));
                    default -> throw new SnsError(400, "InvalidAction", "Action '" + action
                            + "' is not served by the local SNS (Publish, CreateTopic, DeleteTopic, ListTopics,"
                            + " GetTopicAttributes, Subscribe, Unsubscribe, ListSubscriptions and"
                            + " ListSubscriptionsByTopic are)");
                };
                String xml = "<" + action + "Response xmlns=\"" + XMLNS + "\">"
                        + (result.isEmpty() ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                        + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></"
                        + action + "Response>";
                exchange.getResponseHeaders().set("Content-Type", "text/xml");
                AwsErrors.send(exchange, 200, xml);
                if (action.equals("Publish")) {
                    log("Publish to " + params.get("TopicArn"));
                }
            } catch (SnsError e) {
                AwsErrors.xml(exchange, e.status, e.code, e.getMessage());
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static final class SnsError extends Exception {
        final int status;
        final String code;

        SnsError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private String existingTopic(Map<String, String> params) throws SnsError {
        String arn = params.get("TopicArn");
        if (arn == null) {
            throw new SnsError(400, "InvalidParameter", "TopicArn is required");
        }
        if (!topics.containsKey(arn)) {
            throw new SnsError(404, "NotFound", "Topic does not exist");
        }
        return arn;
    }

    private String publish(Map<String, String> params) throws SnsError {
        String arn = params.getOrDefault("TopicArn", params.get("TargetArn"));
        if (arn == null) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value"
                    + " for required parameter (phone numbers are not served locally)");
        }
        if (!topics.containsKey(arn)) {
            throw new SnsError(404, "NotFound", "Topic does not exist");
        }
        String message = params.get("Message");
        if (message == null || message.isEmpty()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Empty message");
        }
        String subject = params.get("Subject");
        if (subject != null && (subject.isEmpty() || subject.length() > 100)) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Subject must be 1 to 100 characters");
        }
        Map<String, String[]> attributes = new LinkedHashMap<>();
        int size = message.getBytes(StandardCharsets.UTF_8).length;
        for (int i = 1; params.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            String prefix = "MessageAttributes.entry." + i + ".";
            String name = params.get(prefix + "Name");
            String type = params.get(prefix + "Value.DataType");
            String value = params.containsKey(prefix + "Value.BinaryValue") ? params.get(prefix + "Value.BinaryValue")
                    : params.get(prefix + "Value.StringValue");
            if (type == null || value == null) {
                throw new SnsError(400, "ParameterValueInvalid", "The message attribute '" + name
                        + "' must contain non-empty message attribute value and type");
            }
            attributes.put(name, new String[] {type, value});
            size += name.length() + type.length() + value.length();
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Message too long");
        }
        if (params.containsKey("MessageStructure")) {
            throw new SnsError(400, "InvalidParameter", "MessageStructure is not served by the local SNS");
        }
        String id = publish(arn, subject, message, attributes);
        return "<MessageId>" + id + "</MessageId>";
    }

    private String createTopic(Map<String, String> params) throws SnsError {
        String name = params.get("Name");
        if (name == null || !TOPIC_NAME.matcher(name).matches()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Topic Name");
        }
        String arn = arn(name);
        if (topics.putIfAbsent(arn, new CopyOnWriteArrayList<>()) == null) {
            apiTopics.add(arn);
            save();
        }
        return "<TopicArn>" + AwsErrors.escape(arn) + "</TopicArn>";
    }

    private String deleteTopic(Map<String, String> params) throws SnsError {
        String arn = params.get("TopicArn");
        if (arn == null) {
            throw new SnsError(400, "InvalidParameter", "TopicArn is required");
        }
        topics.remove(arn);
        apiTopics.remove(arn);
        save();
        return "";
    }

    private String listTopics() {
        StringBuilder out = new StringBuilder("<Topics>");
        topics.keySet().stream().sorted().forEach(arn -> out.append("<member><TopicArn>")
                .append(AwsErrors.escape(arn)).append("</TopicArn></member>"));
        return out.append("</Topics>").toString();
    }

    private String topicAttributes(Map<String, String> params) throws SnsError {
        String arn = existingTopic(params);
        List<Subscription> subs = topics.get(arn);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("TopicArn", arn);
        attributes.put("Owner", accountId);
        attributes.put("DisplayName", "");
        attributes.put("SubscriptionsConfirmed", Integer.toString(subs.size()));
        attributes.put("SubscriptionsPending", "0");
        attributes.put("SubscriptionsDeleted", "0");
        StringBuilder out = new StringBuilder("<Attributes>");
        attributes.forEach((k, v) -> out.append("<entry><key>").append(k).append("</key><value>")
                .append(AwsErrors.escape(v)).append("</value></entry>"));
        return out.append("</Attributes>").toString();
    }

    private String subscribe(Map<String, String> params) throws SnsError {
        String topicArn = existingTopic(params);
        String protocol = params.getOrDefault("Protocol", "");
        String endpoint = params.get("Endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Endpoint");
        }
        boolean raw = false;
        for (int i = 1; params.containsKey("Attributes.entry." + i + ".key"); i++) {
            String key = params.get("Attributes.entry." + i + ".key");
            String value = params.get("Attributes.entry." + i + ".value");
            if (key.equals("RawMessageDelivery")) {
                raw = "true".equalsIgnoreCase(value);
            } else {
                throw new SnsError(400, "InvalidParameter", "Invalid parameter: Attributes Reason: " + key
                        + " is not served by the local SNS (RawMessageDelivery is)");
            }
        }
        Subscription s;
        switch (protocol) {
            case "sqs" -> {
                String[] parts = endpoint.split(":");
                if (parts.length != 6 || !parts[2].equals("sqs")) {
                    throw new SnsError(400, "InvalidParameter", "Invalid parameter: SQS endpoint ARN");
                }
                s = new Subscription(topicArn + ":" + UUID.randomUUID(), topicArn, Messaging.Protocol.SQS, parts[5],
                        raw, endpoint, true);
            }
            case "lambda" -> {
                String fn = functionArns.get(endpoint);
                if (fn == null) {
                    throw new SnsError(400, "InvalidParameter", "Invalid parameter: Lambda endpoint ARN is not a"
                            + " function of this serverless.yml");
                }
                s = new Subscription(topicArn + ":" + UUID.randomUUID(), topicArn, Messaging.Protocol.LAMBDA, fn,
                        false, endpoint, true);
            }
            case "email", "email-json" -> s = new Subscription(topicArn + ":" + UUID.randomUUID(), topicArn,
                    protocol.equals("email") ? Messaging.Protocol.EMAIL : Messaging.Protocol.EMAIL_JSON, endpoint,
                    false, endpoint, true);
            default -> throw new SnsError(400, "InvalidParameter", "Invalid parameter: Protocol '" + protocol
                    + "' is not served by the local SNS (sqs, lambda, email and email-json are)");
        }
        topics.get(topicArn).add(s);
        save();
        return "<SubscriptionArn>" + AwsErrors.escape(s.arn()) + "</SubscriptionArn>";
    }

    private String unsubscribe(Map<String, String> params) throws SnsError {
        String arn = params.get("SubscriptionArn");
        if (arn == null) {
            throw new SnsError(400, "InvalidParameter", "SubscriptionArn is required");
        }
        topics.values().forEach(list -> list.removeIf(s -> s.arn().equals(arn)));
        save();
        return "";
    }

    private String listSubscriptions(String topicArn) {
        StringBuilder out = new StringBuilder("<Subscriptions>");
        List<Subscription> all = new ArrayList<>();
        topics.forEach((arn, subs) -> {
            if (topicArn == null || topicArn.equals(arn)) {
                all.addAll(subs);
            }
        });
        for (Subscription s : all) {
            out.append("<member><TopicArn>").append(AwsErrors.escape(s.topicArn())).append("</TopicArn><Protocol>")
                    .append(s.protocol().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .append("</Protocol><SubscriptionArn>").append(AwsErrors.escape(s.arn()))
                    .append("</SubscriptionArn><Owner>").append(accountId).append("</Owner><Endpoint>")
                    .append(AwsErrors.escape(s.endpointArn())).append("</Endpoint></member>");
        }
        return out.append("</Subscriptions>").toString();
    }

    /** Writes the topics and subscriptions made through the API to the state file. */
    private synchronized void save() {
        Path file = stateFile;
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode topicList = root.putArray("topics");
        apiTopics.stream().sorted().forEach(topicList::add);
        com.fasterxml.jackson.databind.node.ArrayNode subList = root.putArray("subscriptions");
        topics.values().forEach(list -> list.stream().filter(Subscription::api).forEach(sub -> {
            ObjectNode n = subList.addObject();
            n.put("arn", sub.arn());
            n.put("topicArn", sub.topicArn());
            n.put("protocol", sub.protocol().name());
            n.put("endpoint", sub.endpoint());
            n.put("raw", sub.raw());
            n.put("endpointArn", sub.endpointArn());
        }));
        try {
            PrivateFiles.write(file, bytes(root));
        } catch (IOException e) {
            log("topics and subscriptions not saved to " + file + ": " + e.getMessage());
        }
    }

    /** Adds the topics and subscriptions made through the API in earlier runs. */
    private synchronized void restore() {
        Path file = stateFile;
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode root = JSON.readTree(Files.readAllBytes(file));
            for (com.fasterxml.jackson.databind.JsonNode t : root.path("topics")) {
                topics.putIfAbsent(t.asText(), new CopyOnWriteArrayList<>());
                apiTopics.add(t.asText());
            }
            for (com.fasterxml.jackson.databind.JsonNode n : root.path("subscriptions")) {
                List<Subscription> subs = topics.get(n.path("topicArn").asText());
                if (subs != null) {
                    subs.add(new Subscription(n.path("arn").asText(), n.path("topicArn").asText(),
                            Messaging.Protocol.valueOf(n.path("protocol").asText()), n.path("endpoint").asText(),
                            n.path("raw").asBoolean(), n.path("endpointArn").asText(), true));
                }
            }
        } catch (IOException | RuntimeException e) {
            log("topics and subscriptions in " + file + " not readable, not restored: " + e);
        }
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // A malformed escape: ignored, as the parameter is then missing or invalid.
            }
        }
        return out;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void log(String line) {
        if (console != null) {
            console.println("[sns] " + line);
        }
    }

    @Override
    public void close() {
        LoopbackServer.stop(server);
    }
}
