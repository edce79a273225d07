package com.audmg.drive.local.gateway;

import com.audmg.drive.local.config.AuthorizerConfig;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.http.JettyLoopbackServer;
import com.audmg.drive.local.http.LoopbackServer;
import com.audmg.drive.local.lambda.InvocationResult;
import com.audmg.drive.local.lambda.LambdaRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API Gateway (REST API, v1) in front of the functions: route match, TOKEN authorizer with its
 * cache, proxy event, response mapping and the gateway's own error responses.
 */
public final class Gateway implements AutoCloseable {
    /** API Gateway's request payload limit. */
    public static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;
    /** Lambda's synchronous response limit. */
    public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
    /** API Gateway's integration timeout. */
    public static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(29);

    /**
     * Request bodies kept in memory at once, across requests (each up to {@link #MAX_REQUEST_BYTES}): with up
     * to {@value LoopbackServer#MAX_THREADS} requests served at once, 10 MB each would be 2.5 GB. A request
     * whose body does not fit waits up to {@link #BODY_WAIT}, then gets 429 as API Gateway throttles.
     */
    public static final long BODY_BUDGET_BYTES = 64L * 1024 * 1024;
    /** How long a request waits for room in the body budget. */
    public static final Duration BODY_WAIT = Duration.ofSeconds(5);

    /** API Gateway's quota on the total size of a REST API request's headers. */
    public static final int MAX_HEADER_BYTES = 10_240;

    private static final String MISSING_TOKEN = "{\"message\":\"Missing Authentication Token\"}";
    private static final String UNAUTHORIZED = "{\"message\":\"Unauthorized\"}";
    private static final String FORBIDDEN = "{\"message\":\"User is not authorized to access this resource\"}";
    private static final String INTERNAL = "{\"message\":\"Internal server error\"}";
    private static final String TIMED_OUT = "{\"message\":\"Endpoint request timed out\"}";
    private static final String TOO_LARGE = "{\"message\":\"Request Too Long\"}";
    private static final String TOO_MANY_REQUESTS = "{\"message\":\"Too Many Requests\"}";
    private static final String HEADERS_TOO_LARGE = "{\"message\":\"Request Header Fields Too Large\"}";
    private static final String FOREIGN_HOST = "{\"message\":\"Forbidden: the Host header must be 127.0.0.1, localhost"
            + " or [::1] with this port\"}";

    private record CachedPolicy(JsonNode policy, Map<String, Object> authorizer, long expiresAtNanos) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ServerlessConfig config;
    private final LambdaRuntime lambda;
    private final RouteTable routes;
    private final JettyLoopbackServer server;
    private final String apiId;
    private final ProxyEventBuilder events;
    private final PrintStream console;
    private final Map<String, CachedPolicy> authorizerCache = new ConcurrentHashMap<>();
    private final AtomicInteger authorizerInvocations = new AtomicInteger();
    private final java.util.concurrent.Semaphore bodyBudget;
    private final int bodyBudgetKib;
    private final Duration bodyWait;
    private final RouteThrottle throttle = new RouteThrottle();

    public Gateway(ServerlessConfig config, LambdaRuntime lambda, int port, PrintStream console) throws IOException {
        this(config, lambda, port, console, BODY_BUDGET_BYTES, BODY_WAIT);
    }

    /** As the public constructor, with another body budget and wait (tests). */
    Gateway(ServerlessConfig config, LambdaRuntime lambda, int port, PrintStream console, long bodyBudgetBytes,
            Duration bodyWait) throws IOException {
        this.bodyBudgetKib = (int) (bodyBudgetBytes / 1024);
        this.bodyBudget = new java.util.concurrent.Semaphore(bodyBudgetKib);
        this.bodyWait = bodyWait;
        this.config = config;
        this.lambda = lambda;
        this.console = console;
        this.routes = new RouteTable(config.routes());
        this.apiId = apiId(config.service());
        this.server = JettyLoopbackServer.start(port, 512, "gateway", this::handle, this::refuseForeignHost);
        this.events = new ProxyEventBuilder(json, config.accountId(), apiId,
                config.stage(), "127.0.0.1:" + server.port(), config.stageVariables());
    }

