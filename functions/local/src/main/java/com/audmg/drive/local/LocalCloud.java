package com.audmg.drive.local;

import com.audmg.drive.local.config.ConfigException;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.config.ServerlessConfigReader;
import com.audmg.drive.local.gateway.Gateway;
import com.audmg.drive.local.lambda.LambdaRuntime;
import com.audmg.drive.local.s3.EmbeddedS3;
import com.audmg.drive.local.s3.S3Settings;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A serverless.yml running locally: API Gateway (REST v1) + Lambda emulation with one worker JVM per
 * function, and an embedded S3. Start it with {@link #start(LocalCloudOptions)}, call the API at
 * {@link #baseUrl()}, and close it to stop everything (workers included).
 */
public final class LocalCloud implements AutoCloseable {
    private final ServerlessConfig config;
    private final EmbeddedS3 s3;
    private final LambdaRuntime lambda;
    private final Gateway gateway;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private LocalCloud(ServerlessConfig config, EmbeddedS3 s3, LambdaRuntime lambda, Gateway gateway) {
        this.config = config;
        this.s3 = s3;
        this.lambda = lambda;
        this.gateway = gateway;
        this.shutdownHook = new Thread(this::stop, "local-cloud-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the local cloud and returns once it serves requests.
     *
     * @throws LocalCloudException with a one-line message for a taken port, an unusable data folder or a bad
     *     serverless.yml
     */
    public static LocalCloud start(LocalCloudOptions options) {
        Path dataDir = options.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new LocalCloudException("cannot use data folder " + dataDir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        if (!Files.isDirectory(dataDir) || !Files.isReadable(dataDir) || !Files.isWritable(dataDir)) {
            throw new LocalCloudException("data folder " + dataDir + " is not a readable and writable folder", null);
        }
        ParameterStore parameters;
        try {
            parameters = new ParameterStore(dataDir.resolve("parameters.properties"));
        } catch (RuntimeException e) {
            throw new LocalCloudException("cannot read " + dataDir.resolve("parameters.properties"), e);
        }
        ServerlessConfig config;
        try {
            if (!Files.isRegularFile(options.config())) {
                throw new ConfigException("serverless.yml not found: " + options.config().toAbsolutePath());
            }
            config = new ServerlessConfigReader(options.stage(), System::getenv, parameters)
                    .read(options.config(), options.artifact());
        } catch (ConfigException e) {
            throw new LocalCloudException(e.getMessage(), e);
        }
        if (!Files.isRegularFile(config.artifact())) {
            throw new LocalCloudException("handler artifact not found: " + config.artifact()
                    + " (build it first, or pass --artifact)", null);
        }
        if (options.port() != 0) {
            // Fail fast, before starting S3, when the public port is taken.
            try (java.net.ServerSocket probe = new java.net.ServerSocket(options.port(), 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new LocalCloudException("port " + options.port() + " is already in use on 127.0.0.1", e);
            }
        }
        EmbeddedS3 s3 = null;
        LambdaRuntime lambda = null;
        Gateway gateway = null;
        try {
            // The worker bootstrap jar is built while s3proxy starts (they take similar time).
            java.util.concurrent.CompletableFuture<Void> workerJar = java.util.concurrent.CompletableFuture.runAsync(
                    () -> LambdaRuntime.prepare(dataDir));
            S3Settings s3Settings;
            if (options.s3Endpoint() == null) {
                s3 = EmbeddedS3.start(dataDir.resolve("s3"), dataDir.resolve("s3-credentials.properties"), 0,
                        config.buckets().values());
                s3Settings = s3.settings();
            } else {
                String id = System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "test");
                String secret = System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "test");
                s3Settings = new S3Settings(options.s3Endpoint(), id, secret);
            }
            workerJar.join();
            lambda = new LambdaRuntime(config, dataDir, s3Settings, parameters, options.console());
            gateway = new Gateway(config, lambda, options.port(), options.console());
        } catch (BindException e) {
            closeQuietly(gateway, lambda, s3);
            throw new LocalCloudException("port " + options.port() + " is already in use on 127.0.0.1", e);
        } catch (Exception e) {
            closeQuietly(gateway, lambda, s3);
            throw new LocalCloudException("cannot start the local cloud: " + e, e);
        }
        LocalCloud cloud = new LocalCloud(config, s3, lambda, gateway);
        if (options.prewarm()) {
            LambdaRuntime l = lambda;
            Thread t = new Thread(l::prewarm, "prewarm");
            t.setDaemon(true);
            t.start();
        }
        return cloud;
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // Already failing; the first error is what the user sees.
                }
            }
        }
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:3000/local}. */
    public URI baseUrl() {
        return gateway.baseUrl();
    }

    /** The resolved serverless.yml being served. */
    public ServerlessConfig config() {
        return config;
    }

    /** How many times authorizer functions actually ran (cache misses); for tests and diagnostics. */
    public int authorizerInvocations() {
        return gateway.authorizerInvocations();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down.
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(gateway, lambda, s3);
    }
}
