package com.audmg.drive.platform;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the functions, read once per container from environment variables.
 * A missing or malformed required setting fails at start-up with a message naming it.
 */
public record Config(
        String dataBucket,
        String mediaBucket,
        Optional<String> tokenSecret,
        Optional<String> tokenSecretParameter,
        String tokenIssuer,
        String tokenAudience,
        long tokenTtlSeconds,
        long urlTtlSeconds,
        long maxUploadBytes,
        long quotaBytes,
        int bcryptCost,
        String region,
        Optional<URI> s3Endpoint,
        Optional<URI> ssmEndpoint,
        Optional<URI> presignEndpoint,
        long refreshTtlSeconds,
        int signUpsPerClientPerHour,
        int signUpsPerHour,
        Optional<String> mailFrom,
        Optional<URI> sesEndpoint,
        Lifetimes lifetimes) {

    /**
     * How long the account's codes and short-lived tokens stay valid, in seconds. Each is bounded: a value
     * outside its bounds (a code that never expires, a step no one can finish in time) refuses to start.
     */
    public record Lifetimes(long emailVerificationSeconds, long passwordResetSeconds, long mfaTokenSeconds,
                            long mfaEnrolmentSeconds, long deviceTokenSeconds) {

        public static final long DEFAULT_EMAIL_VERIFICATION_SECONDS = 24 * 3600;
        public static final long DEFAULT_PASSWORD_RESET_SECONDS = 15 * 60;
        public static final long DEFAULT_MFA_TOKEN_SECONDS = 300;
        public static final long DEFAULT_MFA_ENROLMENT_SECONDS = 15 * 60;
        public static final long DEFAULT_DEVICE_TOKEN_SECONDS = 180L * 24 * 3600;

        public static Lifetimes defaults() {
            return new Lifetimes(DEFAULT_EMAIL_VERIFICATION_SECONDS, DEFAULT_PASSWORD_RESET_SECONDS,
                    DEFAULT_MFA_TOKEN_SECONDS, DEFAULT_MFA_ENROLMENT_SECONDS, DEFAULT_DEVICE_TOKEN_SECONDS);
        }

        static Lifetimes from(Map<String, String> env) {
            return new Lifetimes(
                    // An e-mailed code: long enough to reach a slow mailbox, short enough that an old mail is harmless.
                    range(env, "EMAIL_VERIFICATION_TTL_SECONDS", DEFAULT_EMAIL_VERIFICATION_SECONDS, 600, 7 * 24 * 3600),
                    // A reset code sets the password of whoever holds it: at most a day.
                    range(env, "PASSWORD_RESET_TTL_SECONDS", DEFAULT_PASSWORD_RESET_SECONDS, 300, 24 * 3600),
                    // The step between password and second factor: a code is typed in seconds.
                    range(env, "MFA_TOKEN_TTL_SECONDS", DEFAULT_MFA_TOKEN_SECONDS, 60, 900),
                    range(env, "MFA_ENROLMENT_TTL_SECONDS", DEFAULT_MFA_ENROLMENT_SECONDS, 60, 3600),
                    // Renewed at each login with it; revoked by a password change or reset and by account deletion.
                    range(env, "DEVICE_TOKEN_TTL_SECONDS", DEFAULT_DEVICE_TOKEN_SECONDS, 24 * 3600, 400L * 24 * 3600));
        }
    }

    /** Access tokens live minutes: a session revoked or a password changed stops them soon even where not checked. */
    public static final long DEFAULT_TOKEN_TTL_SECONDS = 900;
    public static final long DEFAULT_REFRESH_TTL_SECONDS = 30L * 24 * 3600;
    public static final int DEFAULT_SIGNUPS_PER_CLIENT_PER_HOUR = 20;
    public static final int DEFAULT_SIGNUPS_PER_HOUR = 300;
    public static final long DEFAULT_URL_TTL_SECONDS = 900;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 2_147_483_648L;
    public static final long DEFAULT_QUOTA_BYTES = 10_737_418_240L;
    public static final int DEFAULT_BCRYPT_COST = 11;

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        Optional<String> secret = optional(env, "TOKEN_SECRET");
        Optional<String> secretParameter = optional(env, "TOKEN_SECRET_PARAMETER");
        if (secret.isEmpty() && secretParameter.isEmpty()) {
            throw new ConfigException("TOKEN_SECRET_PARAMETER (or TOKEN_SECRET) must be set");
        }
        Optional<URI> s3Endpoint = uri(env, "AWS_ENDPOINT_URL_S3").or(() -> uri(env, "AWS_ENDPOINT_URL"));
        Optional<URI> ssmEndpoint = uri(env, "AWS_ENDPOINT_URL_SSM").or(() -> uri(env, "AWS_ENDPOINT_URL"));
        // The SDK's service-specific variable for SES API v2 (service id "SESv2").
        Optional<URI> sesEndpoint = uri(env, "AWS_ENDPOINT_URL_SESV2").or(() -> uri(env, "AWS_ENDPOINT_URL"));
        Optional<String> mailFrom = optional(env, "MAIL_FROM");
        if (mailFrom.isPresent() && !mailFrom.get().matches("[^\\r\\n]*@[^\\r\\n]*")) {
            throw new ConfigException("MAIL_FROM must be an e-mail address (optionally 'Name <address>'), got '"
                    + mailFrom.get() + "'");
        }
        return new Config(
                required(env, "DATA_BUCKET"),
                required(env, "MEDIA_BUCKET"),
                secret,
                secretParameter,
                required(env, "TOKEN_ISSUER"),
                required(env, "TOKEN_AUDIENCE"),
                // Access tokens are checked against their session on each request, but the authorizer's cached
                // Allow and other readers trust them until they expire: minutes, at most a day.
                range(env, "TOKEN_TTL_SECONDS", DEFAULT_TOKEN_TTL_SECONDS, 60, 24 * 3600),
                positiveLong(env, "URL_TTL_SECONDS", DEFAULT_URL_TTL_SECONDS),
                positiveLong(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
                positiveLong(env, "QUOTA_BYTES", DEFAULT_QUOTA_BYTES),
                (int) range(env, "BCRYPT_COST", DEFAULT_BCRYPT_COST, 4, 31),
                optional(env, "AWS_REGION").or(() -> optional(env, "AWS_DEFAULT_REGION"))
                        .orElseThrow(() -> new ConfigException("AWS_REGION must be set")),
                s3Endpoint,
                ssmEndpoint,
                uri(env, "S3_PRESIGN_ENDPOINT"),
                range(env, "REFRESH_TTL_SECONDS", DEFAULT_REFRESH_TTL_SECONDS, 3600, 365L * 24 * 3600),
                (int) range(env, "SIGNUPS_PER_CLIENT_PER_HOUR", DEFAULT_SIGNUPS_PER_CLIENT_PER_HOUR, 1, 1_000_000),
                (int) range(env, "SIGNUPS_PER_HOUR", DEFAULT_SIGNUPS_PER_HOUR, 1, 10_000_000),
                mailFrom,
                sesEndpoint,
                Lifetimes.from(env));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new ConfigException(name + " must be set"));
    }

    private static long positiveLong(Map<String, String> env, String name, long defaultValue) {
        return range(env, name, defaultValue, 1, Long.MAX_VALUE);
    }

    private static long range(Map<String, String> env, String name, long defaultValue, long min, long max) {
        Optional<String> raw = optional(env, name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer (between " + min + " and " + max + "), got '"
                    + raw.get() + "'");
        }
    }

    private static Optional<URI> uri(Map<String, String> env, String name) {
        return optional(env, name).map(raw -> {
            try {
                URI uri = URI.create(raw);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("no scheme or host");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " must be an absolute URL, got '" + raw + "'");
            }
        });
    }

    /** A setting is missing or malformed; the message names it. */
    public static final class ConfigException extends IllegalStateException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
