package com.audmg.drive.platform;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the media pipeline, read from the environment next to {@link Config}: the bucket of
 * derived objects (thumbnails, previews, covers, waveforms, renditions), the SNS topic that gets
 * upload and processing events, and the SNS endpoint override (local cloud, LocalStack). Each is
 * optional: without a derived bucket no derived URL is signed or object deleted; without a topic
 * nothing is published.
 */
public record PipelineSettings(Optional<String> derivedBucket, Optional<String> topicArn, Optional<URI> snsEndpoint) {

    public static PipelineSettings none() {
        return new PipelineSettings(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static PipelineSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static PipelineSettings from(Map<String, String> env) {
        return new PipelineSettings(optional(env, "DERIVED_BUCKET"), optional(env, "MEDIA_EVENTS_TOPIC"),
                optional(env, "AWS_ENDPOINT_URL_SNS").or(() -> optional(env, "AWS_ENDPOINT_URL")).map(raw -> {
                    URI uri = URI.create(raw);
                    if (uri.getScheme() == null || uri.getHost() == null) {
                        throw new Config.ConfigException("AWS_ENDPOINT_URL_SNS must be an absolute URL, got '" + raw + "'");
                    }
                    return uri;
                }));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
