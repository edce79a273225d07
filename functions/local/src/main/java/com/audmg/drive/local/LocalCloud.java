package com.audmg.drive.local;

import com.audmg.drive.local.config.ConfigException;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.Schedule;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.config.ServerlessConfigReader;
import com.audmg.drive.local.events.LocalEvents;
import com.audmg.drive.local.gateway.Gateway;
import com.audmg.drive.local.lambda.InvocationResult;
import com.audmg.drive.local.lambda.InvokeEndpoint;
import com.audmg.drive.local.lambda.LambdaRuntime;
import com.audmg.drive.local.lambda.LiteMode;
import com.audmg.drive.local.lambda.WorkerMode;
import com.audmg.drive.local.lambda.ScheduledEvents;
import com.audmg.drive.local.s3.EmbeddedS3;
import com.audmg.drive.local.s3.S3Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
    private final ScheduledEvents schedules;
    private final InvokeEndpoint invokeEndpoint;
    private final LocalEvents events;
    private final S3Settings s3Settings;
    private final Path dataDir;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private LocalCloud(ServerlessConfig config, EmbeddedS3 s3, S3Settings s3Settings, LambdaRuntime lambda,
                       Gateway gateway, InvokeEndpoint invokeEndpoint, LocalEvents events, Path dataDir,
                       PrintStream console) {
        this.config = config;
        this.events = events;
        this.s3 = s3;
        this.s3Settings = s3Settings;
        this.invokeEndpoint = invokeEndpoint;
        this.dataDir = dataDir;
        this.lambda = lambda;
        this.gateway = gateway;
        this.schedules = new ScheduledEvents(config, lambda::invoke, console);
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
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        try {
            makePrivate(dataDir, options.console());
        } catch (IOException e) {
            throw new LocalCloudException("cannot use data folder " + dataDir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        if (!Files.isDirectory(dataDir) || !Files.isReadable(dataDir) || !Files.isWritable(dataDir)) {
            throw new LocalCloudException("data folder " + dataDir + " is not a readable and writable folder", null);
        }
        if (!Files.isRegularFile(options.config())) {
            throw new LocalCloudException("serverless.yml not found: " + options.config().toAbsolutePath(), null);
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
        // SLF4J (logback) is initialised here, on one thread, before anything logs: the embedded S3 (jclouds,
        // Jetty) starting in the background and the gateway (Jetty) on this thread both log through it, and when
        // two threads initialise it at once it replays their early calls with a warning on stderr, which could
        // then come before READY (seen once in FatJarIT under load).
        org.slf4j.LoggerFactory.getILoggerFactory();
        // s3proxy's start (jclouds, Jetty) is most of the time to READY: it runs while this thread reads
        // serverless.yml and prepares the workers; the buckets are created once the file is read.
        CompletableFuture<EmbeddedS3> s3Start = options.s3Endpoint() != null ? null
                : startInBackground(() -> EmbeddedS3.start(dataDir.resolve("s3"),
                        dataDir.resolve("s3-credentials.properties"), 0));
        ParameterStore parameters;
        ServerlessConfig config;
        LocalEvents events = null;
        try {
            try {
                // Bound first: queue URLs ({ Ref: Queue } in environments) name the SQS port.
                events = LocalEvents.bind(ServerlessConfigReader.LOCAL_ACCOUNT_ID, options.console());
            } catch (IOException e) {
                throw new LocalCloudException("cannot bind the SQS and SNS endpoints on 127.0.0.1: " + e, e);
            }
            try {
                parameters = new ParameterStore(dataDir.resolve("parameters.properties"));
            } catch (RuntimeException e) {
                throw new LocalCloudException("cannot read " + dataDir.resolve("parameters.properties"), e);
            }
            try {
                config = new ServerlessConfigReader(options.stage(), System::getenv, parameters)
                        .sqsEndpoint(events.sqsEndpoint().toString())
                        .read(options.config(), options.artifact());
            } catch (ConfigException e) {
                throw new LocalCloudException(e.getMessage(), e);
            }
            if (!Files.isRegularFile(config.artifact())) {
                throw new LocalCloudException("handler artifact not found: " + config.artifact()
                        + " (build it first, or pass --artifact)", null);
            }
            if (options.workerMode() == WorkerMode.SHARED) {
                List<String> refusals = LiteMode.refusals(config, options.jdkRoots());
                if (!refusals.isEmpty()) {
                    throw new LocalCloudException("lite mode (one shared worker JVM) is not possible for this"
                            + " project: " + String.join("; ", refusals) + ". Run it without --lite.", null);
                }
            }
            for (com.audmg.drive.local.config.FunctionConfig fn : config.functions().values()) {
                if (fn.artifact() != null && !Files.exists(fn.artifact())) {
                    throw new LocalCloudException("handler artifact of function " + fn.name() + " not found: "
                            + fn.artifact() + " (build it first, or pass --artifact)", null);
                }
            }
            events.startBackend(config.messaging(), config.region(), s3Start, dataDir);
        } catch (RuntimeException e) {
            closeQuietly(events);
            stopWhenStarted(s3Start);
            throw e;
        }
        EmbeddedS3 s3 = null;
        LambdaRuntime lambda = null;
        Gateway gateway = null;
        InvokeEndpoint invokeEndpoint = null;
        S3Settings s3Settings;
        try {
            CompletableFuture<S3Settings> s3Ready;
            if (s3Start != null) {
                Collection<String> buckets = config.buckets().values();
                s3Ready = s3Start.thenApply(started -> {
                    started.createBuckets(buckets);
                    return started.settings();
                });
            } else {
                String id = System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "test");
                String secret = System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "test");
                s3Ready = CompletableFuture.completedFuture(new S3Settings(options.s3Endpoint(), id, secret));
            }
            // The gateway and the runtime endpoint start while S3 may still be starting; a worker JVM, the
            // first thing that needs S3, is launched only once S3 is ready (READY is printed after that).
            lambda = new LambdaRuntime(config, dataDir, s3Ready::join, parameters, options.console(),
                    options.jdkRoots(), options.workerMode());
            gateway = new Gateway(config, lambda, options.port(), options.console());
            s3Settings = join(s3Ready);
            s3 = s3Start == null ? null : s3Start.join();
            invokeEndpoint = new InvokeEndpoint(config, lambda, s3Settings.accessKeyId(),
                    s3Settings.secretAccessKey(), options.console());
            // Functions reach the embedded SQS and SNS, and Lambda's Invoke (an asynchronous start of another
            // function, as the library migration hand-off does), as on AWS through their SDK or signed calls.
            java.util.Map<String, String> endpoints = new java.util.HashMap<>(events.workerEnvironment());
            endpoints.put("AWS_ENDPOINT_URL_LAMBDA", invokeEndpoint.endpoint().toString());
            lambda.serviceEndpoints(endpoints);
            LambdaRuntime runtime = lambda;
            events.open(config, s3Settings.accessKeyId(), s3Settings.secretAccessKey(), runtime::invoke,
                    runtime::functionArn, dataDir, s3, options.sqsRetryDelay());
            if (s3 != null) {
                writeSharedCredentials(dataDir.resolve(SHARED_CREDENTIALS), s3Settings);
            }
        } catch (BindException e) {
            closeQuietly(events, invokeEndpoint, gateway, lambda);
            stopWhenStarted(s3Start);
            throw new LocalCloudException("port " + options.port() + " is already in use on 127.0.0.1", e);
        } catch (Exception e) {
            closeQuietly(events, invokeEndpoint, gateway, lambda);
            stopWhenStarted(s3Start);
            throw new LocalCloudException("cannot start the local cloud: " + e, e);
        }
        LocalCloud cloud = new LocalCloud(config, s3, s3Settings, lambda, gateway, invokeEndpoint, events, dataDir,
                options.console());
        cloud.schedules.start();
        if (options.prewarm()) {
            // Functions behind the API (routes and authorizers); scheduled ones start when their rule fires.
            cloud.prewarm(route -> true);
        }
        return cloud;
    }

    /**
     * Starts, in the background, the functions behind these routes ({@code "METHOD /path"} as the API names them,
     * e.g. {@code "GET /files/{id}"}) and their authorizers; the others start on their first invocation. For an
     * app that knows what its first screen calls: in lite mode each function started holds its own copy of its
     * classes in the shared JVM. A route the API does not have is an error.
     */
    public void prewarmRoutes(java.util.Collection<String> routes) {
        Set<String> wanted = new LinkedHashSet<>(routes);
        Set<String> known = new LinkedHashSet<>();
        config.routes().forEach(route -> known.add(route.method().toUpperCase(java.util.Locale.ROOT) + " " + route.path()));
        for (String r : wanted) {
            if (!known.contains(r)) {
                throw new IllegalArgumentException("no route " + r + " in " + known);
            }
        }
        prewarm(route -> wanted.contains(route.method().toUpperCase(java.util.Locale.ROOT) + " " + route.path()));
    }

    private void prewarm(java.util.function.Predicate<com.audmg.drive.local.config.HttpRoute> which) {
        Set<String> served = new LinkedHashSet<>();
        config.routes().stream().filter(which).forEach(route -> {
            served.add(route.functionName());
            if (route.authorizer() != null) {
                served.add(route.authorizer().functionName());
            }
        });
        LambdaRuntime l = lambda;
        Thread t = new Thread(() -> l.prewarm(served), "prewarm");
        t.setDaemon(true);
        t.start();
    }

    /** What the local cloud keeps in its data folder; a start makes exactly these private. */
    private static final List<String> DATA_ENTRIES = List.of("s3", "s3-metadata", "logs", "runtime",
            "parameters.properties", "s3-credentials.properties", "aws-credentials", "outbox", "aot");

    /**
     * Creates the data folder owner-only, or makes a folder of an earlier release (0755, files 0644) owner-only
     * with everything the local cloud keeps in it. Other entries (the folder may be shared) are left alone.
     */
    private static void makePrivate(Path dataDir, PrintStream console) throws IOException {
        if (Files.isDirectory(dataDir) && !PrivateFiles.isPrivate(dataDir)) {
            int failed = 0;
            for (String entry : DATA_ENTRIES) {
                Path p = dataDir.resolve(entry);
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    failed += PrivateFiles.makeTreePrivate(p);
                }
            }
            PrivateFiles.makePrivate(dataDir);
            if (console != null) {
                console.println("[local-cloud] data folder made private (owner only): " + dataDir
                        + (failed == 0 ? "" : "; " + failed + " entries could not be changed"));
            }
        }
        PrivateFiles.createDirectories(dataDir);
    }

    private interface Start<T> {
        T run() throws Exception;
    }

    private static <T> CompletableFuture<T> startInBackground(Start<T> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(start.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "embedded-s3-start");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Start failed elsewhere: wait for the embedded S3 (it writes into the data folder) and stop it. */
    private static void stopWhenStarted(CompletableFuture<EmbeddedS3> s3Start) {
        if (s3Start == null) {
            return;
        }
        try {
            closeQuietly(s3Start.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // It failed too; the first error is what the user sees.
        }
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

    /**
     * Invokes a function as its (first) schedule event would, now, and waits for the result: for
     * trying a scheduled function without waiting for its period.
     */
    public InvocationResult runSchedule(String function) {
        Schedule schedule = config.schedules().stream().filter(s -> s.function().equals(function)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(function + " has no schedule event"));
        return schedules.fire(schedule);
    }

    /** Invokes a function directly with this event (as Lambda's Invoke API does) and waits for its result. */
    public InvocationResult invoke(String function, byte[] event, java.time.Duration maxWait) throws Exception {
        if (config.function(function).isEmpty()) {
            throw new IllegalArgumentException("no function " + function + " in " + config.service());
        }
        return lambda.invoke(function, event, maxWait);
    }

    /** The profile in {@value #SHARED_CREDENTIALS} that holds the local credentials. */
    public static final String PROFILE = "audmg-local";
    /** An AWS shared-credentials file in the data folder, for the AWS CLI and SDKs. */
    static final String SHARED_CREDENTIALS = "aws-credentials";

    /** Writes the local keys as profile {@value #PROFILE} of an AWS shared-credentials file (rewritten each start). */
    private static void writeSharedCredentials(Path file, S3Settings s3) throws IOException {
        String text = "# Written by the Audmg local cloud at each start: the keys of its S3 and Lambda endpoints.\n"
                + "# Same keys as s3-credentials.properties (which is what is kept); do not edit this copy.\n"
                + "[" + PROFILE + "]\n"
                + "aws_access_key_id = " + s3.accessKeyId() + "\n"
                + "aws_secret_access_key = " + s3.secretAccessKey() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // A secret: readable by its owner only.
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What a developer needs to know after {@code READY}, one line each: the Java each runtime's workers run
     * on, the S3 and Lambda endpoints, the region, where the credentials are, and a command that works.
     */
    public java.util.List<String> startupSummary() {
        java.util.List<String> lines = new java.util.ArrayList<>(lambda.runtimeSummary());
        if (s3 != null) {
            s3.repairReport().ifPresent(lines::add);
        }
        lines.add("S3          " + s3Settings.endpoint() + " (path-style; buckets "
                + String.join(", ", config.buckets().values()) + ")");
        lines.add("Lambda      " + invokeEndpoint.endpoint() + " (Invoke: POST /2015-03-31/functions/{name}/invocations)");
        lines.addAll(events.summary());
        lines.add("Region      " + config.region());
        if (s3 != null) {
            Path shared = dataDir.resolve(SHARED_CREDENTIALS);
            lines.add("Credentials " + shared + " (profile " + PROFILE + "; kept in "
                    + dataDir.resolve("s3-credentials.properties") + ")");
            String aws = "AWS_SHARED_CREDENTIALS_FILE=" + shared + " aws --profile " + PROFILE + " --region "
                    + config.region() + " --endpoint-url ";
            lines.add("Try         " + aws + s3Settings.endpoint() + " s3 ls");
            if (events.workerEnvironment().containsKey("AWS_ENDPOINT_URL_SQS")) {
                lines.add("            " + aws + events.sqsEndpoint() + " sqs list-queues");
            }
            lines.add("            " + aws + events.snsEndpoint() + " sns list-topics");
        } else {
            lines.add("Credentials AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of this process (external S3)");
            lines.add("Try         aws --region " + config.region() + " --endpoint-url " + s3Settings.endpoint()
                    + " s3 ls");
        }
        return java.util.List.copyOf(lines);
    }

    /** The pid of lite mode's shared worker JVM while it runs; empty with a JVM per function. */
    public java.util.OptionalLong sharedWorkerPid() {
        return lambda.sharedWorkerPid();
    }

    /** The Lambda Invoke API endpoint ({@code aws lambda invoke --endpoint-url}, {@code LambdaClient}). */
    public URI lambdaEndpoint() {
        return invokeEndpoint.endpoint();
    }

    /** The embedded SQS endpoint ({@code AWS_ENDPOINT_URL_SQS}). */
    public URI sqsEndpoint() {
        return events.sqsEndpoint();
    }

    /** The embedded SNS endpoint ({@code AWS_ENDPOINT_URL_SNS}). */
    public URI snsEndpoint() {
        return events.snsEndpoint();
    }

    /** S3 and SNS event deliveries not done yet (for tests). */
    public int pendingEventDeliveries() {
        return events.pendingDeliveries();
    }

    /** Where functions and tools reach S3, with the local credentials. */
    public S3Settings s3() {
        return s3Settings;
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
        closeQuietly(schedules, events, invokeEndpoint, gateway, lambda, s3);
    }
}
