package com.audmg.drive.local.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local cloud needs from a serverless.yml, fully resolved for one stage.
 *
 * @param service the service name
 * @param stage the stage (URL prefix)
 * @param region the provider region
 * @param accountId the (fake) account id
 * @param artifact the handler jar
 * @param functions functions by name, in file order
 * @param routes every http event, in file order
 * @param buckets S3 bucket names by CloudFormation logical id
 * @param minimumCompressionSize provider.apiGateway.minimumCompressionSize, or null (no compression)
 * @param schedules every schedule event, in file order
 * @param stageVariables the REST API stage's variables (from an {@code AWS::ApiGateway::Stage} or
 *     {@code AWS::ApiGateway::Deployment} resource), empty when it has none
 * @param messaging queues, topics, bucket notifications and the sqs/sns/s3 events
 */
public record ServerlessConfig(String service, String stage, String region, String accountId, Path artifact,
                               Map<String, FunctionConfig> functions, List<HttpRoute> routes,
                               Map<String, String> buckets, Integer minimumCompressionSize,
                               List<Schedule> schedules, Map<String, String> stageVariables,
                               Messaging messaging) {

    /** A configuration without queues, topics or bucket notifications. */
    public ServerlessConfig(String service, String stage, String region, String accountId, Path artifact,
                            Map<String, FunctionConfig> functions, List<HttpRoute> routes, Map<String, String> buckets,
                            Integer minimumCompressionSize, List<Schedule> schedules,
                            Map<String, String> stageVariables) {
        this(service, stage, region, accountId, artifact, functions, routes, buckets, minimumCompressionSize,
                schedules, stageVariables, Messaging.NONE);
    }

    /** A configuration without stage variables. */
    public ServerlessConfig(String service, String stage, String region, String accountId, Path artifact,
                            Map<String, FunctionConfig> functions, List<HttpRoute> routes, Map<String, String> buckets,
                            Integer minimumCompressionSize, List<Schedule> schedules) {
        this(service, stage, region, accountId, artifact, functions, routes, buckets, minimumCompressionSize,
                schedules, Map.of(), Messaging.NONE);
    }

    /** The artifact {@code fn}'s workers load: its own {@code package.artifact}, else the service's. */
    public Path artifactOf(FunctionConfig fn) {
        return fn.artifact() != null ? fn.artifact() : artifact;
    }

    public Optional<FunctionConfig> function(String name) {
        return Optional.ofNullable(functions.get(name));
    }
}
