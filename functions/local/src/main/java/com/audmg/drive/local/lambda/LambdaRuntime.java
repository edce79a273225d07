package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.http.LoopbackServer;
import com.audmg.drive.local.lambda.bootstrap.WorkerMain;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda side of the local cloud: one worker JVM per function, a loopback endpoint in the
 * style of the Lambda Runtime API that feeds them, the SSM GetParameter endpoint they use, and the SES v2
 * SendEmail endpoint that writes their mail to the outbox folder ({@link SesOutbox}).
 */
public final class LambdaRuntime implements AutoCloseable {
    /**
     * System property: run worker JVMs and AOT training runs at this Unix nice level (1-19). The desktop app sets 10
     * for its embedded backend: when workers start while the user scrolls, the window should win the CPU (two
     * cores: a starting worker JVM takes one for a second or more). Unset or 0: the local cloud's own priority, as
     * for developers, whose timings should match an idle Lambda's.
     */
    public static final String WORKER_NICE_PROPERTY = "audmg.workers.nice";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SSM_REQUEST_BYTES = 64 * 1024;

    private final HttpServer server;
    private final Map<String, FunctionWorker> workers = new LinkedHashMap<>();
    private final ParameterStore parameters;
    private final WorkerLauncher launcher;
    private final SesOutbox outbox;
    /** Lite mode's one JVM for every function; null in the default mode (a JVM per function). */
    private final SharedWorker shared;
    private final String region;
    private final String accountId;

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
        this(config, dataDir, s3, parameters, console, jdkRoots, WorkerMode.PER_FUNCTION);
    }

    /**
     * As above, running the functions in {@code mode}: a JVM each, or all in one shared JVM (lite mode, which
     * {@link LiteMode#refusals} must have found possible: else this throws IllegalArgumentException).
     */
    public LambdaRuntime(ServerlessConfig config, Path dataDir, java.util.function.Supplier<S3Settings> s3,
                         ParameterStore parameters, PrintStream console, java.util.List<Path> jdkRoots,
                         WorkerMode mode) throws IOException {
        if (mode == WorkerMode.SHARED) {
            java.util.List<String> refusals = LiteMode.refusals(config, jdkRoots);
            if (!refusals.isEmpty()) {
                throw new IllegalArgumentException("lite mode (one shared worker JVM) is not possible for this"
                        + " project: " + String.join("; ", refusals) + ". Run it without lite mode.");
            }
        }
        this.parameters = parameters;
        this.region = config.region();
        this.accountId = config.accountId();
        Path workerJar = WorkerJar.build(dataDir.resolve("runtime"));
        this.outbox = new SesOutbox(dataDir.resolve("outbox"));
        this.server = LoopbackServer.start(0, 256, "lambda-runtime-api", this::handle,
                exchange -> refuse(exchange, "foreign Host header"));
        String hostPort = "127.0.0.1:" + server.getAddress().getPort();
        this.launcher = new WorkerLauncher(workerJar, config::artifactOf, config.region(), config.accountId(), s3,
                hostPort, new JdkLocator(jdkRoots), new AotCache(dataDir.resolve("aot")));
        Path logs = dataDir.resolve("logs");
        Map<String, FunctionLog> functionLogs = new LinkedHashMap<>();
        for (FunctionConfig fn : config.functions().values()) {
            functionLogs.put(fn.name(), new FunctionLog(fn.name(), logs, console));
        }
        if (mode == WorkerMode.SHARED && !functionLogs.isEmpty()) {
            this.shared = new SharedWorker(launcher, java.util.List.copyOf(config.functions().values()),
                    functionLogs, new FunctionLog("shared-worker", logs, console));
            for (FunctionConfig fn : config.functions().values()) {
                workers.put(fn.name(), new FunctionWorker(fn, launcher, shared::attach, functionLogs.get(fn.name())));
            }
        } else {
            this.shared = null;
            for (FunctionConfig fn : config.functions().values()) {
                workers.put(fn.name(), new FunctionWorker(fn, launcher, functionLogs.get(fn.name())));
            }
        }
    }

    /** The pid of lite mode's shared worker JVM while it runs (empty in the default mode). */
    public java.util.OptionalLong sharedWorkerPid() {
        return shared == null ? java.util.OptionalLong.empty() : shared.pid();
    }

    /**
     * Environment variables naming the other local services ({@code AWS_ENDPOINT_URL_SQS}, ...) that workers
     * started from now on get.
     */
    public void serviceEndpoints(Map<String, String> endpoints) {
        launcher.serviceEndpoints(endpoints);
    }

    /** Starts every worker JVM now instead of on first use. */
    public void prewarm() {
        prewarm(workers.keySet());
    }

    /**
     * Starts these functions' worker JVMs now instead of on first use, in order and as many at a time as
     * there are cores: a dozen JVMs initialising at once on two cores made each take many times longer,
     * and the first request (whose worker is among them) waited for all. A request for a function not
     * started yet still starts its worker at once.
     */
    public void prewarm(java.util.Collection<String> functions) {
        int parallel = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.List<FunctionWorker> starting = new java.util.ArrayList<>();
        for (String name : functions) {
            FunctionWorker w = workers.get(name);
            if (w == null) {
                continue;
            }
            try {
                w.ensureStarted();
                starting.add(w);
            } catch (IOException e) {
                w.log().line("cannot start worker: " + e.getMessage());
            }
            if (starting.size() == parallel) {
                try {
                    for (FunctionWorker started : starting) {
                        started.awaitReady(Duration.ofSeconds(30));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                starting.clear();
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
        if (shared != null) {
            lines.put("lite", "lite mode: every function runs in one shared worker JVM, each in its own class loader");
        }
        return java.util.List.copyOf(lines.values());
    }

    /** The SSM endpoint path of lite mode's shared JVM {@code generation}; the token is its secret. */
    static String sharedSsmPath(int generation, String ssmToken) {
        return "/ssm-shared/" + generation + "/" + ssmToken;
    }

    /** The SES v2 endpoint of the shared JVM {@code generation} (lite mode): the same secret as its SSM one. */
    static String sharedSesPath(int generation, String ssmToken) {
        return "/ses-shared/" + generation + "/" + ssmToken;
    }

    /** The SSM endpoint path of worker {@code generation} of {@code function}; the token is its secret. */
    static String ssmPath(String function, int generation, String ssmToken) {
        return "/ssm/" + function + "/" + generation + "/" + ssmToken;
    }

    /** The SES v2 endpoint of worker {@code generation} of {@code function}: the same secret as its SSM one. */
    static String sesPath(String function, int generation, String ssmToken) {
        return "/ses/" + function + "/" + generation + "/" + ssmToken;
    }

    /**
     * Every request must come from a live worker: {@code /fn/<name>/<generation>/2018-06-01/runtime/...} with
     * that worker's runtime token in {@link WorkerMain#RUNTIME_TOKEN_HEADER}, or {@code /ssm/<name>/<generation>/
     * <ssm token>} for GetParameter. Anything else gets 403 before its body is read.
     */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getRawPath().split("/");
            if (parts.length == 4 && parts[1].equals("ssm-shared") && shared != null
                    && shared.isSsmCaller(generation(parts[2]), parts[3])) {
                // Every function in the shared JVM has the same environment (LiteMode), so the same grant.
                handleSsm(exchange, workers.values().iterator().next());
                return;
            }
            if (parts.length > 4 && parts[1].equals("ses-shared") && shared != null
                    && shared.isSsmCaller(generation(parts[2]), parts[3])) {
                outbox.handle(exchange, workers.values().iterator().next(),
                        String.join("/", java.util.Arrays.copyOfRange(parts, 4, parts.length)));
                return;
            }
            FunctionWorker worker = parts.length >= 4 ? workers.get(parts[2]) : null;
            int gen = worker == null ? -1 : generation(parts[3]);
            // split drops a trailing empty segment: the SDK's "/" after the endpoint's path is allowed.
            if (parts.length == 5 && parts[1].equals("ssm") && worker != null && worker.isSsmCaller(gen, parts[4])) {
                handleSsm(exchange, worker);
                return;
            }
            // SES v2 SendEmail: the SDK appends the operation's path to the endpoint's.
            if (parts.length > 5 && parts[1].equals("ses") && worker != null && worker.isSsmCaller(gen, parts[4])) {
                outbox.handle(exchange, worker, String.join("/", java.util.Arrays.copyOfRange(parts, 5, parts.length)));
                return;
            }
            String token = exchange.getRequestHeaders().getFirst(WorkerMain.RUNTIME_TOKEN_HEADER);
            if (parts.length < 7 || !parts[1].equals("fn") || worker == null || !worker.isRuntimeCaller(gen, token)) {
                refuse(exchange, "not a worker of this local cloud");
                return;
            }
            String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 6, parts.length));
            byte[] body = readAll(exchange);
            if (rest.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                next(exchange, worker, gen);
            } else if (rest.startsWith("invocation/") && rest.endsWith("/response")) {
                worker.complete(gen, parts[7], InvocationResult.success(body));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (rest.startsWith("invocation/") && rest.endsWith("/error")) {
                worker.complete(gen, parts[7], new InvocationResult(InvocationResult.Outcome.ERROR, body));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (rest.equals("init/error")) {
                worker.initFailed(gen, new String(body, StandardCharsets.UTF_8));
                send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            } else {
                send(exchange, 404, "{\"errorMessage\":\"not found\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            }
        }
    }

    private static int generation(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** 403 for a caller that is not one of this cloud's live workers (or names a foreign host). */
    private static void refuse(HttpExchange exchange, String why) throws IOException {
        try (exchange) {
            if (exchange.getRequestHeaders().containsKey("X-Amz-Target")) {
                send(exchange, 403, ("{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token"
                        + " included in the request is invalid (" + why + ")\"}").getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Type", "application/x-amz-json-1.1"));
            } else {
                send(exchange, 403, ("{\"errorMessage\":\"Forbidden: " + why + "\",\"errorType\":\"Forbidden\"}")
                        .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
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

    /**
     * {@code AmazonSSM.GetParameter} for {@code worker}'s function: only names that are values of its
     * environment in serverless.yml (as an IAM policy would grant them), created with a random secret
     * the first time they are read; any other name is refused as AWS refuses it without permission.
     */
    private void handleSsm(HttpExchange exchange, FunctionWorker worker) throws IOException {
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1");
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"AmazonSSM.GetParameter".equals(target) || !exchange.getRequestMethod().equals("POST")) {
            send(exchange, 400, ("{\"__type\":\"UnknownOperationException\",\"message\":\"" + target
                    + " is not supported locally\"}").getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        byte[] body = readAll(exchange, MAX_SSM_REQUEST_BYTES);
        JsonNode request;
        try {
            request = body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        String name = request == null ? null : request.path("Name").asText(null);
        if (name == null) {
            send(exchange, 400, "{\"__type\":\"ValidationException\",\"message\":\"Name is required\"}"
                    .getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        String function = worker.function().name();
        String arn = "arn:aws:ssm:" + region + ":" + accountId + ":parameter" + (name.startsWith("/") ? "" : "/") + name;
        if (!worker.function().environment().containsValue(name)) {
            worker.log().line("SSM GetParameter refused: " + name + " is not named by the function's environment");
            ObjectNode denied = JSON.createObjectNode();
            denied.put("__type", "AccessDeniedException");
            denied.put("message", "User: " + functionArn(function) + " is not authorized to perform: ssm:GetParameter"
                    + " on resource: " + arn + " (locally, a function may read the parameters its environment names)");
            send(exchange, 400, JSON.writeValueAsBytes(denied), headers);
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        ObjectNode parameter = response.putObject("Parameter");
        parameter.put("Name", name);
        parameter.put("Type", "SecureString");
        parameter.put("Value", parameters.getOrCreate(name));
        parameter.put("Version", 1);
        parameter.put("ARN", arn);
        parameter.put("DataType", "text");
        send(exchange, 200, JSON.writeValueAsBytes(response), headers);
    }

    private static byte[] readAll(HttpExchange exchange) throws IOException {
        return readAll(exchange, Integer.MAX_VALUE);
    }

    /** The body, or null when it is longer than {@code max}. */
    private static byte[] readAll(HttpExchange exchange, int max) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared = length == null && !exchange.getRequestHeaders().containsKey("Transfer-Encoding") ? 0
                : length == null ? -1 : Long.parseLong(length.trim());
        if (declared == 0) {
            // Every poll for the next invocation: readAllBytes would still allocate its 8 KB buffer.
            return new byte[0];
        }
        if (declared > max) {
            return null;
        }
        InputStream in = exchange.getRequestBody();
        if (declared > 0) {
            return in.readNBytes((int) declared);
        }
        byte[] data = in.readNBytes(max == Integer.MAX_VALUE ? max - 8 : max + 1);
        return data.length > max ? null : data;
    }

    /** Answers with {@code body} (no body when empty) and the headers; the local services of this package share it. */
    static void send(HttpExchange exchange, int status, byte[] body, Map<String, String> headers)
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
        if (shared != null) {
            shared.close();
        }
        launcher.close();
        LoopbackServer.stop(server);
    }
}
