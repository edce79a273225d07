package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Nothing is lost at a stop: a project that is not Audmg Drive (src/test/resources/durable-fixture: a bucket
 * notifies a queue a function consumes) is started with its consumer paused, gets an upload, is stopped before
 * processing it, and started again on the same data folder: the upload is processed then. A copy of the data
 * folder started beside it is a cloud of its own.
 */
class DurableLocalCloudTest {
    private static final Region REGION = Region.EU_CENTRAL_1;

    @TempDir
    Path dir;

    /** One running local cloud and what it printed. */
    private record Running(LocalCloud cloud, ByteArrayOutputStream console) implements AutoCloseable {
        String printed() {
            return console.toString(StandardCharsets.UTF_8);
        }

        /** The worker's {@code EVENT partial} lines whose body contains {@code text}. */
        List<String> processed(String text) {
            return Arrays.stream(printed().split("\n")).filter(l -> l.contains("EVENT partial ")
                    && l.contains(text)).toList();
        }

        List<String> awaitProcessed(String text, int count) throws InterruptedException {
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < until) {
                if (processed(text).size() >= count) {
                    return processed(text);
                }
                Thread.sleep(100);
            }
            throw new AssertionError("not processed: " + text + "\n" + printed());
        }

        @Override
        public void close() {
            cloud.close();
        }
    }

    private Running start(Path config, Path dataDir) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir).config(config)
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build());
        return new Running(cloud, console);
    }

    private static S3Client s3(LocalCloud cloud) {
        return S3Client.builder().endpointOverride(cloud.s3().endpoint()).region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        cloud.s3().accessKeyId(), cloud.s3().secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    private static SqsClient sqs(LocalCloud cloud) {
        return SqsClient.builder().endpointOverride(cloud.sqsEndpoint()).region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        cloud.s3().accessKeyId(), cloud.s3().secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void upload_shouldBeProcessedAfterARestart_whenTheCloudStoppedBeforeProcessingIt() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        String yml = Files.readString(TestFixtures.resource("durable-fixture/serverless.yml"));
        Files.writeString(project.resolve("serverless.yml"), yml);
        Files.writeString(project.resolve("paused.yml"), yml.replace("enabled: true", "enabled: false"));
        TestFixtures.fixtureJar(project.resolve("build"));
        Path data = dir.resolve("data");

        // GIVEN an upload made while the queue's consumer is paused, and the cloud stopped right after it
        try (Running paused = start(project.resolve("paused.yml"), data);
             S3Client s3 = s3(paused.cloud()); SqsClient sqs = sqs(paused.cloud())) {
            s3.putObject(b -> b.bucket("durable-fixture-uploads").key("incoming/song one.txt"),
                    RequestBody.fromString("la la"));
            String url = sqs.getQueueUrl(b -> b.queueName("durable-fixture-uploads")).queueUrl();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String waiting = "0";
            while (System.nanoTime() < until && !waiting.equals("2")) {
                waiting = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                        "ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages");
                Thread.sleep(100);
            }
            assertEquals("2", waiting, "the s3:TestEvent and the upload's record wait in the queue");
            assertEquals(List.of(), paused.processed("incoming/song+one.txt"));
        }
        // A copy of the folder (with the S3 store's extended attributes), taken while nothing runs.
        Path copy = dir.resolve("copy");
        Process cp = new ProcessBuilder("cp", "-a", data.toString(), copy.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());

        // WHEN the cloud starts again on the same folder, with its consumer running
        try (Running resumed = start(project.resolve("serverless.yml"), data)) {
            // THEN the upload is processed, once; the test event S3 sent when the notification was first set up
            // is not sent again
            List<String> done = resumed.awaitProcessed("incoming/song+one.txt", 1);
            assertTrue(done.get(0).contains("count=1"), done.get(0));
            resumed.awaitProcessed("s3:TestEvent", 1);
            Thread.sleep(1500);
            assertEquals(1, resumed.processed("s3:TestEvent").size(), resumed.printed());

            // AND a copy of the folder started beside it is its own cloud: it processes its own copy of the
            // message, and the original does not process the upload a second time
            try (Running other = start(project.resolve("serverless.yml"), copy)) {
                other.awaitProcessed("incoming/song+one.txt", 1);
                assertTrue(!other.cloud().sqsEndpoint().equals(resumed.cloud().sqsEndpoint()));
            }
            assertEquals(1, resumed.processed("incoming/song+one.txt").size(), resumed.printed());
        }
    }

    /** The durable fixture with its queue's consumer disabled (messages wait in the queue), built; its config. */
    private Path pausedProject() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        String yml = Files.readString(TestFixtures.resource("durable-fixture/serverless.yml"));
        Files.writeString(project.resolve("paused.yml"), yml.replace("enabled: true", "enabled: false"));
        TestFixtures.fixtureJar(project.resolve("build"));
        return project.resolve("paused.yml");
    }

    @Test
    void queuePolicySetThroughTheApi_shouldStopS3sDeliveries_untilServerlessYmlsOwnIsBackAtTheNextStart()
            throws Exception {
        Path paused = pausedProject();
        Path data = dir.resolve("data");
        String queueArn = "arn:aws:sqs:eu-central-1:000000000000:durable-fixture-uploads";
        try (Running first = start(paused, data); S3Client s3 = s3(first.cloud());
             SqsClient sqs = sqs(first.cloud())) {
            String url = sqs.getQueueUrl(b -> b.queueName("durable-fixture-uploads")).queueUrl();
            // WHEN the queue's policy, replaced through the API, lets SNS send but not S3
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy",
                    EventsFixtureTest.snsMaySend(queueArn, "arn:aws:sns:eu-central-1:000000000000:any"))));
            s3.putObject(b -> b.bucket("durable-fixture-uploads").key("incoming/refused.txt"),
                    RequestBody.fromString("x"));
            // THEN S3's event is dropped, and the log names the queue, its policy and the bucket
            String expected = "ObjectCreated:Put durable-fixture-uploads/incoming/refused.txt dropped, not delivered"
                    + " to queue durable-fixture-uploads: the policy of queue durable-fixture-uploads"
                    + " (durable-fixture-uploads, set through the SQS API) does not allow s3.amazonaws.com"
                    + " sqs:SendMessage from arn:aws:s3:::durable-fixture-uploads";
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < until && !first.printed().contains(expected)) {
                Thread.sleep(100);
            }
            assertTrue(first.printed().contains(expected), first.printed());
            assertTrue(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages().stream().noneMatch(m -> m.body().contains("refused.txt")));
        }
        // AND at the next start serverless.yml's UploadQueuePolicy is the queue's policy again
        try (Running second = start(paused, data); S3Client s3 = s3(second.cloud());
             SqsClient sqs = sqs(second.cloud())) {
            String url = sqs.getQueueUrl(b -> b.queueName("durable-fixture-uploads")).queueUrl();
            s3.putObject(b -> b.bucket("durable-fixture-uploads").key("incoming/allowed.txt"),
                    RequestBody.fromString("y"));
            List<String> bodies = new java.util.ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < until && bodies.stream().noneMatch(b -> b.contains("allowed.txt"))) {
                sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                        .forEach(m -> bodies.add(m.body()));
            }
            assertTrue(bodies.stream().anyMatch(b -> b.contains("allowed.txt")), bodies.toString());
        }
    }

    @Test
    void topicsAndSubscriptionsMadeThroughTheApi_shouldSurviveARestart() throws Exception {
        Path paused = pausedProject();
        Path data = dir.resolve("data");
        String topicArn;
        try (Running first = start(paused, data); SnsClient sns = sns(first.cloud())) {
            topicArn = sns.createTopic(b -> b.name("made-by-hand")).topicArn();
            // serverless.yml gives this queue no policy: one set through the API lets the topic (and is kept).
            try (SqsClient sqs = sqs(first.cloud())) {
                String dlq = sqs.getQueueUrl(b -> b.queueName("durable-fixture-uploads-dlq")).queueUrl();
                sqs.setQueueAttributes(b -> b.queueUrl(dlq).attributesWithStrings(Map.of("Policy",
                        EventsFixtureTest.snsMaySend("arn:aws:sqs:eu-central-1:000000000000:durable-fixture-uploads-dlq",
                                topicArn))));
            }
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(
                    "arn:aws:sqs:eu-central-1:000000000000:durable-fixture-uploads-dlq"));
        }
        try (Running second = start(paused, data); SnsClient sns = sns(second.cloud());
             SqsClient sqs = sqs(second.cloud())) {
            assertTrue(sns.listTopics().topics().stream().anyMatch(t -> t.topicArn().equals(topicArn)));
            sns.publish(b -> b.topicArn(topicArn).message("still here"));
            String url = sqs.getQueueUrl(b -> b.queueName("durable-fixture-uploads-dlq")).queueUrl();
            List<String> bodies = List.of();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.isEmpty() && System.nanoTime() < until) {
                bodies = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages().stream()
                        .map(m -> m.body()).toList();
            }
            assertEquals(1, bodies.size());
            assertTrue(bodies.get(0).contains("\"Message\":\"still here\""), bodies.get(0));
        }
    }

    private static SnsClient sns(LocalCloud cloud) {
        return SnsClient.builder().endpointOverride(cloud.snsEndpoint()).region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        cloud.s3().accessKeyId(), cloud.s3().secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