    /** DNS rebinding guard: a page of another site that resolves to 127.0.0.1 sends its own name as Host. */
    private void refuseForeignHost(HttpExchange exchange) {
        try (exchange) {
            logLine(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + " refused: foreign Host header");
            send(exchange, 403, FOREIGN_HOST, Map.of());
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static String apiId(String service) {
        String id = Integer.toString(Math.abs(service.hashCode() % 1_000_000_000), 36) + "localapi";
        return id.substring(0, 10);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + "/" + config.stage());
    }

    /** Room left in the body budget, in KiB (tests). */
    int bodyBudgetAvailableKib() {
        return bodyBudget.availablePermits();
    }

    /** How many times an authorizer function actually ran (cache misses). */
    public int authorizerInvocations() {
        return authorizerInvocations.get();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            serve(exchange);
        } catch (IOException e) {
            // The client went away.
        } catch (RuntimeException e) {
            logLine("gateway error: " + e);
            try {
                send(exchange, 500, INTERNAL, Map.of());
            } catch (IOException ignored) {
                // The client went away.
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        Instant now = Instant.now();
        if (LoopbackServer.headerBytes(exchange) > MAX_HEADER_BYTES) {
            send(exchange, 431, HEADERS_TOO_LARGE, Map.of());
            return;
        }
        String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        String prefix = "/" + config.stage();
        if (!(rawPath.equals(prefix) || rawPath.startsWith(prefix + "/"))) {
            send(exchange, 403, MISSING_TOKEN, Map.of());
            return;
        }
        String path = exchange.getRequestURI().getPath().substring(prefix.length());
        if (path.isEmpty()) {
            path = "/";
        }
        Optional<RouteTable.Match> match = routes.match(method, path);
        if (match.isEmpty() && method.equals("OPTIONS")) {
            List<String> methods = routes.corsMethods(path);
            if (!methods.isEmpty()) {
                preflight(exchange, methods);
                return;
            }
        }
        if (match.isEmpty()) {
            send(exchange, 403, MISSING_TOKEN, Map.of());
            return;
        }
        // serverless.yml's API Gateway throttling (rate and burst per method), before authorizer and function.
        if (!throttle.admit(match.get().route())) {
            logLine(method + " " + rawPath + " -> 429: throttled (" + match.get().route().throttling().ratePerSecond()
                    + " requests/s, burst " + match.get().route().throttling().burst() + ")");
            send(exchange, 429, TOO_MANY_REQUESTS, Map.of());
            return;
        }
        int permits = bodyPermits(declaredLength(exchange));
        boolean admitted;
        try {
            admitted = bodyBudget.tryAcquire(permits, bodyWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!admitted) {
            logLine(method + " " + rawPath + " -> 429: request bodies in memory reached "
                    + bodyBudgetKib / 1024 + " MiB");
            send(exchange, 429, TOO_MANY_REQUESTS, Map.of());
            return;
        }
        try {
            invokeRoute(exchange, match.get(), method, path, rawPath, now);
        } finally {
            bodyBudget.release(permits);
        }
    }

    /** KiB of the body budget a request takes while it is read and served: its length, or the most for chunked. */
    private static int bodyPermits(long declaredLength) {
        if (declaredLength == 0 || declaredLength > MAX_REQUEST_BYTES) {
            // No body, or one that is only drained (413): nothing is kept in memory.
            return 0;
        }
        long bytes = declaredLength < 0 ? MAX_REQUEST_BYTES : declaredLength;
        return (int) ((bytes + 1023) / 1024);
    }

    private void invokeRoute(HttpExchange exchange, RouteTable.Match m, String method, String path, String rawPath,
                             Instant now) throws IOException {
        byte[] body = readLimited(exchange);
        if (body == null) {
            send(exchange, 413, TOO_LARGE, Map.of());
            return;
        }
        Map<String, List<String>> headers = headers(exchange);
        // API Gateway always adds these; handlers build absolute URLs and client addresses from them.
        headers.putIfAbsent("X-Forwarded-For", List.of(exchange.getRemoteAddress().getAddress().getHostAddress()));
        headers.putIfAbsent("X-Forwarded-Port", List.of(Integer.toString(server.port())));
        headers.putIfAbsent("X-Forwarded-Proto", List.of("http"));
        String requestId = ProxyEventBuilder.newRequestId();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        ProxyRequest request = new ProxyRequest(method, m.route().path(), path, headers,
                exchange.getRequestURI().getRawQuery(), m.pathParameters(), body, sourceIp, null);
        if (m.route().authorizer() != null) {
            String methodArn = "arn:aws:execute-api:" + config.region() + ":" + config.accountId() + ":" + apiId + "/"
                    + config.stage() + "/" + method + path;
            AuthOutcome outcome = authorize(m.route().authorizer(), request, methodArn, now, requestId);
            if (outcome.status != 0) {
                send(exchange, outcome.status, outcome.body, Map.of());
                return;
            }
            request = new ProxyRequest(method, m.route().path(), path, headers, request.rawQuery(),
                    m.pathParameters(), body, sourceIp, outcome.context);
        }
        ObjectNode event = events.create(request, now, requestId);
        InvocationResult result;
        try {
            result = lambda.invoke(m.route().functionName(), json.writeValueAsBytes(event), INTEGRATION_TIMEOUT);
        } catch (IOException e) {
            logLine("cannot invoke " + m.route().functionName() + ": " + e.getMessage());
            send(exchange, 502, INTERNAL, Map.of());
            return;
        }
        respond(exchange, m.route().functionName(), result);
        logLine(method + " " + rawPath + " -> " + m.route().functionName() + " " + exchange.getResponseCode() + " in "
                + java.time.Duration.between(now, Instant.now()).toMillis() + " ms");
    }

    private record AuthOutcome(int status, String body, Map<String, Object> context) {
    }

    /** The value of a REQUEST authorizer's identity source, or null when the request lacks it. */
    private static String identityValue(String source, ProxyRequest request) {
        if (source.startsWith("method.request.header.")) {
            List<String> values = request.headers().get(canonical(source.substring("method.request.header.".length())));
            return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
        }
        List<String> values = ProxyEventBuilder.parseQuery(request.rawQuery())
                .get(source.substring("method.request.querystring.".length()));
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private AuthOutcome authorize(AuthorizerConfig auth, ProxyRequest request, String methodArn, Instant now,
                                  String requestId) throws IOException {
        String cacheKey;
        ObjectNode event = json.createObjectNode();
        if (auth.isRequest()) {
            // As API Gateway: with caching on, every identity source is required and together they key the cache.
            List<String> identity = new ArrayList<>();
            for (String source : auth.identitySources()) {
                String value = identityValue(source, request);
                if (value == null && auth.resultTtlSeconds() > 0) {
                    return new AuthOutcome(401, UNAUTHORIZED, null);
                }
                identity.add(String.valueOf(value));
            }
            cacheKey = auth.functionName() + "\nREQUEST\n" + String.join("\n", identity);
            event.put("type", "REQUEST");
            event.put("methodArn", methodArn);
            ObjectNode proxy = events.create(request, now, requestId);
            proxy.remove(List.of("body", "isBase64Encoded"));
            event.setAll(proxy);
        } else {
            List<String> values = request.headers().get(canonical(auth.identityHeader()));
            String token = values == null ? null : values.get(0);
            if (token == null || token.isBlank()) {
                return new AuthOutcome(401, UNAUTHORIZED, null);
            }
            cacheKey = auth.functionName() + "\n" + token;
            event.put("type", "TOKEN");
            event.put("methodArn", methodArn);
            event.put("authorizationToken", token);
        }
        CachedPolicy cached = authorizerCache.get(cacheKey);
        if (cached == null || cached.expiresAtNanos < System.nanoTime()) {
            authorizerCache.remove(cacheKey);
            authorizerInvocations.incrementAndGet();
            InvocationResult result;
            try {
                result = lambda.invoke(auth.functionName(), json.writeValueAsBytes(event), INTEGRATION_TIMEOUT);
            } catch (IOException e) {
                logLine("cannot invoke authorizer " + auth.functionName() + ": " + e.getMessage());
                return new AuthOutcome(500, "{\"message\":null}", null);
            }
            if (!result.isSuccess()) {
                if (result.outcome() == InvocationResult.Outcome.ERROR
                        && "Unauthorized".equals(errorMessage(result.payload()))) {
                    return new AuthOutcome(401, UNAUTHORIZED, null);
                }
                logLine("authorizer " + auth.functionName() + " failed: " + describe(result));
                return new AuthOutcome(500, "{\"message\":null}", null);
            }
            JsonNode response;
            try {
                response = json.readTree(result.payload());
            } catch (IOException e) {
                response = null;
            }
            if (response == null || !response.isObject() || !response.path("policyDocument").isObject()
                    || response.path("principalId").isMissingNode()) {
                logLine("authorizer " + auth.functionName() + " returned an invalid response");
                return new AuthOutcome(500, "{\"message\":null}", null);
            }
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("principalId", response.path("principalId").asText());
            JsonNode ctx = response.path("context");
            if (ctx.isObject()) {
                ctx.fields().forEachRemaining(e -> context.put(e.getKey(),
                        e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            }
            cached = new CachedPolicy(response.path("policyDocument"), context,
                    System.nanoTime() + Duration.ofSeconds(auth.resultTtlSeconds()).toNanos());
            if (auth.resultTtlSeconds() > 0) {
                authorizerCache.put(cacheKey, cached);
            }
        }
        if (!AuthorizerPolicy.allows(cached.policy, methodArn)) {
            return new AuthOutcome(403, FORBIDDEN, null);
        }
        Map<String, Object> context = new LinkedHashMap<>(cached.authorizer);
        context.put("integrationLatency", 0);
        return new AuthOutcome(0, null, context);
    }

    private void respond(HttpExchange exchange, String functionName, InvocationResult result) throws IOException {
        if (result.outcome() == InvocationResult.Outcome.TIMEOUT) {
            send(exchange, 504, TIMED_OUT, Map.of());
            return;
        }
        if (result.outcome() == InvocationResult.Outcome.ERROR) {
            logLine("function " + functionName + " failed: " + describe(result));
            send(exchange, 502, INTERNAL, Map.of());
            return;
        }
        if (result.payload().length > MAX_RESPONSE_BYTES) {
            logLine("function " + functionName + " response is over 6 MB (" + result.payload().length + " bytes)");
            send(exchange, 502, INTERNAL, Map.of());
            return;
        }
        JsonNode response;
        try {
            response = json.readTree(result.payload());
        } catch (IOException e) {
            response = null;
        }
        if (response == null || !response.isObject() || !response.path("statusCode").canConvertToInt()) {
            logLine("function " + functionName + " returned a malformed Lambda proxy response");
            send(exchange, 502, INTERNAL, Map.of());
            return;
        }
        int status = response.path("statusCode").asInt();
        var out = exchange.getResponseHeaders();
        JsonNode multi = response.path("multiValueHeaders");
        if (multi.isObject()) {
            multi.fields().forEachRemaining(e -> e.getValue().forEach(v -> out.add(e.getKey(), v.asText())));
        }
        JsonNode single = response.path("headers");
        if (single.isObject()) {
            single.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue().asText()));
        }
        if (!out.containsKey("Content-Type")) {
            out.set("Content-Type", "application/json");
        }
        out.set("X-Amzn-RequestId", java.util.UUID.randomUUID().toString());
        JsonNode bodyNode = response.path("body");
        byte[] body;
        if (bodyNode.isMissingNode() || bodyNode.isNull()) {
            body = new byte[0];
        } else if (response.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = Base64.getDecoder().decode(bodyNode.asText());
            } catch (IllegalArgumentException e) {
                logLine("function " + functionName + " returned an invalid base64 body");
                exchange.getResponseHeaders().clear();
                send(exchange, 502, INTERNAL, Map.of());
                return;
            }
        } else {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        }
        Integer minimum = config.minimumCompressionSize();
        String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (minimum != null && body.length >= minimum && acceptEncoding != null
                && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip")
                && !out.containsKey("Content-Encoding")) {
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
                gz.write(body);
            }
            body = zipped.toByteArray();
            out.set("Content-Encoding", "gzip");
        }
        boolean noBody = status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody || body.length == 0 ? -1 : body.length);
        if (!noBody && body.length > 0) {
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        }
    }

    private void preflight(HttpExchange exchange, List<String> methods) throws IOException {
        List<String> allowed = new ArrayList<>(List.of("OPTIONS"));
        allowed.addAll(methods);
        send(exchange, 200, "", Map.of(
                "Access-Control-Allow-Origin", "*",
                "Access-Control-Allow-Headers",
                "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent",
                "Access-Control-Allow-Methods", String.join(",", allowed)));
    }

    private String errorMessage(byte[] payload) {
        try {
            return json.readTree(payload).path("errorMessage").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private String describe(InvocationResult result) {
        if (result.outcome() == InvocationResult.Outcome.TIMEOUT) {
            return "timed out";
        }
        String text = new String(result.payload(), StandardCharsets.UTF_8);
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    private void logLine(String line) {
        if (console != null) {
            console.println("[gateway] " + line);
        }
    }

    /** Header names as most clients send them (the JDK server lower-cases all but the first letter). */
    static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return b.toString();
    }

    /** The request's headers with their names as sent (as API Gateway passes them); lookups ignore case. */
    private static Map<String, List<String>> headers(HttpExchange exchange) {
        return ((JettyLoopbackServer.Exchange) exchange).headersAsSent();
    }

    private static byte[] readLimited(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        long declared = declaredLength(exchange);
        if (declared == 0) {
            // Most API calls have no body; readNBytes would still allocate its 8 KB buffer.
            return new byte[0];
        }
        if (declared > MAX_REQUEST_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        byte[] data = in.readNBytes(declared > 0 ? (int) declared : MAX_REQUEST_BYTES + 1);
        if (data.length > MAX_REQUEST_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        return data;
    }

    /** The request's Content-Length, or -1 when it has none (chunked) or an unreadable one. */
    private static long declaredLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return exchange.getRequestHeaders().containsKey("Transfer-Encoding") ? -1 : 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (bytes.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        if (status >= 400) {
            exchange.getResponseHeaders().set("X-Amzn-ErrorType", errorType(status));
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        }
    }

    private static String errorType(int status) {
        return switch (status) {
            case 401 -> "UnauthorizedException";
            case 403 -> "ForbiddenException";
            case 413 -> "RequestTooLargeException";
            case 429 -> "TooManyRequestsException";
            case 431 -> "RequestHeaderFieldsTooLargeException";
            case 504 -> "IntegrationTimeoutException";
            default -> "InternalServerErrorException";
        };
    }

    @Override
    public void close() {
        server.close();
    }
}
