package com.audmg.drive.local.lambda.bootstrap;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Main class of a function worker JVM. Loads the artifact in its own class loader, creates the
 * handler once (the cold start), then serves invocations from the Runtime-API-style endpoint named
 * by {@code AWS_LAMBDA_RUNTIME_API} on several threads, printing START/END/REPORT lines as Lambda does.
 */
public final class WorkerMain {
    /** The header that carries the worker's runtime token, which the local cloud writes to its stdin. */
    public static final String RUNTIME_TOKEN_HEADER = "X-Audmg-Worker-Token";

    private static final String API_VERSION = "/2018-06-01/runtime";
    /** System property: the artifact is on the class path (the worker runs with an AOT cache, or makes one). */
    public static final String APP_CLASS_PATH_PROPERTY = "audmg.appClassPath";
    /** System property: an AOT training run: build the handler, run its priming hooks, exit. */
    public static final String AOT_TRAINING_PROPERTY = "audmg.aotTraining";
    /** The package with the {@code jdk.crac} API that {@code org.crac} registers priming hooks with in training. */
    public static final String CRAC_COMPAT_PACKAGE = "com.audmg.drive.local.lambda.bootstrap.crac";

    private final String functionName;
    /** The name Lambda knows the function by (Context, log group): {@code <service>-<stage>-<function>}. */
    private final String deployedName;
    private final int memoryMb;
    private final RuntimeApiClient runtimeApi;
    private final AtomicBoolean firstReport = new AtomicBoolean(true);
    private final AtomicLong maxUsedBytes = new AtomicLong();
    /**
     * One of several functions in a shared worker JVM (lite mode): an init error or a revoked token ends this
     * function's loops, not the JVM, and an invocation still running at its deadline is interrupted.
     */
    private final boolean shared;
    private volatile HandlerAdapter handler;
    private double initMillis;

    private WorkerMain(String functionName, int memoryMb, String runtimeApi, String token) {
        this(functionName, deployedNameFromEnvironment(functionName), memoryMb, runtimeApi, token, false);
    }

    WorkerMain(String functionName, String deployedName, int memoryMb, String runtimeApi, String token,
               boolean shared) {
        this.functionName = functionName;
        this.deployedName = deployedName;
        this.memoryMb = memoryMb;
        this.runtimeApi = new RuntimeApiClient("http://" + runtimeApi + API_VERSION, token);
        this.shared = shared;
    }

    private static String deployedNameFromEnvironment(String functionName) {
        String deployed = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return deployed == null || deployed.isEmpty() ? functionName : deployed;
    }

    public static void main(String[] args) throws Exception {
        String function = System.getProperty("audmg.function");
        String handler = System.getProperty("audmg.handler");
        String artifact = System.getProperty("audmg.artifact");
        int memory = Integer.parseInt(System.getProperty("audmg.memory", "1024"));
        int threads = Integer.parseInt(System.getProperty("audmg.concurrency", "8"));
        String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
        String token = readToken();
        if (function == null || handler == null || artifact == null || api == null || token == null) {
            System.err.println("worker: missing audmg.function/audmg.handler/audmg.artifact, AWS_LAMBDA_RUNTIME_API"
                    + " or the runtime token on stdin");
            System.exit(2);
        }
        new WorkerMain(function, memory, api, token).run(handler, Path.of(artifact), threads);
    }

    /** The first line of stdin, written there by the local cloud; the handler then sees stdin at its end. */
    private static String readToken() throws IOException {
        byte[] line = new byte[128];
        int n = 0;
        int b;
        while (n < line.length && (b = System.in.read()) != -1 && b != '\n') {
            line[n++] = (byte) b;
        }
        return n == 0 ? null : new String(line, 0, n, StandardCharsets.US_ASCII);
    }

