package com.audmg.drive.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.TestFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queues, topics, bucket notifications and sqs/sns/s3 events as serverless.yml declares them. */
class MessagingConfigTest {
    @TempDir
    Path dir;

    private ServerlessConfig read(Path file) {
        return new ServerlessConfigReader("dev", k -> null, new ParameterStore(dir.resolve("parameters.properties")))
                .sqsEndpoint("http://127.0.0.1:4567").read(file, null);
    }

    private Path yml(String text) throws IOException {
        Path file = dir.resolve("serverless.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void read_shouldResolveTheEventsFixture() {
        ServerlessConfig config = read(TestFixtures.resource("events-fixture/serverless.yml"));
        Messaging m = config.messaging();

        List<String> names = m.queues().stream().map(Messaging.Queue::name).toList();
        assertEquals(List.of("events-fixture-work-dlq", "events-fixture-strict-dlq", "events-fixture-uploads",
                "events-fixture-notes-copy", "events-fixture-notes-raw", "events-fixture-work",
                "events-fixture-strict"), names, "dead-letter queues before the queues that use them");
        Messaging.Queue work = m.queues().get(names.indexOf("events-fixture-work"));
        assertEquals(new Messaging.Queue("WorkQueue", "events-fixture-work", 1, 3600, null, null, null,
                "events-fixture-work-dlq", 2), work);
        assertEquals(List.of(new Messaging.SqsEventSource("partialWorker", "events-fixture-work", 5, 0, true, true),
                new Messaging.SqsEventSource("strictWorker", "events-fixture-strict", 10, 1, false, true)),
                m.sqsEvents());
        assertEquals(List.of("events-fixture-notes", "events-fixture-alerts"),
                m.topics().stream().map(Messaging.Topic::name).toList());
        assertTrue(m.subscriptions().contains(new Messaging.Subscription("events-fixture-notes",
                Messaging.Protocol.SQS, "events-fixture-notes-raw", true)));
        assertTrue(m.subscriptions().contains(new Messaging.Subscription("events-fixture-alerts",
                Messaging.Protocol.LAMBDA, "onNote", false)));
        assertTrue(m.subscriptions().contains(new Messaging.Subscription("events-fixture-notes",
                Messaging.Protocol.EMAIL, "dev@example.com", false)));
        Messaging.S3Notification upload = m.s3Notifications().stream()
                .filter(n -> n.id().equals("onUpload-s3-event-1")).findFirst()
                .orElseThrow(() -> new AssertionError(m.s3Notifications().toString()));
        assertEquals(Messaging.TargetType.LAMBDA, upload.targetType());
        assertEquals("onUpload", upload.target());
        Messaging.S3Notification byResource = m.s3Notifications().stream()
                .filter(n -> n.targetType() == Messaging.TargetType.LAMBDA && n.prefix().equals("direct/")).findFirst()
                .orElseThrow();
        assertEquals("onUpload", byResource.target(), "Fn::GetAtt [OnUploadLambdaFunction, Arn] names onUpload");
        assertEquals("photos/", upload.prefix());
        assertEquals(".jpg", upload.suffix());
        assertTrue(upload.matches("ObjectCreated:Put", "photos/a.jpg"));
        assertTrue(!upload.matches("ObjectRemoved:Delete", "photos/a.jpg"));
        assertTrue(!upload.matches("ObjectCreated:Put", "photos/a.png"));

        Map<String, String> env = config.function("onNote").orElseThrow().environment();
        assertEquals("http://127.0.0.1:4567/000000000000/events-fixture-work", env.get("WORK_QUEUE_URL"));
        assertEquals("arn:aws:sqs:eu-central-1:000000000000:events-fixture-work", env.get("WORK_QUEUE_ARN"));
        assertEquals("arn:aws:sns:eu-central-1:000000000000:events-fixture-notes", env.get("NOTES_TOPIC"));
    }

    @Test
    void read_shouldRefuseFifoQueues_namingTheLine() throws IOException {
        Path file = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: a.jar }
                resources:
                  Resources:
                    Q:
                      Type: AWS::SQS::Queue
                      Properties:
                        QueueName: q.fifo
                        FifoQueue: true
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith("serverless.yml line 10: ") && e.getMessage().contains("FIFO"),
                e.getMessage());
    }

    @Test
    void read_shouldRefuseEventsAndFiltersItCannotRun_namingTheLine() throws IOException {
        Path filter = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: a.jar }
                functions:
                  f:
                    handler: a.B
                    events:
                      - sns:
                          topicName: t
                          filterPolicy: { kind: [a] }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> read(filter));
        assertTrue(e.getMessage().startsWith("serverless.yml line 8: ") && e.getMessage().contains("filterPolicy"),
                e.getMessage());

        Path unknownQueue = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: a.jar }
                functions:
                  f:
                    handler: a.B
                    events:
                      - sqs: arn:aws:sqs:us-east-1:000000000000:elsewhere
                """);
        e = assertThrows(ConfigException.class, () -> read(unknownQueue));
        assertTrue(e.getMessage().contains("'elsewhere', which is not an AWS::SQS::Queue"), e.getMessage());

        Path eventBridge = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: a.jar }
                resources:
                  Resources:
                    B:
                      Type: AWS::S3::Bucket
                      Properties:
                        NotificationConfiguration:
                          EventBridgeConfiguration: { EventBridgeEnabled: true }
                """);
        e = assertThrows(ConfigException.class, () -> read(eventBridge));
        assertTrue(e.getMessage().startsWith("serverless.yml line 10: ")
                && e.getMessage().contains("EventBridgeConfiguration"), e.getMessage());
    }

    @Test
    void read_shouldHonourPerFunctionArtifacts_andCreateBucketsOfS3Events() throws IOException {
        Path file = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: build/main.jar }
                functions:
                  api:
                    handler: a.B
                  media:
                    handler: m.M
                    package: { artifact: media/target/media.jar }
                    events:
                      - s3: uploads-of-s
                resources:
                  Resources:
                    Policy:
                      Type: AWS::SQS::QueuePolicy
                      Properties:
                        Queues: [ 'http://127.0.0.1:4567/000000000000/elsewhere' ]
                        PolicyDocument:
                          Statement:
                            - Effect: Allow
                              Principal: { Service: s3.amazonaws.com }
                              Action: sqs:SendMessage
                              Condition: { ArnLike: { aws:SourceArn: { Fn::Sub: 'arn:${AWS::Partition}:s3:::x-*' } } }
                """);
        ServerlessConfig config = read(file);
        assertEquals(dir.resolve("build/main.jar"), config.artifactOf(config.function("api").orElseThrow()));
        assertEquals(dir.resolve("media/target/media.jar"), config.artifactOf(config.function("media").orElseThrow()));
        // --artifact replaces the service's artifact only
        ServerlessConfig overridden = new ServerlessConfigReader("dev", k -> null,
                new ParameterStore(dir.resolve("parameters.properties"))).sqsEndpoint("http://127.0.0.1:4567")
                .read(file, dir.resolve("other.jar"));
        assertEquals(dir.resolve("other.jar"), overridden.artifactOf(overridden.function("api").orElseThrow()));
        assertEquals(dir.resolve("media/target/media.jar"),
                overridden.artifactOf(overridden.function("media").orElseThrow()));
        assertTrue(config.buckets().containsValue("uploads-of-s"), config.buckets().toString());
        assertEquals("s3:ObjectCreated:*", config.messaging().s3Notifications().get(0).events().get(0));
    }

    @Test
    void read_shouldRefuseOtherEventSources_namingTheLine() throws IOException {
        Path file = yml("""
                service: s
                provider: { name: aws }
                package: { artifact: a.jar }
                functions:
                  f:
                    handler: a.B
                    events:
                      - stream: { type: dynamodb, arn: arn:aws:dynamodb:us-east-1:1:table/t/stream/x }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith("serverless.yml line 8: functions.f.events[0].stream: "), e.getMessage());
    }

    /** A project's first 7 lines: one function, then its resources follow. */
    private static String project(String service) {
        return """
                service: %s
                provider: { name: aws, runtime: java17, region: eu-west-1 }
                package: { artifact: build/fn.jar }
                functions:
                  fn: { handler: a.B }
                resources:
                  Resources:
                """.formatted(service);
    }

    private static final String POLICY_PROJECT = project("policies") + """
                Jobs:
                  Type: AWS::SQS::Queue
                JobsPolicy:
                  Type: AWS::SQS::QueuePolicy
                  Properties:
                    Queues: [{ Ref: Jobs }]
                    PolicyDocument:
                      Statement:
                        - Effect: Allow
                          Principal: { Service: s3.amazonaws.com }
                          Action: sqs:SendMessage
                          Resource: { Fn::GetAtt: [Jobs, Arn] }
                          Condition:
                            ArnLike:
                              aws:SourceArn: { Fn::Sub: 'arn:${AWS::Partition}:s3:::${self:service}-${sls:stage}-%s-*' }
                            StringEquals:
                              aws:SourceAccount: { Ref: AWS::AccountId }
                Inbox:
                  Type: AWS::S3::Bucket
                  DependsOn: JobsPolicy
                  Properties:
                    NotificationConfiguration:
                      QueueConfigurations:
                        - Event: s3:ObjectCreated:*
                          Queue: { Fn::GetAtt: [Jobs, Arn] }
            """;

    @Test
    void read_shouldAcceptABucketNotification_whenTheQueuePolicyAllowsTheBucketAsNamedOnAws() throws IOException {
        // The bucket has no BucketName: CloudFormation names it <stack>-inbox-<random> on AWS.
        ServerlessConfig config = read(yml(POLICY_PROJECT.formatted("inbox")));
        ResourcePolicy policy = config.messaging().queuePolicies().get("policies-dev-Jobs");
        assertEquals(ResourcePolicy.Decision.ALLOW, policy.evaluate(ResourcePolicy.Caller.service("s3.amazonaws.com"),
                "sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:policies-dev-Jobs", Map.of(
                        "aws:SourceArn", "arn:aws:s3:::policies-dev-inbox-1a2b3c", "aws:SourceAccount",
                        "000000000000")));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, policy.evaluate(ResourcePolicy.Caller.service(
                "s3.amazonaws.com"), "sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:policies-dev-Jobs",
                Map.of("aws:SourceArn", "arn:aws:s3:::someone-elses", "aws:SourceAccount", "000000000000")));
    }

    @Test
    void read_shouldRefuseABucketNotification_namingItsLine_whenTheQueuePolicyDoesNotAllowTheBucket()
            throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> read(yml(POLICY_PROJECT.formatted("other"))));
        assertTrue(e.getMessage().startsWith("serverless.yml line 31: NotificationConfiguration.QueueConfigurations[0]:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("does not allow s3.amazonaws.com sqs:SendMessage from"
                + " arn:aws:s3:::policies-dev-inbox-"), e.getMessage());
        assertTrue(e.getMessage().contains("Unable to validate the following destination configurations"),
                e.getMessage());
        assertTrue(e.getMessage().contains("JobsPolicy, serverless.yml line 12"), e.getMessage());

        String withoutPolicy = POLICY_PROJECT.formatted("inbox").replaceAll("(?s)    JobsPolicy:.*?(?=    Inbox:)", "")
                .replace("      DependsOn: JobsPolicy\n", "");
        ConfigException none = assertThrows(ConfigException.class, () -> read(yml(withoutPolicy)));
        assertTrue(none.getMessage().contains("queue 'policies-dev-Jobs' has no AWS::SQS::QueuePolicy"),
                none.getMessage());
    }

    private static final String TOPIC_POLICY_PROJECT = project("topics") + """
                Alerts:
                  Type: AWS::SNS::Topic
                  Properties: { TopicName: topics-alerts }
                AlertsPolicy:
                  Type: AWS::SNS::TopicPolicy
                  Properties:
                    Topics: [{ Ref: Alerts }]
                    PolicyDocument:
                      Statement:
                        - Effect: Allow
                          Principal: { Service: s3.amazonaws.com }
                          Action: sns:Publish
                          Resource: { Ref: Alerts }
                          Condition:
                            ArnLike: { aws:SourceArn: 'arn:aws:s3:::%s' }
                        - Effect: Deny
                          NotPrincipal: { Service: [s3.amazonaws.com] }
                          NotAction: [sns:Subscribe, sns:Receive]
                          NotResource: arn:aws:sns:eu-west-1:000000000000:topics-other
                Photos:
                  Type: AWS::S3::Bucket
                  DependsOn: AlertsPolicy
                  Properties:
                    BucketName: topics-photos
                    NotificationConfiguration:
                      TopicConfigurations:
                        - Event: s3:ObjectCreated:*
                          Topic: { Ref: Alerts }
            """;

    @Test
    void read_shouldCheckABucketsTopicNotification_againstTheTopicPolicy_asAwsDoes() throws IOException {
        ServerlessConfig config = read(yml(TOPIC_POLICY_PROJECT.formatted("topics-photos")));
        assertEquals(1, config.messaging().s3Notifications().size());
        ResourcePolicy policy = config.messaging().topicPolicies().get("topics-alerts");
        String alerts = "arn:aws:sns:eu-west-1:000000000000:topics-alerts";
        // NotPrincipal/NotAction/NotResource: the Deny applies to every principal but S3, every action but
        // Subscribe and Receive, every resource but topics-other.
        assertEquals(ResourcePolicy.Decision.EXPLICIT_DENY, policy.evaluate(ResourcePolicy.Caller.account(
                "000000000000"), "sns:Publish", alerts, Map.of()));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, policy.evaluate(ResourcePolicy.Caller.account(
                "000000000000"), "sns:Subscribe", alerts, Map.of()));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, policy.evaluate(ResourcePolicy.Caller.account(
                "000000000000"), "sns:Publish", "arn:aws:sns:eu-west-1:000000000000:topics-other", Map.of()));
        assertEquals(ResourcePolicy.Decision.ALLOW, policy.evaluate(ResourcePolicy.Caller.service(
                "s3.amazonaws.com"), "sns:Publish", alerts, Map.of("aws:SourceArn", "arn:aws:s3:::topics-photos")));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, policy.evaluate(ResourcePolicy.Caller.service(
                "s3.amazonaws.com"), "sns:Publish", alerts, Map.of("aws:SourceArn", "arn:aws:s3:::elsewhere")));

        ConfigException other = assertThrows(ConfigException.class,
                () -> read(yml(TOPIC_POLICY_PROJECT.formatted("someone-elses"))));
        assertTrue(other.getMessage().startsWith("serverless.yml line 34: NotificationConfiguration"
                + ".TopicConfigurations[0]: the policy of topic 'topics-alerts' (AlertsPolicy, serverless.yml line 13)"
                + " does not allow s3.amazonaws.com sns:Publish from arn:aws:s3:::topics-photos"), other.getMessage());
        String withoutPolicy = TOPIC_POLICY_PROJECT.formatted("x").replaceAll("(?s)    AlertsPolicy:.*?(?=    Photos:)",
                "").replace("      DependsOn: AlertsPolicy\n", "");
        ConfigException none = assertThrows(ConfigException.class, () -> read(yml(withoutPolicy)));
        assertTrue(none.getMessage().contains("topic 'topics-alerts' has no AWS::SNS::TopicPolicy"), none.getMessage());
    }

    @Test
    void read_shouldRefuseWhatIamRefusesInAPolicy_namingItsLine() throws IOException {
        String both = TOPIC_POLICY_PROJECT.formatted("topics-photos").replace(
                "NotAction: [sns:Subscribe, sns:Receive]\n",
                "NotAction: [sns:Subscribe, sns:Receive]\n" + " ".repeat(14) + "Action: sns:Publish\n");
        ConfigException e = assertThrows(ConfigException.class, () -> read(yml(both)));
        assertTrue(e.getMessage().startsWith("serverless.yml line "), e.getMessage());
        assertTrue(e.getMessage().contains("Statement[1] has both Action and NotAction"), e.getMessage());
    }

    @Test
    void policyJson_shouldBeReadAsTheSqsApiGivesIt_withNotForms_andRefusedWithAReason() {
        ResourcePolicy p = ResourcePolicy.fromJson("""
                {"Statement":{"Effect":"Allow","Principal":"*","NotAction":"sqs:DeleteQueue",
                 "NotResource":["arn:aws:sqs:*:*:secret-*"]}}""", "q");
        assertEquals(ResourcePolicy.Decision.ALLOW, p.evaluate(ResourcePolicy.Caller.service("sns.amazonaws.com"),
                "sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:q", Map.of()));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, p.evaluate(ResourcePolicy.Caller.service(
                "sns.amazonaws.com"), "sqs:DeleteQueue", "arn:aws:sqs:eu-west-1:000000000000:q", Map.of()));
        assertEquals(ResourcePolicy.Decision.NOT_ALLOWED, p.evaluate(ResourcePolicy.Caller.service(
                "sns.amazonaws.com"), "sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:secret-1", Map.of()));
        for (String bad : List.of("[]", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Condition\":"
                        + "{\"NumericLessThan\":{\"a\":\"1\"}}}]}", "{")) {
            assertThrows(IllegalArgumentException.class, () -> ResourcePolicy.fromJson(bad, "q"), bad);
        }
    }
}
