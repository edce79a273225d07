package com.audmg.drive.local.events;

import com.audmg.drive.local.config.Messaging;
import com.audmg.drive.local.s3.ObjectEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * S3 event notifications: matches each object event of the embedded S3 against the buckets' notification
 * configurations (event type, key prefix and suffix) and hands a record in AWS's shape to the target queue,
 * function or topic ({@link Deliveries} retries a busy target).
 */
public final class S3EventRouter implements Consumer<ObjectEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The principal S3 names in events; locally every request is the local credentials' owner. */
    private static final String PRINCIPAL = "AWS:LOCALCLOUDUSER";

    private final List<Messaging.S3Notification> notifications;
    private final String region;
    private final Deliveries deliveries;
    private final EmbeddedSns sns;
    private final EmbeddedSqs sqs;
    private final java.io.PrintStream console;

    /**
     * @param sqs the queues, whose current policies S3's deliveries are checked against (null: not checked)
     * @param console where dropped deliveries are logged, or null
     */
    public S3EventRouter(List<Messaging.S3Notification> notifications, String region, Deliveries deliveries,
                         EmbeddedSns sns, EmbeddedSqs sqs, java.io.PrintStream console) {
        this.notifications = notifications;
        this.region = region;
        this.deliveries = deliveries;
        this.sns = sns;
        this.sqs = sqs;
        this.console = console;
    }

    /**
     * The s3:TestEvent S3 sends to a queue or topic when a notification configuration is set: once per bucket and
     * target, the first time the local cloud runs it on this data folder ({@code sentFile} lists those done; null:
     * at each start). Queues are kept across restarts, so a test event at every start would pile up.
     */
    public void sendTestEvents(java.nio.file.Path sentFile) {
        java.util.Set<String> sent = new java.util.LinkedHashSet<>();
        try {
            if (sentFile != null && java.nio.file.Files.isRegularFile(sentFile)) {
                sent.addAll(java.nio.file.Files.readAllLines(sentFile, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // Sent again: harmless, consumers skip test events.
        }
        boolean added = false;
        for (Messaging.S3Notification n : notifications) {
            if (n.targetType() == Messaging.TargetType.LAMBDA || !sent.add(n.bucket() + " " + n.targetType()
                    + " " + n.target())) {
                continue;
            }
            added = true;
            ObjectNode test = JSON.createObjectNode();
            test.put("Service", "Amazon S3");
            test.put("Event", "s3:TestEvent");
            test.put("Time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            test.put("Bucket", n.bucket());
            test.put("RequestId", requestId());
            test.put("HostId", UUID.randomUUID().toString());
            send(n, text(test), "s3:TestEvent of " + n.bucket());
        }
        if (added && sentFile != null) {
            try {
                com.audmg.drive.local.PrivateFiles.write(sentFile, (String.join("\n", sent) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // Sent again at the next start.
            }
        }
    }

    @Override
    public void accept(ObjectEvent event) {
        for (Messaging.S3Notification n : notifications) {
            if (n.bucket().equals(event.bucket()) && n.matches(event.eventName(), event.key())) {
                send(n, text(record(n, event)), event.eventName() + " " + event.bucket() + "/" + event.key());
            }
        }
    }

    private void send(Messaging.S3Notification n, String body, String what) {
        switch (n.targetType()) {
            case QUEUE -> {
                // Checked at start against serverless.yml's policy; a policy set through the API since may refuse.
                com.audmg.drive.local.config.ResourcePolicy.Decision decision = sqs == null ? null
                        : sqs.serviceMaySend("s3.amazonaws.com", n.target(), n.sourceArn());
                if (decision != null && decision != com.audmg.drive.local.config.ResourcePolicy.Decision.ALLOW) {
                    if (console != null) {
                        String policy = sqs.describePolicy(n.target());
                        console.println("[s3] " + what + " dropped, not delivered to queue " + n.target() + ": "
                                + (policy == null ? "queue " + n.target() + " has no queue policy, so nothing"
                                        + " allows s3.amazonaws.com sqs:SendMessage to it"
                                        : "the policy of queue " + n.target() + " (" + policy + ") "
                                        + (decision == com.audmg.drive.local.config.ResourcePolicy.Decision
                                                .EXPLICIT_DENY ? "denies" : "does not allow")
                                        + " s3.amazonaws.com sqs:SendMessage") + " from " + n.sourceArn());
                    }
                    return;
                }
                deliveries.toQueue(n.target(), body, Map.of(), what);
            }
            case LAMBDA -> deliveries.toFunction(n.target(), body.getBytes(StandardCharsets.UTF_8), what);
            case TOPIC -> sns.publish(sns.arn(n.target()), "Amazon S3 Notification", body, Map.of());
            default -> throw new IllegalStateException();
        }
    }

    /** One event record as S3 sends it (event version 2.1), in a {@code Records} list. */
    ObjectNode record(Messaging.S3Notification n, ObjectEvent e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", region);
        r.put("eventTime", e.time().truncatedTo(ChronoUnit.MILLIS).toString());
        r.put("eventName", e.eventName());
        r.putObject("userIdentity").put("principalId", PRINCIPAL);
        r.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        ObjectNode response = r.putObject("responseElements");
        response.put("x-amz-request-id", requestId());
        response.put("x-amz-id-2", UUID.randomUUID().toString());
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", n.id());
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", e.bucket());
        bucket.putObject("ownerIdentity").put("principalId", PRINCIPAL);
        bucket.put("arn", "arn:aws:s3:::" + e.bucket());
        ObjectNode object = s3.putObject("object");
        object.put("key", encodeKey(e.key()));
        if (e.size() != null) {
            object.put("size", e.size());
        }
        if (e.eTag() != null) {
            object.put("eTag", e.eTag());
        }
        object.put("sequencer", e.sequencer());
        return root;
    }

    /** Keys in S3 events are form-encoded (a space is {@code +}), with {@code /} left as is. */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
    }

    private static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
