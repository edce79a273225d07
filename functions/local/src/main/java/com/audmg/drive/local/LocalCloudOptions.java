package com.audmg.drive.local;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link LocalCloud}. Precedence: what is set here (the CLI) &gt; serverless.yml &gt; defaults.
 *
 * @param port the gateway port, 0 for a free one
 * @param dataDir where S3 objects, generated secrets and logs persist
 * @param stage the stage (the first path segment of every URL)
 * @param config the serverless.yml
 * @param artifact the handler jar, or null for serverless.yml's package.artifact (relative to its folder)
 * @param s3Endpoint an external S3 to use instead of the embedded one, or null
 * @param prewarm start every function worker in the background as soon as the cloud is ready
 * @param console where function and gateway logs are echoed, or null for log files only
 * @param jdkRoots where to look for a JDK matching each function's {@code runtime} (default
 *     {@link com.audmg.drive.local.lambda.JdkLocator#defaultRoots()}: /usr/lib/jvm, SDKMAN!, ...)
 * @param sqsRetryDelay null for AWS's behaviour (a message an sqs function failed on is received again when its
 *     visibility timeout ends); else failed messages are made visible again after this delay, so that retries
 *     and dead-letter redrives of queues with long visibility timeouts happen within seconds while developing
 */
public record LocalCloudOptions(int port, Path dataDir, String stage, Path config, Path artifact, URI s3Endpoint,
                                boolean prewarm, PrintStream console, java.util.List<Path> jdkRoots,
                                java.time.Duration sqsRetryDelay) {

    public LocalCloudOptions(int port, Path dataDir, String stage, Path config, Path artifact, URI s3Endpoint,
                             boolean prewarm, PrintStream console, java.util.List<Path> jdkRoots) {
        this(port, dataDir, stage, config, artifact, s3Endpoint, prewarm, console, jdkRoots, null);
    }

    public static final String DEFAULT_STAGE = "local";

    public LocalCloudOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(config, "config");
        if (stage == null || stage.isBlank()) {
            stage = DEFAULT_STAGE;
        }
        jdkRoots = jdkRoots == null ? com.audmg.drive.local.lambda.JdkLocator.defaultRoots()
                : java.util.List.copyOf(jdkRoots);
        if (sqsRetryDelay != null && (sqsRetryDelay.isNegative() || sqsRetryDelay.toSeconds() > 43_200)) {
            throw new IllegalArgumentException("sqsRetryDelay must be 0 to 43200 seconds: " + sqsRetryDelay);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults: port 0, stage local, config ./serverless.yml, data dir ./.drive-data. */
    public static final class Builder {
        private int port;
        private Path dataDir = Path.of(".drive-data");
        private String stage = DEFAULT_STAGE;
        private Path config = Path.of("serverless.yml");
        private Path artifact;
        private URI s3Endpoint;
        private boolean prewarm;
        private PrintStream console = System.out;
        private java.util.List<Path> jdkRoots;
        private java.time.Duration sqsRetryDelay;

        /** See {@link LocalCloudOptions#sqsRetryDelay()}. */
        public Builder sqsRetryDelay(java.time.Duration sqsRetryDelay) {
            this.sqsRetryDelay = sqsRetryDelay;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder stage(String stage) {
            this.stage = stage;
            return this;
        }

        public Builder config(Path config) {
            this.config = config;
            return this;
        }

        public Builder artifact(Path artifact) {
            this.artifact = artifact;
            return this;
        }

        public Builder s3Endpoint(URI s3Endpoint) {
            this.s3Endpoint = s3Endpoint;
            return this;
        }

        public Builder prewarm(boolean prewarm) {
            this.prewarm = prewarm;
            return this;
        }

        public Builder console(PrintStream console) {
            this.console = console;
            return this;
        }

        /** Folders holding JDKs (each a JDK or a folder of JDKs), searched for each function's runtime. */
        public Builder jdkRoots(java.util.List<Path> jdkRoots) {
            this.jdkRoots = jdkRoots;
            return this;
        }

        public LocalCloudOptions build() {
            return new LocalCloudOptions(port, dataDir, stage, config, artifact, s3Endpoint, prewarm, console,
                    jdkRoots, sqsRetryDelay);
        }
    }
}
