package com.audmg.drive.platform;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where previous-release libraries too large for one request are migrated, read from the environment next
 * to {@link Config}: {@code LIBRARY_MIGRATOR} names the function (deployed name) that does it,
 * {@code INLINE_MIGRATION_MAX_BYTES} the largest old index a request migrates itself (default 4 MiB, some
 * 20,000 files), {@code AWS_ENDPOINT_URL_LAMBDA} an Invoke endpoint override (the local cloud's). Without a
 * migrator every request migrates inline, whatever the size.
 */
public record MigrationSettings(Optional<String> migrator, long inlineMaxBytes, Optional<URI> lambdaEndpoint) {
    public static final long DEFAULT_INLINE_MAX_BYTES = 4L << 20;

    public static MigrationSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static MigrationSettings from(Map<String, String> env) {
        String maxText = env.get("INLINE_MIGRATION_MAX_BYTES");
        long max = DEFAULT_INLINE_MAX_BYTES;
        if (maxText != null && !maxText.isBlank()) {
            try {
                max = Long.parseLong(maxText.trim());
            } catch (NumberFormatException e) {
                throw new Config.ConfigException("INLINE_MIGRATION_MAX_BYTES must be a number of bytes, got '"
                        + maxText + "'");
            }
            if (max < 0) {
                throw new Config.ConfigException("INLINE_MIGRATION_MAX_BYTES must be 0 or more, got " + max);
            }
        }
        String endpoint = Optional.ofNullable(env.get("AWS_ENDPOINT_URL_LAMBDA"))
                .or(() -> Optional.ofNullable(env.get("AWS_ENDPOINT_URL"))).orElse("");
        Optional<URI> lambda = Optional.empty();
        if (!endpoint.isBlank()) {
            URI uri = URI.create(endpoint.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new Config.ConfigException("AWS_ENDPOINT_URL_LAMBDA must be an absolute URL, got '" + endpoint + "'");
            }
            lambda = Optional.of(uri);
        }
        String migrator = env.get("LIBRARY_MIGRATOR");
        return new MigrationSettings(migrator == null || migrator.isBlank() ? Optional.empty()
                : Optional.of(migrator.trim()), max, lambda);
    }
}
