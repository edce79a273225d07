package com.audmg.drive.local.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a serverless.yml (Serverless Framework v3 syntax) and resolves the variables it uses:
 * {@code ${opt:stage}}, {@code ${opt:region}}, {@code ${sls:stage}}, {@code ${self:a.b}},
 * {@code ${env:NAME}}, {@code ${ssm:/name}}, {@code ${aws:region}}, {@code ${aws:accountId}},
 * each with optional {@code , fallback} values and nesting, plus the CloudFormation
 * {@code { Ref: LogicalId }} form for S3 bucket resources.
 */
public final class ServerlessConfigReader {
    /** The account id the local cloud pretends to run in. */
    public static final String LOCAL_ACCOUNT_ID = "000000000000";

    private static final Pattern INNERMOST = Pattern.compile("\\$\\{([^${}]*)\\}");
    private static final int MAX_DEPTH = 32;

    private final String cliStage;
    private final String cliRegion;
    private final Function<String, String> env;
    private final ParameterStore parameters;

    private Map<String, Object> root;
    /** The document as YAML nodes (with line numbers), or null when built from a map. */
    private org.yaml.snakeyaml.nodes.Node tree;
    private String stage;
    private String region;

    /**
     * @param cliStage the {@code --stage} option, or null
     * @param env environment lookup for {@code ${env:...}}
     * @param parameters the local SSM stand-in for {@code ${ssm:...}}
     */
    public ServerlessConfigReader(String cliStage, Function<String, String> env, ParameterStore parameters) {
        this(cliStage, null, env, parameters);
    }

    public ServerlessConfigReader(String cliStage, String cliRegion, Function<String, String> env,
                                  ParameterStore parameters) {
        this.cliStage = cliStage;
        this.cliRegion = cliRegion;
        this.env = env;
        this.parameters = parameters;
    }

