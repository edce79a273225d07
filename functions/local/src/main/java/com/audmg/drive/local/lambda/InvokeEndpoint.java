package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.ServerlessConfig;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Lambda service's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}) on its own loopback
 * port, SigV4-checked with the local credentials, so that {@code aws lambda invoke --endpoint-url ...} and the
 * SDK's {@code LambdaClient} can call any function directly. A function is named by its key in serverless.yml,
 * its deployed name or its ARN; {@code X-Amz-Invocation-Type} {@code RequestResponse} (default),
 * {@code Event} (202, runs in the background) and {@code DryRun} (204) are supported.
 */
public final class InvokeEndpoint implements AutoCloseable {
    /** Lambda's synchronous invocation payload limit. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** Lambda's longest timeout: a synchronous Invoke waits for the function's own timeout, at most this. */
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final String PREFIX = "/2015-03-31/functions/";

    private final ServerlessConfig config;
    private final LambdaRuntime lambda;
    private final SigV4Verifier verifier;
    private final PrintStream console;
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param accessKeyId the local access key (the embedded S3's)
     * @param secretAccessKey its secret
     */
    public InvokeEndpoint(ServerlessConfig config, LambdaRuntime lambda, String accessKeyId, String secretAccessKey,
                          PrintStream console) throws IOException {
        this.config = config;
        this.lambda = lambda;
        this.console = console;
        this.verifier = new SigV4Verifier(accessKeyId, secretAccessKey, config.region(), "lambda");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-invoke-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint URL to give {@code --endpoint-url} or {@code LambdaClient.endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long t0 = System.nanoTime();
            String rawPath = exchange.getRequestURI().getRawPath();
            byte[] body = readLimited(exchange.getRequestBody());
            if (body == null) {
                error(exchange, 413, "RequestEntityTooLargeException", "Request must be smaller than "
                        + MAX_PAYLOAD_BYTES + " bytes for the InvokeFunction operation");
                return;
            }
            SigV4Verifier.Refusal refusal = verifier.verify(exchange.getRequestMethod(), rawPath,
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, Instant.now());
            if (refusal != null) {
                error(exchange, 403,
                        refusal.errorType(), refusal.message());
                log(exchange.getRequestMethod() + " " + rawPath + " -> 403 " + refusal.errorType());
                return;
            }
            if (!exchange.getRequestMethod().equals("POST") || !rawPath.startsWith(PREFIX)
                    || !rawPath.endsWith("/invocations")) {
                error(exchange, 404, "UnknownOperationException", "Only Invoke (POST " + PREFIX
                        + "{name}/invocations) is served locally");
                return;
            }
            String name = URLDecoder.decode(rawPath.substring(PREFIX.length(),
                    rawPath.length() - "/invocations".length()), StandardCharsets.UTF_8);
            Optional<FunctionConfig> function = find(name);
            if (function.isEmpty()) {
                error(exchange, 404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:"
                        + config.region() + ":" + config.accountId() + ":function:" + name);
                return;
            }
            String key = function.get().name();
            String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))
                    .orElse("RequestResponse");
            byte[] event = body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body;
            switch (type) {
                case "DryRun" -> send(exchange, 204, new byte[0], Map.of());
                case "Event" -> {
                    executor.execute(() -> {
                        try {
                            lambda.invoke(key, event, MAX_WAIT);
                        } catch (IOException | RuntimeException e) {
                            log("Event invocation of " + key + " failed: " + e);
                        }
                    });
                    send(exchange, 202, new byte[0], Map.of());
                }
                case "RequestResponse" -> {
                    InvocationResult result = lambda.invoke(key, event, MAX_WAIT);
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("Content-Type", "application/json");
                    headers.put("X-Amz-Executed-Version", "$LATEST");
                    if (!result.isSuccess()) {
                        headers.put("X-Amz-Function-Error", "Unhandled");
                    }
                    byte[] payload = result.outcome() == InvocationResult.Outcome.TIMEOUT
                            ? InvocationResult.functionTimedOut("local", function.get().timeoutSeconds()).payload()
                            : result.payload();
                    send(exchange, 200, payload, headers);
                }
                default -> error(exchange, 400, "InvalidParameterValueException",
                        "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not " + type);
            }
            log("Invoke " + key + " (" + type + ") -> " + exchange.getResponseCode() + " in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (IOException e) {
            // The client went away.
        }
    }

    /** By key under {@code functions}, deployed name, or ARN (a {@code :qualifier} is ignored). */
    private Optional<FunctionConfig> find(String name) {
        String bare = name;
        if (bare.startsWith("arn:")) {
            String[] parts = bare.split(":");
            bare = parts.length >= 7 ? parts[6] : "";
        } else if (bare.contains(":")) {
            bare = bare.substring(0, bare.indexOf(':'));
        }
        String wanted = bare;
        return config.functions().values().stream()
                .filter(f -> f.name().equals(wanted) || f.deployedName().equals(wanted)).findFirst();
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
        if (data.length > MAX_PAYLOAD_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        return data;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        String body = "{\"Type\":\"User\",\"__type\":\"" + type + "\",\"message\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + "}";
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "X-Amzn-ErrorType", type));
    }

    private static void send(HttpExchange exchange, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("X-Amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void log(String line) {
        if (console != null) {
            console.println("[lambda-api] " + line);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

}
