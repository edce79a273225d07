package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * A project that is not Audmg Drive (src/test/resources/events-fixture) run by the local cloud: its sqs, s3 and
 * sns events, its queues, bucket notifications and topics, used with the AWS SDK's own clients over real
 * sockets. The functions print what they received (EventHandlers); the tests read the local cloud's console.
 */
class EventsFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Region REGION = Region.EU_CENTRAL_1;

    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static final ByteArrayOutputStream console = new ByteArrayOutputStream();
    static SqsClient sqs;
    static SnsClient sns;
    static S3Client s3;
    static StaticCredentialsProvider credentials;

    @BeforeAll
    static void start() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Files.copy(TestFixtures.resource("events-fixture/serverless.yml"), project.resolve("serverless.yml"));
        TestFixtures.fixtureJar(project.resolve("build"));
        long t0 = System.nanoTime();
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(project.resolve("serverless.yml"))
                .console(new PrintStream(console, true, StandardCharsets.UTF_8))
                .build());
        System.out.println("events fixture started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(cloud.s3().accessKeyId(),
                cloud.s3().secretAccessKey()));
        sqs = SqsClient.builder().endpointOverride(cloud.sqsEndpoint()).region(REGION)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sns = SnsClient.builder().endpointOverride(cloud.snsEndpoint()).region(REGION)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        s3 = S3Client.builder().endpointOverride(cloud.s3().endpoint()).region(REGION)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @AfterAll
    static void stop() {
        Stream.of(sqs, sns, s3).filter(c -> c != null).forEach(c -> c.close());
        if (cloud != null) {
            long t0 = System.nanoTime();
            cloud.close();
            System.out.println("events fixture stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    // ---- helpers ----

    /** The {@code EVENT <kind>} lines printed so far, each as its key=value pairs. */
    static List<Map<String, String>> events(String kind) {
        List<Map<String, String>> out = new ArrayList<>();
        String marker = "EVENT " + kind + " ";
        for (String line : console.toString(StandardCharsets.UTF_8).split("\n")) {
            int at = line.indexOf(marker);
            if (at < 0) {
                continue;
            }
            Map<String, String> pairs = new LinkedHashMap<>();
            for (String pair : line.substring(at + marker.length()).split("\\|")) {
                int eq = pair.indexOf('=');
                pairs.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            out.add(pairs);
        }
        return out;
    }

    static List<Map<String, String>> await(String kind, Predicate<List<Map<String, String>>> done, Duration max)
            throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            List<Map<String, String>> seen = events(kind);
            if (done.test(seen)) {
                return seen;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + kind + " events; console:\n"
                + console.toString(StandardCharsets.UTF_8));
    }

    static String queueUrl(String name) {
        return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /** Receives until {@code count} messages came or {@code max} passed, deleting them. */
    static List<Message> drain(String queue, int count, Duration max) {
        String url = queueUrl(queue);
        List<Message> got = new ArrayList<>();
        long until = System.nanoTime() + max.toNanos();
        while (got.size() < count && System.nanoTime() < until) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All")).messages()) {
                got.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return got;
    }

    static Map<String, String> counts(String queue) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl(queue)).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
    }

    // ---- sqs ----

    @Test
    void sqsEvent_shouldDeleteHandledMessages_retryReportedFailures_andRedriveThemAfterMaxReceiveCount()
            throws Exception {
        String url = queueUrl("events-fixture-work");
        assertEquals(cloud.sqsEndpoint() + "/000000000000/events-fixture-work", url, "queue URLs name the endpoint");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("ok-1").messageAttributes(Map.of("origin",
                software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String")
                        .stringValue("test").build())));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("fail-1"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("ok-2"));

        // fail-1 is received twice (maxReceiveCount 2), then moves to the dead-letter queue.
        List<Message> dead = drain("events-fixture-work-dlq", 1, Duration.ofSeconds(20));
        assertEquals(1, dead.size(), "one message in the DLQ; console:\n" + console);
        assertEquals("fail-1", dead.get(0).body());

        List<Map<String, String>> seen = events("partial");
        List<String> fails = seen.stream().filter(e -> e.get("body").equals("fail-1")).map(e -> e.get("count")).toList();
        assertEquals(List.of("1", "2"), fails, "fail-1 delivered once per receive until redriven: " + seen);
        for (String ok : List.of("ok-1", "ok-2")) {
            List<Map<String, String>> times = seen.stream().filter(e -> e.get("body").equals(ok)).toList();
            assertEquals(1, times.size(), ok + " handled once and deleted: " + seen);
            assertEquals("1", times.get(0).get("count"));
        }
        Map<String, String> first = seen.stream().filter(e -> e.get("body").equals("ok-1")).findFirst().orElseThrow();
        assertEquals("arn:aws:sqs:eu-central-1:000000000000:events-fixture-work", first.get("arn"));
        assertEquals("aws:sqs", first.get("source"));
        assertEquals("test", first.get("attr"), "message attributes reach the function");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                "ok-1".getBytes(StandardCharsets.UTF_8))), first.get("md5"));
        Map<String, String> left = counts("events-fixture-work");
        assertEquals("0", left.get("ApproximateNumberOfMessages"), left.toString());
        assertEquals("0", left.get("ApproximateNumberOfMessagesNotVisible"), left.toString());
    }

    @Test
    void sqsEvent_shouldRetryTheWholeBatch_whenTheFunctionFails_gatheringWithinTheBatchingWindow() throws Exception {
        String url = queueUrl("events-fixture-strict");
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("a").messageBody("boom"), e -> e.id("b").messageBody("fine")));

        List<Message> dead = drain("events-fixture-strict-dlq", 2, Duration.ofSeconds(25));
        assertEquals(List.of("boom", "fine"), dead.stream().map(Message::body).sorted().toList(),
                "both redriven after two failed batches; console:\n" + console);
        List<Map<String, String>> seen = events("strict");
        List<String> fineCounts = seen.stream().filter(e -> e.get("body").equals("fine")).map(e -> e.get("count"))
                .toList();
        assertEquals(List.of("1", "2"), fineCounts, "the message that did not fail was retried with its batch: "
                + seen);
        assertTrue(seen.stream().allMatch(e -> e.get("batch").equals("2")), "one batch of both each time: " + seen);
    }

    // ---- s3 ----

    @Test
    void s3Event_shouldInvokeTheFunction_forAPresignedPutMatchingItsRules_only() throws Exception {
        byte[] jpeg = new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, 4, 5};
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(cloud.s3().endpoint()).region(REGION)
                .credentialsProvider(credentials).serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build()).build()) {
            for (String key : List.of("photos/My Cat ü.jpg", "photos/notes.txt", "other/dog.jpg")) {
                URL url = presigner.presignPutObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                        .putObjectRequest(p -> p.bucket("events-fixture-uploads").key(key))).url();
                HttpURLConnection put = (HttpURLConnection) url.openConnection();
                put.setRequestMethod("PUT");
                put.setDoOutput(true);
                put.getOutputStream().write(jpeg);
                assertEquals(200, put.getResponseCode());
            }
        }
        await("s3", s -> s.stream().anyMatch(e -> e.get("key").startsWith("photos/")), Duration.ofSeconds(20));
        Thread.sleep(500);
        List<Map<String, String>> seen = events("s3").stream().filter(e -> !e.get("key").startsWith("direct/"))
                .toList();
        assertEquals(1, seen.size(), "only photos/*.jpg matches: " + seen);
        Map<String, String> e = seen.get(0);
        assertEquals("ObjectCreated:Put", e.get("name"));
        assertEquals("aws:s3", e.get("source"));
        assertEquals("events-fixture-uploads", e.get("bucket"));
        assertEquals("photos/My+Cat+%C3%BC.jpg", e.get("key"), "keys are form-encoded in S3 events");
        assertEquals("photos/My Cat ü.jpg", e.get("decoded"));
        assertEquals(Integer.toString(jpeg.length), e.get("size"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(jpeg)), e.get("etag"));
        assertTrue(e.get("sequencer").matches("[0-9A-F]{16,}"), e.get("sequencer"));
        assertEquals("eu-central-1", e.get("region"));
    }

    @Test
    void bucketNotification_shouldSendTheTestEventThenPutCopyMultipartAndDeleteRecords_toTheQueue()
            throws Exception {
        byte[] body = "hello notifications".getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket("events-fixture-uploads").key("incoming/a b+c.txt"), RequestBody.fromBytes(body));
        s3.putObject(b -> b.bucket("events-fixture-uploads").key("elsewhere/x.txt"), RequestBody.fromBytes(body));
        s3.copyObject(b -> b.sourceBucket("events-fixture-uploads").sourceKey("incoming/a b+c.txt")
                .destinationBucket("events-fixture-uploads").destinationKey("incoming/copy.txt"));
        String upload = s3.createMultipartUpload(b -> b.bucket("events-fixture-uploads").key("incoming/big.bin"))
                .uploadId();
        String etag = s3.uploadPart(b -> b.bucket("events-fixture-uploads").key("incoming/big.bin").uploadId(upload)
                .partNumber(1), RequestBody.fromBytes(body)).eTag();
        s3.completeMultipartUpload(b -> b.bucket("events-fixture-uploads").key("incoming/big.bin").uploadId(upload)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        s3.deleteObject(b -> b.bucket("events-fixture-uploads").key("incoming/copy.txt"));
        s3.deleteObject(b -> b.bucket("events-fixture-uploads").key("incoming/never-existed.txt"));

        List<Message> messages = drain("events-fixture-uploads", 5, Duration.ofSeconds(15));
        List<JsonNode> bodies = new ArrayList<>();
        for (Message m : messages) {
            bodies.add(JSON.readTree(m.body()));
        }
        JsonNode test = bodies.stream().filter(b -> b.has("Event")).findFirst().orElseThrow(
                () -> new AssertionError("no s3:TestEvent in " + bodies));
        assertEquals("s3:TestEvent", test.get("Event").asText());
        assertEquals("events-fixture-uploads", test.get("Bucket").asText());
        assertEquals("Amazon S3", test.get("Service").asText());

        List<JsonNode> records = bodies.stream().filter(b -> b.has("Records")).map(b -> b.get("Records").get(0))
                .sorted(java.util.Comparator.comparing(r -> r.get("s3").get("object").get("sequencer").asText()))
                .toList();
        assertEquals(List.of("ObjectCreated:Put incoming/a+b%2Bc.txt", "ObjectCreated:Copy incoming/copy.txt",
                        "ObjectCreated:CompleteMultipartUpload incoming/big.bin", "ObjectRemoved:Delete incoming/copy.txt"),
                records.stream().map(r -> r.get("eventName").asText() + " " + r.get("s3").get("object").get("key")
                        .asText()).toList(), "in order, matching the prefix, only deletes of existing objects");
        JsonNode put = records.get(0);
        assertEquals("2.1", put.get("eventVersion").asText());
        assertEquals("aws:s3", put.get("eventSource").asText());
        assertEquals("arn:aws:s3:::events-fixture-uploads", put.get("s3").get("bucket").get("arn").asText());
        assertEquals(body.length, put.get("s3").get("object").get("size").asLong());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)),
                put.get("s3").get("object").get("eTag").asText());
        assertFalse(records.get(3).get("s3").get("object").has("size"), "removals carry no size");

        // The events library reads it, as a consumer of the queue would.
        S3EventNotification parsed = com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers
                .serializerFor(com.amazonaws.services.lambda.runtime.events.S3Event.class,
                        EventsFixtureTest.class.getClassLoader())
                .fromJson(messages.stream().filter(m -> m.body().contains("ObjectCreated:Put")).findFirst()
                        .orElseThrow().body());
        assertEquals("incoming/a b+c.txt", parsed.getRecords().get(0).getS3().getObject().getUrlDecodedKey());
    }

    @Test
    void bucketNotification_shouldInvokeFunctionsAndPublishToTopics_fromLambdaAndTopicConfigurations()
            throws Exception {
        byte[] body = "direct".getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket("events-fixture-uploads").key("direct/d.bin"), RequestBody.fromBytes(body));
        s3.putObject(b -> b.bucket("events-fixture-uploads").key("disk.alert"), RequestBody.fromBytes(body));

        Map<String, String> direct = await("s3", s -> s.stream().anyMatch(e -> e.get("key").equals("direct/d.bin")),
                Duration.ofSeconds(20)).stream().filter(e -> e.get("key").equals("direct/d.bin")).findFirst()
                .orElseThrow();
        assertEquals("ObjectCreated:Put", direct.get("name"));
        assertEquals("6", direct.get("size"));

        Map<String, String> alert = await("sns", s -> s.stream().anyMatch(e -> e.get("message").contains("disk.alert")),
                Duration.ofSeconds(20)).stream().filter(e -> e.get("message").contains("disk.alert")).findFirst()
                .orElseThrow();
        assertEquals("arn:aws:sns:eu-central-1:000000000000:events-fixture-alerts", alert.get("topic"));
        assertEquals("Amazon S3 Notification", alert.get("subject"));
        JsonNode record = JSON.readTree(alert.get("message")).get("Records").get(0);
        assertEquals("ObjectCreated:Put", record.get("eventName").asText());
        assertEquals("disk.alert", record.get("s3").get("object").get("key").asText());
    }

    // ---- sns ----

    @Test
    void snsPublish_shouldInvokeTheSnsFunction_andFillTheSubscribedQueues_andTheOutbox() throws Exception {
        String topicArn = "arn:aws:sns:eu-central-1:000000000000:events-fixture-notes";
        assertTrue(sns.listTopics().topics().stream().anyMatch(t -> t.topicArn().equals(topicArn)));
        assertTrue(sns.listTopics().topics().stream().anyMatch(t -> t.topicArn().endsWith(":events-fixture-alerts")),
                "the short sns event form creates its topic");
        String id = sns.publish(b -> b.topicArn(topicArn).subject("Greeting").message("{\"hello\":\"world\"}")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String")
                        .stringValue("note").build()))).messageId();
        assertNotNull(id);

        Map<String, String> e = await("sns", s -> s.stream().anyMatch(x -> x.get("subject").equals("Greeting")),
                Duration.ofSeconds(20)).stream().filter(x -> x.get("subject").equals("Greeting")).findFirst()
                .orElseThrow();
        assertEquals("aws:sns", e.get("source"));
        assertEquals("Notification", e.get("type"));
        assertEquals(topicArn, e.get("topic"));
        assertEquals("Greeting", e.get("subject"));
        assertEquals("{\"hello\":\"world\"}", e.get("message"));
        assertEquals(id, e.get("id"));
        assertEquals("note", e.get("attr"));
        // Environment: endpoints and the values of { Ref } / { Fn::GetAtt } of queues and topics.
        assertEquals(cloud.sqsEndpoint().toString(), e.get("sqsEndpoint"));
        assertEquals(cloud.snsEndpoint().toString(), e.get("snsEndpoint"));
        assertEquals(cloud.sqsEndpoint() + "/000000000000/events-fixture-work", e.get("queueUrl"));
        assertEquals("arn:aws:sqs:eu-central-1:000000000000:events-fixture-work", e.get("queueArn"));
        assertEquals("events-fixture-work", e.get("queueName"));
        assertEquals(topicArn, e.get("topicArn"));

        Message wrapped = drain("events-fixture-notes-copy", 1, Duration.ofSeconds(10)).get(0);
        JsonNode envelope = JSON.readTree(wrapped.body());
        assertEquals("Notification", envelope.get("Type").asText());
        assertEquals(id, envelope.get("MessageId").asText());
        assertEquals(topicArn, envelope.get("TopicArn").asText());
        assertEquals("Greeting", envelope.get("Subject").asText());
        assertEquals("{\"hello\":\"world\"}", envelope.get("Message").asText());
        assertEquals("note", envelope.get("MessageAttributes").get("kind").get("Value").asText());

        Message raw = drain("events-fixture-notes-raw", 1, Duration.ofSeconds(10)).get(0);
        assertEquals("{\"hello\":\"world\"}", raw.body(), "raw delivery: the message itself");
        assertEquals("note", raw.messageAttributes().get("kind").stringValue());

        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Path outbox = dir.resolve("data/outbox");
        while (!(Files.isDirectory(outbox) && Files.list(outbox).findAny().isPresent())
                && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        try (Stream<Path> mails = Files.list(outbox)) {
            Path mail = mails.findFirst().orElseThrow();
            String text = Files.readString(mail);
            assertTrue(text.contains("To: dev@example.com") && text.contains("Subject: Greeting")
                    && text.contains("{\"hello\":\"world\"}"), text);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(mail)));
        }
    }

    @Test
    void snsApi_shouldCreateTopicsAndSqsSubscriptions_andDeliverToThem() throws Exception {
        String topic = sns.createTopic(b -> b.name("made-by-client")).topicArn();
        assertEquals("arn:aws:sns:eu-central-1:000000000000:made-by-client", topic);
        String queueArn = "arn:aws:sqs:eu-central-1:000000000000:events-fixture-uploads-client";
        // As on AWS, the queue's policy (here set through the SQS API) must let the topic send to it.
        sqs.createQueue(b -> b.queueName("events-fixture-uploads-client").attributesWithStrings(Map.of("Policy",
                snsMaySend(queueArn, topic))));
        String sub = sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true"))).subscriptionArn();
        assertTrue(sns.listSubscriptions().subscriptions().stream().anyMatch(s -> s.subscriptionArn().equals(sub)
                && s.endpoint().equals(queueArn) && s.protocol().equals("sqs")));
        sns.publish(b -> b.topicArn(topic).message("plain text"));
        assertEquals("plain text", drain("events-fixture-uploads-client", 1, Duration.ofSeconds(10)).get(0).body());

        SnsException missing = assertThrows(SnsException.class,
                () -> sns.publish(b -> b.topicArn(topic + "-nope").message("x")));
        assertEquals(404, missing.statusCode());
        SnsException empty = assertThrows(SnsException.class, () -> sns.publish(b -> b.topicArn(topic).message("")));
        assertEquals(400, empty.statusCode());
    }

    // ---- security ----

    @Test
    void queuePolicy_shouldRefuseAnExplicitlyDeniedSend_andSnsDeliveriesItDoesNotAllow() throws Exception {
        // The account's own credentials: allowed by their identity-based permission unless a Deny matches.
        SqsException denied = assertThrows(SqsException.class, () -> sqs.sendMessage(b -> b
                .queueUrl(queueUrl("events-fixture-uploads")).messageBody("not from the bucket")));
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
        assertTrue(denied.getMessage().contains("explicit deny in a resource-based policy"), denied.getMessage());
        assertTrue(denied.getMessage().contains("UploadQueuePolicy"), denied.getMessage());
        String scratch = sqs.createQueue(b -> b.queueName("events-fixture-scratch")).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(scratch).messageBody("no policy: allowed"));
        sqs.deleteQueue(b -> b.queueUrl(scratch));

        // A topic the queues' policies do not name: SQS refuses SNS's deliveries, which are dropped.
        String intruder = sns.createTopic(b -> b.name("events-fixture-intruder")).topicArn();
        for (String q : List.of("events-fixture-uploads", "events-fixture-notes-copy")) {
            sns.subscribe(b -> b.topicArn(intruder).protocol("sqs")
                    .endpoint("arn:aws:sqs:eu-central-1:000000000000:" + q));
        }
        String marker = "intruder-" + java.util.UUID.randomUUID();
        sns.publish(b -> b.topicArn(intruder).message(marker));
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until && !(console.toString(StandardCharsets.UTF_8)
                .contains("not delivered to queue events-fixture-uploads")
                && console.toString(StandardCharsets.UTF_8).contains("not delivered to queue events-fixture-notes-copy"))) {
            Thread.sleep(50);
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("dropped, not delivered to queue events-fixture-uploads: the policy of queue"
                + " events-fixture-uploads (UploadQueuePolicy, serverless.yml line "), printed);
        assertTrue(printed.contains(") denies sns.amazonaws.com sqs:SendMessage from topic " + intruder), printed);
        assertTrue(printed.contains("dropped, not delivered to queue events-fixture-notes-copy: the policy of queue"
                + " events-fixture-notes-copy (NotesQueuePolicy, serverless.yml line "), printed);
        assertTrue(printed.contains(") does not allow sns.amazonaws.com sqs:SendMessage from topic " + intruder),
                printed);
        for (String q : List.of("events-fixture-uploads", "events-fixture-notes-copy")) {
            for (int i = 0; i < 2; i++) {
                sqs.receiveMessage(b -> b.queueUrl(queueUrl(q)).maxNumberOfMessages(10).visibilityTimeout(0)
                        .waitTimeSeconds(1)).messages().forEach(m -> assertTrue(!m.body().contains(marker), q));
            }
        }
        sns.deleteTopic(b -> b.topicArn(intruder));
    }

    @Test
    void queueWithoutAPolicy_shouldGetNoSnsDelivery_andTheDropBeLoggedNamingQueueAndTopic() throws Exception {
        String topic = sns.createTopic(b -> b.name("events-fixture-open")).topicArn();
        String url = sqs.createQueue(b -> b.queueName("events-fixture-no-policy")).queueUrl();
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs")
                .endpoint("arn:aws:sqs:eu-central-1:000000000000:events-fixture-no-policy"));
        String marker = "unguarded-" + java.util.UUID.randomUUID();
        sns.publish(b -> b.topicArn(topic).message(marker));
        String expected = "dropped, not delivered to queue events-fixture-no-policy: queue events-fixture-no-policy"
                + " has no queue policy, so nothing allows sns.amazonaws.com sqs:SendMessage to it from topic " + topic;
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until && !console.toString(StandardCharsets.UTF_8).contains(expected)) {
            Thread.sleep(50);
        }
        assertTrue(console.toString(StandardCharsets.UTF_8).contains(expected), console.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages());

        // Once a policy set through the API lets the topic, the next message arrives.
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", snsMaySend(
                "arn:aws:sqs:eu-central-1:000000000000:events-fixture-no-policy", topic))));
        sns.publish(b -> b.topicArn(topic).message("now allowed"));
        assertTrue(drain("events-fixture-no-policy", 1, Duration.ofSeconds(10)).get(0).body()
                .contains("now allowed"));
        sns.deleteTopic(b -> b.topicArn(topic));
        sqs.deleteQueue(b -> b.queueUrl(url));
    }

    @Test
    void queuePolicySetThroughTheApi_shouldBeEnforcedAnsweredAndRemovable_andAnInvalidOneRefused() throws Exception {
        String arn = "arn:aws:sqs:eu-central-1:000000000000:events-fixture-api-policy";
        // A policy as the console writes it, with NotPrincipal/NotAction forms: deny everyone but S3 every action
        // but ReceiveMessage.
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Sid":"OnlyS3Sends","Effect":"Deny",
                 "NotPrincipal":{"Service":"s3.amazonaws.com"},"NotAction":"sqs:ReceiveMessage","Resource":"%s"}]}
                """.formatted(arn);
        String url = sqs.createQueue(b -> b.queueName("events-fixture-api-policy")
                .attributesWithStrings(Map.of("Policy", policy))).queueUrl();
        SqsException denied = assertThrows(SqsException.class, () -> sqs.sendMessage(b -> b.queueUrl(url)
                .messageBody("from the account")));
        assertEquals(403, denied.statusCode());
        assertTrue(denied.getMessage().contains("explicit deny in a resource-based policy (events-fixture-api-policy,"
                + " set through the SQS API)"), denied.getMessage());
        assertEquals(policy, sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("Policy"))
                .attributesAsStrings().get("Policy"));
        assertEquals(policy, sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("All"))
                .attributesAsStrings().get("Policy"));

        SqsException invalid = assertThrows(SqsException.class, () -> sqs.setQueueAttributes(b -> b.queueUrl(url)
                .attributesWithStrings(Map.of("Policy", "{\"Statement\":[{\"Effect\":\"Maybe\"}]}"))));
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.getMessage().contains("Invalid value for the parameter Policy"), invalid.getMessage());
        SqsException notJson = assertThrows(SqsException.class, () -> sqs.setQueueAttributes(b -> b.queueUrl(url)
                .attributesWithStrings(Map.of("Policy", "not json"))));
        assertEquals(400, notJson.statusCode());
        // The refused change left the policy as it was.
        assertEquals(403, assertThrows(SqsException.class, () -> sqs.sendMessage(b -> b.queueUrl(url)
                .messageBody("x"))).statusCode());

        // An empty Policy removes it: the account's own credentials may send again.
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", "")));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("allowed again"));
        assertEquals(null, sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("All"))
                .attributesAsStrings().get("Policy"));
        sqs.deleteQueue(b -> b.queueUrl(url));
    }

    /** A queue policy letting {@code topicArn} (SNS) send to {@code queueArn}, as AWS's documentation writes it. */
    static String snsMaySend(String queueArn, String topicArn) {
        return """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},
                 "Action":"sqs:SendMessage","Resource":"%s","Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}
                """.formatted(queueArn, topicArn);
    }

    @Test
    void endpoints_shouldRefuseWrongKeys_andForeignHostHeaders() throws Exception {
        StaticCredentialsProvider wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                cloud.s3().accessKeyId(), "not-the-secret"));
        try (SqsClient badSqs = SqsClient.builder().endpointOverride(cloud.sqsEndpoint()).region(REGION)
                .credentialsProvider(wrong).httpClient(UrlConnectionHttpClient.create()).build();
             SnsClient badSns = SnsClient.builder().endpointOverride(cloud.snsEndpoint()).region(REGION)
                     .credentialsProvider(wrong).httpClient(UrlConnectionHttpClient.create()).build()) {
            assertEquals(403, assertThrows(SqsException.class, badSqs::listQueues).statusCode());
            assertEquals(403, assertThrows(SnsException.class, badSns::listTopics).statusCode());
        }
        for (URI endpoint : List.of(cloud.sqsEndpoint(), cloud.snsEndpoint())) {
            String answer = rawRequest(endpoint, "POST / HTTP/1.1\r\nHost: evil.example:" + endpoint.getPort()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\nConnection: close"
                    + "\r\n\r\nAction=ListTopics");
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
    }

    static String rawRequest(URI endpoint, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", endpoint.getPort())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---- start-up lines ----

    @Test
    void startupSummary_shouldNameTheSqsAndSnsEndpoints_withWorkingCliExamples() throws Exception {
        List<String> lines = cloud.startupSummary();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SQS         " + cloud.sqsEndpoint())), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SNS         " + cloud.snsEndpoint())), lines.toString());
        String sqsExample = lines.stream().filter(l -> l.contains("sqs list-queues")).findFirst().orElseThrow().trim();
        String snsExample = lines.stream().filter(l -> l.contains("sns list-topics")).findFirst().orElseThrow().trim();
        Path aws = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(p -> Path.of(p, "aws")).filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(aws != null, "no AWS CLI on PATH: the examples were not run");
        assertTrue(run(sqsExample).contains("events-fixture-work"), sqsExample);
        assertTrue(run(snsExample).contains("events-fixture-notes"), snsExample);
    }

    static String run(String example) throws Exception {
        String[] words = example.split(" ");
        Map<String, String> env = new LinkedHashMap<>();
        List<String> command = new ArrayList<>();
        for (String w : words) {
            if (command.isEmpty() && w.contains("=")) {
                env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
            } else {
                command.add(w);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), example + "\n" + out);
        return out;
    }
}