    void run(String handlerSpec, Path artifact, int threads) throws Exception {
        long initStart = System.currentTimeMillis();
        int sep = handlerSpec.indexOf("::");
        String className = sep < 0 ? handlerSpec : handlerSpec.substring(0, sep);
        String methodName = sep < 0 ? "handleRequest" : handlerSpec.substring(sep + 2);
        boolean training = Boolean.getBoolean(AOT_TRAINING_PROPERTY);
        try {
            ClassLoader loader;
            if (Boolean.getBoolean(APP_CLASS_PATH_PROPERTY)) {
                // The artifact is on this JVM's class path after the worker jar (as Lambda's runtime puts the
                // function on the application class path): what JDK 25's AOT cache can hold.
                loader = WorkerMain.class.getClassLoader();
            } else {
                ClassLoader parent = new RuntimeOnlyClassLoader(WorkerMain.class.getClassLoader());
                loader = new URLClassLoader("function:" + functionName, new URL[] {artifact.toUri().toURL()}, parent);
            }
            Thread.currentThread().setContextClassLoader(loader);
            handler = HandlerAdapter.create(className, methodName, loader);
        } catch (Throwable t) {
            Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
            System.out.println("INIT_ERROR " + cause);
            cause.printStackTrace(System.out);
            if (training) {
                System.exit(1); // a training run is no worker: the runtime endpoint never hears of it
            }
            post("/init/error", Json.error(cause).getBytes(StandardCharsets.UTF_8));
            if (!shared) {
                System.exit(1);
            }
            return;
        }
        if (training) {
            // What SnapStart runs before its snapshot: the function's own priming hooks (org.crac), then exit, when
            // the JVM writes the AOT cache of what was loaded.
            for (Throwable failure : com.audmg.drive.local.lambda.bootstrap.crac.Core.beforeCheckpoint()) {
                System.out.println("priming hook failed: " + failure);
            }
            System.out.flush();
            System.exit(0);
        }
        // Lambda's Init Duration covers starting the runtime and the handler's static and constructor code;
        // in a shared JVM the runtime was already running, so it covers the function's own class loader.
        long startedMillis = shared ? initStart
                : java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        initMillis = System.currentTimeMillis() - startedMillis;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, (shared ? functionName + "-" : "lambda-invoke-") + i);
            t.start();
        }
    }

    private void loop() {
        while (true) {
            RuntimeApiClient.Next next;
            try {
                next = runtimeApi.next();
            } catch (IOException e) {
                // The local cloud is gone: nothing left to serve.
                System.exit(0);
                return;
            }
            if (next.status() == 410) {
                // Replaced by a newer worker: stop taking work; the JVM exits when every thread is done.
                return;
            }
            if (shared && next.status() == 403) {
                // This function's token was revoked (its sandbox ended): its loops end, the others go on.
                return;
            }
            if (next.status() != 200) {
                continue;
            }
            invoke(next);
        }
    }

    private void invoke(RuntimeApiClient.Next next) {
        String requestId = next.requestId() == null ? "unknown" : next.requestId();
        long deadline = next.deadlineMs() == null ? System.currentTimeMillis() + 900_000 : Long.parseLong(next.deadlineMs());
        String arn = next.functionArn() == null ? deployedName : next.functionArn();
        System.out.println("START RequestId: " + requestId + " Version: $LATEST");
        long start = System.nanoTime();
        LocalContext context = new LocalContext(requestId, deployedName, arn, memoryMb, deadline);
        // A shared JVM cannot be killed for one function's timeout: the thread is interrupted at the deadline
        // instead (the local cloud has answered the timeout already and ignores a late result).
        Deadlines.Interrupt interrupt = shared ? Deadlines.interruptAt(deadline) : null;
        if (shared) {
            IdleCollector.begin();
        }
        try {
            byte[] result = handler.invoke(next.event(), context);
            post("/invocation/" + requestId + "/response", result);
        } catch (Throwable t) {
            System.out.println(t.getClass().getName() + ": " + t.getMessage());
            t.printStackTrace(System.out);
            post("/invocation/" + requestId + "/error", Json.error(t).getBytes(StandardCharsets.UTF_8));
        } finally {
            if (interrupt != null) {
                interrupt.finish(); // an interrupt that came late must not hit the next invocation
            }
            if (shared) {
                IdleCollector.end();
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        Runtime rt = Runtime.getRuntime();
        long used = maxUsedBytes.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        StringBuilder report = new StringBuilder();
        report.append("END RequestId: ").append(requestId).append('\n');
        report.append("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ").append(String.format(Locale.ROOT, "%.2f", millis)).append(" ms")
                .append("\tBilled Duration: ").append((long) Math.ceil(millis)).append(" ms")
                .append("\tMemory Size: ").append(memoryMb).append(" MB")
                .append("\tMax Memory Used: ").append(used / (1024 * 1024)).append(" MB");
        if (firstReport.getAndSet(false)) {
            report.append("\tInit Duration: ").append(String.format(Locale.ROOT, "%.2f", initMillis)).append(" ms");
        }
        System.out.println(report);
    }

    private void post(String path, byte[] body) {
        try {
            runtimeApi.post(path, body);
        } catch (IOException e) {
            // The local cloud is gone.
            System.exit(0);
        }
    }
}
