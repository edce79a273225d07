package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.s3.S3Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda side of the local cloud: one worker JVM per function, a loopback endpoint in the
 * style of the Lambda Runtime API that feeds them, and the SSM GetParameter endpoint they use.
 */
public final class LambdaRuntime implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: ~40 ms per hop.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FunctionWorker> workers = new LinkedHashMap<>();
    private final ParameterStore parameters;
    private final WorkerLauncher launcher;

    /**
     * @param config the resolved serverless.yml
     * @param dataDir where logs and the worker bootstrap jar go
     * @param s3 what functions get as S3 endpoint and credentials
     * @param parameters the local SSM parameters
     * @param console where function output is echoed (null: log files only)
     */
    public LambdaRuntime(ServerlessConfig config, Path dataDir, S3Settings s3, ParameterStore parameters,
                         PrintStream console) throws IOException {
        this(config, dataDir, () -> s3, parameters, console, JdkLocator.defaultRoots());
    }

    /**
     * As {@link #LambdaRuntime(ServerlessConfig, Path, S3Settings, ParameterStore, PrintStream)}, with S3 still
     * starting: {@code s3} is asked (and may block) when the first worker JVM is launched.
     */
    public LambdaRuntime(ServerlessConfig config, Path dataDir, java.util.function.Supplier<S3Settings> s3,
                         ParameterStore parameters, PrintStream console) throws IOException {
        this(config, dataDir, s3, parameters, console, JdkLocator.defaultRoots());
    }

    /**
     * As above, looking for JDKs that match the functions' runtimes in {@code jdkRoots} (see
     * {@link JdkLocator}).
     */
    public LambdaRuntime(ServerlessConfig config, Path dataDir, java.util.function.Supplier<S3Settings> s3,
                         ParameterStore parameters, PrintStream console, java.util.List<Path> jdkRoots)
            throws IOException {
        this.parameters = parameters;
        Path workerJar = WorkerJar.build(dataDir.resolve("runtime"));
        this.executor = Executors.newCachedThreadPool(daemonThreads("lambda-runtime-api"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String hostPort = "127.0.0.1:" + server.getAddress().getPort();
        this.launcher = new WorkerLauncher(workerJar, config.artifact(), config.region(), config.accountId(), s3,
                hostPort, new JdkLocator(jdkRoots));
        Path logs = dataDir.resolve("logs");
        for (FunctionConfig fn : config.functions().values()) {
            workers.put(fn.name(), new FunctionWorker(fn, launcher, new FunctionLog(fn.name(), logs, console)));
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts every worker JVM now instead of on first use. */
    public void prewarm() {
        prewarm(workers.keySet());
    }

    /** Starts these functions' worker JVMs now instead of on first use. */
    public void prewarm(java.util.Collection<String> functions) {
        for (String name : functions) {
            FunctionWorker w = workers.get(name);
            if (w == null) {
                continue;
            }
            try {
                w.ensureStarted();
            } catch (IOException e) {
                w.log().line("cannot start worker: " + e.getMessage());
            }
        }
    }

    /**
     * Invokes {@code functionName} synchronously, waiting at most {@code maxWait} overall (API
     * Gateway's limit) and the function's own timeout from the moment its worker picks it up.
     */
    public InvocationResult invoke(String functionName, byte[] event, Duration maxWait) throws IOException {
        FunctionWorker worker = workers.get(functionName);
        if (worker == null) {
            throw new IllegalArgumentException("unknown function " + functionName);
        }
        long capDeadline = System.nanoTime() + maxWait.toNanos();
        Invocation inv = worker.submit(new Invocation(UUID.randomUUID().toString(), event));
        try {
            long dispatchedAt = inv.dispatched.get(Math.max(0, capDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long functionDeadline = dispatchedAt + TimeUnit.SECONDS.toNanos(worker.function().timeoutSeconds());
            long until = Math.min(capDeadline, functionDeadline);
            try {
                return inv.result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (functionDeadline <= capDeadline) {
                    // The function's own timeout: a function error, as on Lambda (502 behind API Gateway).
                    InvocationResult timedOut = InvocationResult.functionTimedOut(inv.requestId,
                            worker.function().timeoutSeconds());
                    worker.restartAfterTimeout(inv, timedOut);
                    return timedOut;
                }
                return InvocationResult.timeout();
            }
        } catch (TimeoutException e) {
            worker.cancelIfQueued(inv);
            return InvocationResult.timeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** The ARN of function {@code functionName} (its key under {@code functions}). */
    public String functionArn(String functionName) {
        FunctionWorker worker = workers.get(functionName);
        return launcher.functionArn(worker == null ? functionName : worker.function().deployedName());
    }

    /**
     * One line per Lambda runtime in use: which Java its workers run on (a JDK of the runtime's version when
     * one is installed, else the local cloud's own Java, with the reason).
     */
    public java.util.List<String> runtimeSummary() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (FunctionWorker w : workers.values()) {
            FunctionConfig fn = w.function();
            JdkLocator.Choice choice = launcher.java(fn);
            String runtime = fn.runtime() == null ? "(no runtime)" : fn.runtime();
            lines.putIfAbsent(runtime, runtime + " functions run on " + choice.description());
        }
        return java.util.List.copyOf(lines.values());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null) {
                handleSsm(exchange, target);
                return;
            }
            // /fn/<name>/<generation>/2018-06-01/runtime/...
            String[] parts = exchange.getRequestURI().getPath().split("/");
            if (parts.length < 7 || !parts[1].equals("fn") || !workers.containsKey(parts[2])) {
                send(exchange, 404, "{\"errorMessage\":\"not found\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            FunctionWorker worker = workers.get(parts[2]);
            int gen = Integer.parseInt(parts[3]);
            String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 6, parts.length));
            byte[] body = readAll(exchange);
            if (rest.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                next(exchange, worker, gen);
            } else if (rest.startsWith("invocation/") && rest.endsWith("/response")) {
                worker.complete(parts[7], InvocationResult.success(body));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (rest.startsWith("invocation/") && rest.endsWith("/error")) {
                worker.complete(parts[7], new InvocationResult(InvocationResult.Outcome.ERROR, body));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (rest.equals("init/error")) {
                worker.initFailed(gen, new String(body, StandardCharsets.UTF_8));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else {
                send(exchange, 404, "{\"errorMessage\":\"not found\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            }
        }
    }

    private void next(HttpExchange exchange, FunctionWorker worker, int gen) throws IOException {
        Invocation inv;
        try {
            inv = worker.next(gen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (inv == null) {
            send(exchange, 410, new byte[0], Map.of());
            return;
        }
        try {
            send(exchange, 200, inv.payload, Map.of(
                    "Lambda-Runtime-Aws-Request-Id", inv.requestId,
                    "Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineEpochMillis),
                    "Lambda-Runtime-Invoked-Function-Arn", launcher.functionArn(worker.function().deployedName()),
                    "Content-Type", "application/json"));
        } catch (IOException e) {
            worker.requeue(inv);
            throw e;
        }
    }

    private void handleSsm(HttpExchange exchange, String target) throws IOException {
        byte[] body = readAll(exchange);
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1");
        if (!target.equals("AmazonSSM.GetParameter")) {
            send(exchange, 400, ("{\"__type\":\"UnknownOperationException\",\"message\":\"" + target
                    + " is not supported locally\"}").getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        JsonNode request = JSON.readTree(body);
        String name = request.path("Name").asText(null);
        if (name == null) {
            send(exchange, 400, "{\"__type\":\"ValidationException\",\"message\":\"Name is required\"}"
                    .getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        ObjectNode parameter = response.putObject("Parameter");
        parameter.put("Name", name);
        parameter.put("Type", "SecureString");
        parameter.put("Value", parameters.getOrCreate(name));
        parameter.put("Version", 1);
        parameter.put("ARN", "arn:aws:ssm:local:000000000000:parameter" + (name.startsWith("/") ? "" : "/") + name);
        parameter.put("DataType", "text");
        send(exchange, 200, JSON.writeValueAsBytes(response), headers);
    }

    private static byte[] readAll(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared = length == null && !exchange.getRequestHeaders().containsKey("Transfer-Encoding") ? 0
                : length == null ? -1 : Long.parseLong(length.trim());
        if (declared == 0) {
            // Every poll for the next invocation: readAllBytes would still allocate its 8 KB buffer.
            return new byte[0];
        }
        InputStream in = exchange.getRequestBody();
        return declared > 0 && declared <= Integer.MAX_VALUE ? in.readNBytes((int) declared) : in.readAllBytes();
    }

    private static void send(HttpExchange exchange, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        for (FunctionWorker w : workers.values()) {
            w.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
