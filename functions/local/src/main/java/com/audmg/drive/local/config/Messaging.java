package com.audmg.drive.local.config;

import java.util.List;

/**
 * The queues, topics and event sources of a serverless.yml: {@code AWS::SQS::Queue}, {@code AWS::SNS::Topic},
 * {@code AWS::SNS::Subscription} resources, buckets' {@code NotificationConfiguration}, and the functions'
 * {@code sqs}, {@code sns} and {@code s3} events, resolved to names.
 *
 * @param queues queues in dependency order (dead-letter queues before the queues that use them)
 * @param topics topics
 * @param subscriptions topic subscriptions (resources, inline {@code Subscription}s and {@code sns} events)
 * @param sqsEvents {@code sqs} event source mappings
 * @param s3Notifications bucket notifications (resources and {@code s3} events)
 * @param queuePolicies the {@code AWS::SQS::QueuePolicy} of each queue that has one, by queue name
 * @param topicPolicies the {@code AWS::SNS::TopicPolicy} of each topic that has one, by topic name
 */
public record Messaging(List<Queue> queues, List<Topic> topics, List<Subscription> subscriptions,
                        List<SqsEventSource> sqsEvents, List<S3Notification> s3Notifications,
                        java.util.Map<String, ResourcePolicy> queuePolicies,
                        java.util.Map<String, ResourcePolicy> topicPolicies) {
    public static final Messaging NONE = new Messaging(List.of(), List.of(), List.of(), List.of(), List.of());

    /** Without policies. */
    public Messaging(List<Queue> queues, List<Topic> topics, List<Subscription> subscriptions,
                     List<SqsEventSource> sqsEvents, List<S3Notification> s3Notifications) {
        this(queues, topics, subscriptions, sqsEvents, s3Notifications, java.util.Map.of(), java.util.Map.of());
    }

    public boolean isEmpty() {
        return queues.isEmpty() && topics.isEmpty() && sqsEvents.isEmpty() && s3Notifications.isEmpty();
    }

    /**
     * An {@code AWS::SQS::Queue}.
     *
     * @param visibilityTimeout seconds, or null (SQS default 30)
     * @param messageRetentionPeriod seconds, or null (SQS default 4 days)
     * @param delaySeconds seconds, or null
     * @param receiveMessageWaitTimeSeconds seconds, or null
     * @param maximumMessageSize bytes, or null
     * @param deadLetterQueue the name of the RedrivePolicy's target, or null
     * @param maxReceiveCount the RedrivePolicy's maxReceiveCount (0 without one)
     */
    public record Queue(String logicalId, String name, Integer visibilityTimeout, Integer messageRetentionPeriod,
                        Integer delaySeconds, Integer receiveMessageWaitTimeSeconds, Integer maximumMessageSize,
                        String deadLetterQueue, int maxReceiveCount) {
    }

    /** An {@code AWS::SNS::Topic} (or one an {@code sns} event creates). */
    public record Topic(String logicalId, String name) {
    }

    /** What a subscription delivers to. */
    public enum Protocol { SQS, LAMBDA, EMAIL, EMAIL_JSON }

    /**
     * A topic subscription.
     *
     * @param topic the topic's name
     * @param endpoint the queue's name (SQS), the function's key under {@code functions} (LAMBDA) or the address
     * @param rawMessageDelivery SQS only: the message as the body, without the SNS envelope
     */
    public record Subscription(String topic, Protocol protocol, String endpoint, boolean rawMessageDelivery) {
    }

    /**
     * An {@code sqs} event of a function.
     *
     * @param batchSize at most this many messages per invocation (1 to 10,000; 10 by default)
     * @param maximumBatchingWindowSeconds how long to gather a batch (0: invoke with what one receive returns)
     * @param reportBatchItemFailures {@code functionResponseType: ReportBatchItemFailures}
     */
    public record SqsEventSource(String function, String queue, int batchSize, int maximumBatchingWindowSeconds,
                                 boolean reportBatchItemFailures, boolean enabled) {
    }

    /** Where a bucket notification goes. */
    public enum TargetType { QUEUE, LAMBDA, TOPIC }

    /**
     * One notification configuration of a bucket.
     *
     * @param id the configuration's id ({@code s3.configurationId} of the events)
     * @param events event types as AWS names them, e.g. {@code s3:ObjectCreated:*}
     * @param prefix the key prefix filter, or ""
     * @param suffix the key suffix filter, or ""
     * @param target the queue's or topic's name, or the function's key under {@code functions}
     * @param sourceArn the bucket's ARN as AWS names the bucket (a generated name when it has no {@code BucketName}):
     *     the {@code aws:SourceArn} of S3's deliveries, which queue policies check
     */
    public record S3Notification(String bucket, String id, List<String> events, String prefix, String suffix,
                                 TargetType targetType, String target, String sourceArn) {
        /** A notification of a bucket named as it is locally. */
        public S3Notification(String bucket, String id, List<String> events, String prefix, String suffix,
                              TargetType targetType, String target) {
            this(bucket, id, events, prefix, suffix, targetType, target, "arn:aws:s3:::" + bucket);
        }

        /** Whether an event of type {@code eventName} (e.g. {@code ObjectCreated:Put}) on {@code key} matches. */
        public boolean matches(String eventName, String key) {
            if (!key.startsWith(prefix) || !key.endsWith(suffix)) {
                return false;
            }
            for (String event : events) {
                String e = event.startsWith("s3:") ? event.substring(3) : event;
                if (e.equals(eventName) || e.endsWith(":*")
                        && eventName.startsWith(e.substring(0, e.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
    }
}