    /** Reads {@code file}; {@code artifactOverride} (may be null) replaces package.artifact. */
    public ServerlessConfig read(Path file, Path artifactOverride) {
        Object loaded;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            // The same document as nodes, which know their line: refusals name the line of serverless.yml.
            this.tree = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new java.io.StringReader(text));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new ConfigException(file + " is not valid YAML: " + e.getMessage().replace('\n', ' '), e);
        }
        if (!(loaded instanceof Map)) {
            throw new ConfigException(file + " is not a serverless.yml (no top-level map)");
        }
        Path folder = file.toAbsolutePath().getParent();
        return build(castMap(loaded), folder, artifactOverride);
    }

    /** Builds the config from an already parsed document (for tests). */
    public ServerlessConfig build(Map<String, Object> document, Path folder, Path artifactOverride) {
        this.root = document;
        Map<String, Object> provider = mapAt(root, "provider");
        this.stage = cliStage != null ? cliStage : stringOr(resolve(provider.get("stage"), 0), "dev");
        this.region = cliRegion != null ? cliRegion : stringOr(resolve(provider.get("region"), 0), "us-east-1");

        String service = stringOr(resolve(root.get("service"), 0), null);
        if (service == null) {
            throw new ConfigException("serverless.yml: 'service' is missing");
        }
        Map<String, String> buckets = buckets(service);

        Path artifact = artifactOverride;
        if (artifact == null) {
            String declared = stringOr(resolve(mapAt(root, "package").get("artifact"), 0), null);
            if (declared == null) {
                throw new ConfigException("serverless.yml: 'package.artifact' is missing (or pass --artifact)");
            }
            artifact = folder.resolve(declared).normalize();
        }

        int defaultTimeout = intOr(resolve(provider.get("timeout"), 0), 6);
        int defaultMemory = intOr(resolve(provider.get("memorySize"), 0), 1024);
        String defaultRuntime = stringOr(resolve(provider.get("runtime"), 0), null);
        Map<String, String> providerEnv = environment(provider.get("environment"), buckets, "provider.environment");

        Map<String, Object> rawFunctions = mapAt(root, "functions");
        Map<String, FunctionConfig> functions = new LinkedHashMap<>();
        List<HttpRoute> routes = new ArrayList<>();
        List<Object[]> pendingAuthorizers = new ArrayList<>();
        List<Schedule> schedules = new ArrayList<>();
        for (Map.Entry<String, Object> entry : rawFunctions.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> fn = castMap(resolve(entry.getValue(), 0), "functions." + name);
            String handler = stringOr(fn.get("handler"), null);
            if (handler == null) {
                throw new ConfigException("serverless.yml: functions." + name + ".handler is missing");
            }
            Map<String, String> environment = new LinkedHashMap<>(providerEnv);
            environment.putAll(environment(fn.get("environment"), buckets, "functions." + name + ".environment"));
            String deployedName = stringOr(fn.get("name"), service + "-" + stage + "-" + name);
            String runtime = stringOr(fn.get("runtime"), defaultRuntime);
            functions.put(name, new FunctionConfig(name, handler,
                    intOr(fn.get("timeout"), defaultTimeout), intOr(fn.get("memorySize"), defaultMemory),
                    Map.copyOf(environment), deployedName, runtime));
            Object events = fn.get("events");
            if (events instanceof List<?> list) {
                for (int index = 0; index < list.size(); index++) {
                    Object event = list.get(index);
                    refuseUnsupportedEvent(name, index, event);
                    if (event instanceof Map<?, ?> eventMap && eventMap.containsKey("http")) {
                        routes.add(null);
                        pendingAuthorizers.add(new Object[] {routes.size() - 1, name, eventMap.get("http"), index});
                    } else if (event instanceof Map<?, ?> eventMap && eventMap.containsKey("schedule")) {
                        schedules.addAll(schedules(service, stage, name, resolve(eventMap.get("schedule"), 0),
                                schedules.size()));
                    }
                }
            }
        }
        for (Object[] pending : pendingAuthorizers) {
            routes.set((Integer) pending[0], route((String) pending[1], pending[2], functions, (Integer) pending[3]));
        }
        return new ServerlessConfig(service, stage, region, LOCAL_ACCOUNT_ID, artifact,
                java.util.Collections.unmodifiableMap(functions), List.copyOf(routes), java.util.Collections.unmodifiableMap(buckets),
                compression(provider), List.copyOf(schedules), stageVariables());
    }

    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

    /**
     * A {@code schedule} event: {@code rate(...)}/{@code cron(...)}, or a map with {@code rate}
     * (one expression or a list), {@code enabled}, {@code input} and {@code name}.
     */
    private List<Schedule> schedules(String service, String stageName, String function, Object event, int numbered) {
        String where = "functions." + function + ".events.schedule";
        Object rates = event;
        boolean enabled = true;
        Optional<String> input = Optional.empty();
        String name = null;
        if (event instanceof Map<?, ?> map) {
            rates = map.get("rate");
            enabled = !"false".equals(String.valueOf(map.get("enabled")));
            name = map.get("name") == null ? null : String.valueOf(map.get("name"));
            if (map.get("input") != null) {
                try {
                    Object value = map.get("input");
                    input = Optional.of(value instanceof String text ? text
                            : new ObjectMapper().writeValueAsString(value));
                } catch (JsonProcessingException e) {
                    throw new ConfigException("serverless.yml: " + where + ".input cannot be written as JSON");
                }
            }
        }
        List<?> expressions = rates instanceof List<?> list ? list : rates == null ? List.of() : List.of(rates);
        if (expressions.isEmpty()) {
            throw new ConfigException("serverless.yml: " + where + " has no rate or cron expression");
        }
        List<Schedule> result = new ArrayList<>();
        for (Object raw : expressions) {
            String expression = String.valueOf(raw).trim();
            Optional<Duration> period;
            Matcher rate = RATE.matcher(expression);
            if (rate.matches()) {
                long value = Long.parseLong(rate.group(1));
                if (value < 1) {
                    throw new ConfigException("serverless.yml: " + where + " '" + expression + "' must be at least 1");
                }
                String unit = rate.group(2);
                period = Optional.of(unit.startsWith("minute") ? Duration.ofMinutes(value)
                        : unit.startsWith("hour") ? Duration.ofHours(value) : Duration.ofDays(value));
            } else if (expression.startsWith("cron(") && expression.endsWith(")")) {
                period = Optional.empty();
            } else {
                throw new ConfigException("serverless.yml: " + where + " '" + expression
                        + "' is not rate(<n> minute|minutes|hour|hours|day|days) or cron(...)");
            }
            int n = numbered + result.size() + 1;
            String rule = name != null && expressions.size() == 1 ? name
                    : service + "-" + stageName + "-" + function + "-rule-" + n;
            result.add(new Schedule(function, rule, expression, period, enabled, input));
        }
        return result;
    }

    private Integer compression(Map<String, Object> provider) {
        Object apiGateway = resolve(provider.get("apiGateway"), 0);
        if (apiGateway instanceof Map<?, ?> map && map.get("minimumCompressionSize") != null) {
            return intOr(map.get("minimumCompressionSize"), 0);
        }
        return null;
    }

    /** Events the local cloud cannot run as AWS would: refused at start, naming their line. */
    private void refuseUnsupportedEvent(String function, int index, Object event) {
        if (!(event instanceof Map<?, ?> map) || map.size() != 1) {
            return;
        }
        String type = String.valueOf(map.keySet().iterator().next());
        String why = switch (type) {
            case "httpApi" -> "HTTP API events (payload format 2.0, JWT and Lambda authorizers) are not emulated;"
                    + " the local cloud runs REST API (v1) `http` events only";
            case "websocket" -> "WebSocket API events are not emulated";
            case "alb" -> "Application Load Balancer events are not emulated";
            default -> null;
        };
        if (why != null) {
            throw new ConfigException(at("functions", function, "events", index, type) + "functions." + function
                    + ".events[" + index + "]." + type + ": " + why);
        }
    }

    /**
     * {@code "serverless.yml line N: "} for the node at {@code path} (map keys and list indexes), or
     * {@code "serverless.yml: "} when the line is unknown.
     */
    String at(Object... path) {
        org.yaml.snakeyaml.nodes.Node node = tree;
        org.yaml.snakeyaml.error.Mark mark = null;
        for (Object step : path) {
            if (node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping) {
                org.yaml.snakeyaml.nodes.Node next = null;
                for (org.yaml.snakeyaml.nodes.NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode key
                            && key.getValue().equals(String.valueOf(step))) {
                        mark = key.getStartMark();
                        next = tuple.getValueNode();
                        break;
                    }
                }
                node = next;
            } else if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode sequence && step instanceof Integer i
                    && i < sequence.getValue().size()) {
                node = sequence.getValue().get(i);
                mark = node.getStartMark();
            } else {
                node = null;
            }
            if (node == null) {
                break;
            }
        }
        return mark == null ? "serverless.yml: " : "serverless.yml line " + (mark.getLine() + 1) + ": ";
    }

    private HttpRoute route(String functionName, Object http, Map<String, FunctionConfig> functions, int index) {
        String where = "functions." + functionName + ".events.http";
        Object[] yamlPath = {"functions", functionName, "events", index, "http"};
        String method;
        String path;
        boolean cors = false;
        Object authorizer = null;
        Object throttling = null;
        if (http instanceof String shorthand) {
            String[] parts = shorthand.trim().split("\\s+", 2);
            if (parts.length != 2) {
                throw new ConfigException("serverless.yml: " + where + " '" + shorthand + "' is not 'METHOD path'");
            }
            method = parts[0];
            path = parts[1];
        } else {
            Map<String, Object> map = castMap(http, where);
            method = stringOr(map.get("method"), null);
            path = stringOr(map.get("path"), null);
            cors = map.get("cors") instanceof Boolean b ? b : map.get("cors") instanceof Map;
            authorizer = map.get("authorizer");
            throttling = resolve(map.get("throttling"), 0);
        }
        if (method == null || path == null) {
            throw new ConfigException("serverless.yml: " + where + " needs both method and path");
        }
        method = method.toUpperCase(Locale.ROOT);
        if (method.equals("*")) {
            method = "ANY";
        }
        path = "/" + path.replaceAll("^/+", "").replaceAll("/+$", "");
        return new HttpRoute(functionName, method, path, cors, authorizer(authorizer, functions, where, yamlPath),
                throttling(throttling, where));
    }

    /**
     * What the serverless-api-gateway-throttling plugin sets for one http event: nothing without
     * {@code custom.apiGatewayThrottling}; otherwise the event's {@code maxRequestsPerSecond} and
     * {@code maxConcurrentRequests}, each falling back to the stage's (and those to the plugin's
     * defaults, 10000 and 5000); {@code disabled: true} sets no limit on the method.
     */
    private Throttling throttling(Object raw, String where) {
        Object stage = resolve(mapAt(root, "custom").get("apiGatewayThrottling"), 0);
        if (stage == null) {
            return null;
        }
        Map<String, Object> stageMap = castMap(stage, "custom.apiGatewayThrottling");
        Map<String, Object> own = raw == null ? Map.of() : castMap(raw, where + ".throttling");
        if (Boolean.TRUE.equals(own.get("disabled")) || "true".equals(String.valueOf(own.get("disabled")))) {
            return null;
        }
        double rate = doubleOr(own.get("maxRequestsPerSecond"),
                doubleOr(stageMap.get("maxRequestsPerSecond"), Throttling.DEFAULT_RATE));
        int burst = intOr(own.get("maxConcurrentRequests"),
                intOr(stageMap.get("maxConcurrentRequests"), Throttling.DEFAULT_BURST));
        if (rate < 0 || burst < 0) {
            return null;
        }
        return new Throttling(rate, burst);
    }

    private static double doubleOr(Object value, double fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("serverless.yml: '" + value + "' is not a number");
        }
    }

    private AuthorizerConfig authorizer(Object raw, Map<String, FunctionConfig> functions, String where,
                                        Object[] yamlPath) {
        Object[] authorizerPath = java.util.Arrays.copyOf(yamlPath, yamlPath.length + 1);
        authorizerPath[yamlPath.length] = "authorizer";
        String line = at(authorizerPath);
        if (raw == null) {
            return null;
        }
        String name;
        String type = "TOKEN";
        String identitySource = "method.request.header.Authorization";
        int ttl = 300;
        if (raw instanceof String s) {
            name = s;
        } else {
            Map<String, Object> map = castMap(raw, where + ".authorizer");
            name = stringOr(map.get("name"), null);
            if (name == null && map.get("arn") != null) {
                throw new ConfigException(line + where + ".authorizer by arn (Cognito or another account's"
                        + " function) is not emulated; name a function of this file");
            }
            type = stringOr(map.get("type"), type).toUpperCase(Locale.ROOT);
            identitySource = stringOr(map.get("identitySource"), identitySource);
            ttl = intOr(map.get("resultTtlInSeconds"), ttl);
        }
        if (name == null || !functions.containsKey(name)) {
            throw new ConfigException(line + where + ".authorizer names unknown function '" + name + "'");
        }
        if (type.equals("REQUEST")) {
            List<String> sources = new ArrayList<>();
            for (String source : identitySource.split(",")) {
                String trimmed = source.trim();
                if (!trimmed.startsWith("method.request.header.") && !trimmed.startsWith("method.request.querystring.")) {
                    throw new ConfigException(line + where + ".authorizer identitySource '" + trimmed + "' is not"
                            + " emulated (method.request.header.<Name> and method.request.querystring.<name> are)");
                }
                sources.add(trimmed);
            }
            String header = sources.get(0).startsWith("method.request.header.")
                    ? sources.get(0).substring("method.request.header.".length()) : null;
            return new AuthorizerConfig(name, type, header, ttl, List.copyOf(sources));
        }
        if (!type.equals("TOKEN")) {
            throw new ConfigException(line + where + ".authorizer type " + type + " is not emulated (TOKEN and"
                    + " REQUEST authorizers are)");
        }
        String prefix = "method.request.header.";
        String first = identitySource.split(",")[0].trim();
        if (!first.startsWith(prefix)) {
            throw new ConfigException(line + where + ".authorizer identitySource '" + identitySource
                    + "' must be method.request.header.<Name>");
        }
        return new AuthorizerConfig(name, type, first.substring(prefix.length()), ttl);
    }

    /**
     * The stage's variables: {@code Variables} of an {@code AWS::ApiGateway::Stage} resource or
     * {@code StageDescription.Variables} of an {@code AWS::ApiGateway::Deployment} one, literal values only.
     */
    private Map<String, String> stageVariables() {
        Map<String, String> variables = new java.util.TreeMap<>();
        Map<String, Object> resources = mapAt(mapAt(root, "resources"), "Resources");
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            Map<String, Object> resource = castMap(entry.getValue(), "resources.Resources." + entry.getKey());
            Object type = resource.get("Type");
            Map<String, Object> properties = mapAt(resource, "Properties");
            Object[] path;
            Object raw;
            if ("AWS::ApiGateway::Stage".equals(type)) {
                path = new Object[] {"resources", "Resources", entry.getKey(), "Properties", "Variables"};
                raw = properties.get("Variables");
            } else if ("AWS::ApiGateway::Deployment".equals(type)) {
                path = new Object[] {"resources", "Resources", entry.getKey(), "Properties", "StageDescription",
                        "Variables"};
                raw = mapAt(properties, "StageDescription").get("Variables");
            } else {
                continue;
            }
            if (raw == null) {
                continue;
            }
            Object resolved = resolve(raw, 0);
            if (!(resolved instanceof Map<?, ?> map)) {
                throw new ConfigException(at(path) + "resources.Resources." + entry.getKey()
                        + " stage variables must be a map of names to strings");
            }
            for (Map.Entry<?, ?> variable : map.entrySet()) {
                Object value = variable.getValue();
                if (value == null || value instanceof Map || value instanceof List) {
                    Object[] where = java.util.Arrays.copyOf(path, path.length + 1);
                    where[path.length] = String.valueOf(variable.getKey());
                    throw new ConfigException(at(where) + "stage variable " + variable.getKey() + " of "
                            + entry.getKey() + " must be a plain string locally (CloudFormation functions are not"
                            + " evaluated)");
                }
                variables.put(String.valueOf(variable.getKey()), String.valueOf(value));
            }
        }
        return java.util.Collections.unmodifiableMap(variables);
    }

    private Map<String, String> buckets(String service) {
        Map<String, String> buckets = new LinkedHashMap<>();
        Map<String, Object> resources = mapAt(mapAt(root, "resources"), "Resources");
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            Map<String, Object> resource = castMap(entry.getValue(), "resources.Resources." + entry.getKey());
            if ("AWS::S3::Bucket".equals(resource.get("Type"))) {
                Object explicit = resolve(mapAt(resource, "Properties").get("BucketName"), 0);
                String bucket = explicit instanceof String s ? s
                        : (service + "-" + stage + "-" + entry.getKey()).toLowerCase(Locale.ROOT);
                buckets.put(entry.getKey(), bucket);
            }
        }
        return buckets;
    }

    private Map<String, String> environment(Object raw, Map<String, String> buckets, String where) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null) {
            return result;
        }
        Map<String, Object> map = castMap(resolve(raw, 0), where);
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> intrinsic && intrinsic.size() == 1 && intrinsic.containsKey("Ref")) {
                String logicalId = String.valueOf(intrinsic.get("Ref"));
                String bucket = buckets.get(logicalId);
                if (bucket == null) {
                    throw new ConfigException("serverless.yml: " + where + "." + entry.getKey()
                            + " refers to '" + logicalId + "', which is not an AWS::S3::Bucket resource");
                }
                result.put(entry.getKey(), bucket);
            } else if (value == null || value instanceof Map || value instanceof List) {
                throw new ConfigException("serverless.yml: " + where + "." + entry.getKey()
                        + " must be a string (or { Ref: Bucket })");
            } else {
                result.put(entry.getKey(), String.valueOf(value));
            }
        }
        return result;
    }

    // ---- variable resolution ----

    /** Resolves every variable in {@code value} (a tree of maps, lists and scalars). */
    Object resolve(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ConfigException("serverless.yml: variables nest too deep (a cycle?)");
        }
        if (value instanceof String s) {
            return resolveString(s, depth);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), resolve(e.getValue(), depth));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(resolve(o, depth));
            }
            return out;
        }
        return value;
    }

    private Object resolveString(String text, int depth) {
        String current = text;
        for (int guard = 0; guard < 100; guard++) {
            Matcher m = INNERMOST.matcher(current);
            if (!m.find()) {
                return current;
            }
            Object value = resolveExpression(m.group(1), depth);
            if (m.start() == 0 && m.end() == current.length()) {
                // A whole-value variable may yield a map or a number (e.g. ${self:custom.authorizer}).
                return value;
            }
            if (value instanceof Map || value instanceof List) {
                throw new ConfigException("serverless.yml: ${" + m.group(1) + "} is an object and cannot be part of '"
                        + text + "'");
            }
            current = current.substring(0, m.start()) + value + current.substring(m.end());
        }
        throw new ConfigException("serverless.yml: cannot resolve '" + text + "'");
    }

    private Object resolveExpression(String expression, int depth) {
        List<String> candidates = splitTopLevel(expression);
        for (String candidate : candidates) {
            String c = candidate.trim();
            if (c.isEmpty()) {
                continue;
            }
            Object value = resolveSource(c, depth);
            if (value != null) {
                return value;
            }
        }
        throw new ConfigException("serverless.yml: cannot resolve variable ${" + expression + "}");
    }

    private Object resolveSource(String source, int depth) {
        if ((source.startsWith("'") && source.endsWith("'") || source.startsWith("\"") && source.endsWith("\""))
                && source.length() >= 2) {
            return source.substring(1, source.length() - 1);
        }
        int colon = source.indexOf(':');
        String kind = colon < 0 ? "" : source.substring(0, colon);
        String arg = colon < 0 ? source : source.substring(colon + 1).trim();
        switch (kind) {
            case "opt":
                return switch (arg) {
                    case "stage" -> cliStage;
                    case "region" -> cliRegion;
                    default -> null;
                };
            case "sls":
                if (arg.equals("stage")) {
                    return stage != null ? stage : (cliStage != null ? cliStage : null);
                }
                if (arg.equals("instanceId")) {
                    return "local";
                }
                throw new ConfigException("serverless.yml: unknown variable ${sls:" + arg + "}");
            case "self":
                return lookupSelf(arg, depth);
            case "env":
                return env.apply(arg);
            case "ssm":
                return parameters.getOrCreate(arg);
            case "aws":
                if (arg.equals("region")) {
                    return region != null ? region : "us-east-1";
                }
                if (arg.equals("accountId")) {
                    return LOCAL_ACCOUNT_ID;
                }
                throw new ConfigException("serverless.yml: unknown variable ${aws:" + arg + "}");
            case "":
                if (source.matches("-?\\d+(\\.\\d+)?|true|false")) {
                    return source;
                }
                // An unquoted literal fallback, as Serverless v3 also tolerates.
                return source;
            default:
                throw new ConfigException("serverless.yml: variable source '" + kind + ":' is not supported locally");
        }
    }

    private Object lookupSelf(String path, int depth) {
        Object node = root;
        if (!path.isEmpty()) {
            for (String part : path.split("\\.")) {
                if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
                    return null;
                }
                node = map.get(part);
            }
        }
        return resolve(node, depth + 1);
    }

    private static List<String> splitTopLevel(String expression) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ',') {
                parts.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(expression.substring(start));
        return parts;
    }

    // ---- tree helpers ----

    private Map<String, Object> mapAt(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            return Map.of();
        }
        return castMap(value, key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> castMap(Object value, String where) {
        if (!(value instanceof Map)) {
            throw new ConfigException("serverless.yml: '" + where + "' must be a map");
        }
        return castMap(value);
    }

    private static String stringOr(Object value, String fallback) {
        return value == null ? fallback : String.valueOf(value);
    }

    private static int intOr(Object value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("serverless.yml: '" + value + "' is not a number");
        }
    }
}
