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
    private String service;
    /** Where queue URLs point ({@code Ref} of a queue): the embedded SQS's endpoint. */
    private String sqsEndpoint = "http://127.0.0.1:9324";
    private final Map<String, String> queueNames = new LinkedHashMap<>();
    private final Map<String, String> topicNames = new LinkedHashMap<>();
    private Map<String, String> bucketNames = Map.of();
    private final Map<String, String> functionLogicalIds = new LinkedHashMap<>();

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

    /** The embedded SQS endpoint that queue URLs ({@code Ref} of an {@code AWS::SQS::Queue}) name. */
    public ServerlessConfigReader sqsEndpoint(String endpoint) {
        this.sqsEndpoint = endpoint.replaceAll("/+$", "");
        return this;
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
        this.service = service;
        Map<String, String> buckets = buckets(service);
        this.bucketNames = buckets;
        queueAndTopicNames();
        for (String fnName : mapAt(root, "functions").keySet()) {
            functionLogicalIds.put(normalizedName(fnName) + "LambdaFunction", fnName);
        }

        Path artifact = artifactOverride;
        if (artifact == null) {
            String declared = stringOr(resolve(mapAt(root, "package").get("artifact"), 0), null);
            if (declared == null) {
                declared = firstFunctionArtifact();
            }
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
            Object ownArtifact = fn.get("package") instanceof Map<?, ?> pkg ? pkg.get("artifact") : null;
            // --artifact replaces the service's package.artifact; a function's own artifact stays its own.
            Path fnArtifact = ownArtifact == null ? null : folder.resolve(String.valueOf(ownArtifact)).normalize();
            functions.put(name, new FunctionConfig(name, handler,
                    intOr(fn.get("timeout"), defaultTimeout), intOr(fn.get("memorySize"), defaultMemory),
                    Map.copyOf(environment), deployedName, runtime, fnArtifact));
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
        Messaging messaging = messaging(functions, buckets);
        return new ServerlessConfig(service, stage, region, LOCAL_ACCOUNT_ID, artifact,
                java.util.Collections.unmodifiableMap(functions), List.copyOf(routes), java.util.Collections.unmodifiableMap(buckets),
                compression(provider), List.copyOf(schedules), stageVariables(), messaging);
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
            case "stream" -> "DynamoDB and Kinesis stream events are not emulated";
            case "kafka", "msk", "activemq", "rabbitmq" -> type + " event sources are not emulated (sqs is)";
            case "eventBridge", "cloudwatchEvent" -> "EventBridge rules other than schedule events are not"
                    + " emulated";
            case "cloudwatchLog", "iot", "iotFleetProvisioning", "alexaSkill", "alexaSmartHome", "cognitoUserPool",
                 "cloudFront" -> type + " events are not emulated";
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
            if (value instanceof Map<?, ?> intrinsic && intrinsic.size() == 1
                    && (intrinsic.containsKey("Ref") || intrinsic.containsKey("Fn::GetAtt"))) {
                result.put(entry.getKey(), intrinsic(value, where + "." + entry.getKey()));
            } else if (value == null || value instanceof Map || value instanceof List) {
                throw new ConfigException("serverless.yml: " + where + "." + entry.getKey()
                        + " must be a string (or { Ref: Bucket }, { Ref: Queue }, { Fn::GetAtt: [Queue, Arn] }, ...)");
            } else {
                result.put(entry.getKey(), String.valueOf(value));
            }
        }
        return result;
    }

    // ---- queues, topics, notifications and their events ----

    private static final java.util.Set<String> QUEUE_PROPERTIES = java.util.Set.of("QueueName", "VisibilityTimeout",
            "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize",
            "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
            "SqsManagedSseEnabled", "Tags");
    private static final java.util.Set<String> TOPIC_PROPERTIES = java.util.Set.of("TopicName", "DisplayName",
            "Subscription", "KmsMasterKeyId", "Tags", "TracingConfig", "ArchivePolicy", "DeliveryStatusLogging",
            "SignatureVersion");
    private static final java.util.Set<String> S3_EVENTS = java.util.Set.of("s3:ObjectCreated:*",
            "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
            "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete");

    /** The names of queues and topics, known before environments (which may refer to them) are read. */
    private void queueAndTopicNames() {
        queueNames.clear();
        topicNames.clear();
        for (Map.Entry<String, Object> entry : resources().entrySet()) {
            Map<String, Object> resource = castMap(entry.getValue(), "resources.Resources." + entry.getKey());
            Object type = resource.get("Type");
            Map<String, Object> properties = mapAt(resource, "Properties");
            if ("AWS::SQS::Queue".equals(type)) {
                Object explicit = resolve(properties.get("QueueName"), 0);
                queueNames.put(entry.getKey(), explicit instanceof String s ? s
                        : service + "-" + stage + "-" + entry.getKey());
            } else if ("AWS::SNS::Topic".equals(type)) {
                Object explicit = resolve(properties.get("TopicName"), 0);
                topicNames.put(entry.getKey(), explicit instanceof String s ? s
                        : service + "-" + stage + "-" + entry.getKey());
            }
        }
    }

    private Map<String, Object> resources() {
        return mapAt(mapAt(root, "resources"), "Resources");
    }

    /** The Serverless Framework's logical id stem of a function: {@code process-media} → {@code ProcessDashmedia}. */
    static String normalizedName(String name) {
        String n = name.replace("-", "Dash").replace("_", "Underscore");
        return n.isEmpty() ? n : Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private String firstFunctionArtifact() {
        for (Object fn : mapAt(root, "functions").values()) {
            Object resolved = resolve(fn, 0);
            if (resolved instanceof Map<?, ?> map && map.get("package") instanceof Map<?, ?> pkg
                    && pkg.get("artifact") != null) {
                return String.valueOf(pkg.get("artifact"));
            }
        }
        return null;
    }

    private String queueUrl(String name) {
        return sqsEndpoint + "/" + LOCAL_ACCOUNT_ID + "/" + name;
    }

    private String queueArn(String name) {
        return "arn:aws:sqs:" + region + ":" + LOCAL_ACCOUNT_ID + ":" + name;
    }

    private String topicArn(String name) {
        return "arn:aws:sns:" + region + ":" + LOCAL_ACCOUNT_ID + ":" + name;
    }

    /**
     * A CloudFormation value as the local cloud resolves it: a string, {@code { Ref: X }} of a bucket (its
     * name), queue (its URL) or topic (its ARN), or {@code { Fn::GetAtt: [X, Attribute] }} (also
     * {@code X.Attribute}) of a queue ({@code Arn}, {@code QueueName}, {@code QueueUrl}), topic
     * ({@code TopicArn}, {@code TopicName}), bucket ({@code Arn}) or function ({@code Arn}).
     */
    private String intrinsic(Object value, String where) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Ref")) {
            String id = String.valueOf(map.get("Ref"));
            if (bucketNames.containsKey(id)) {
                return bucketNames.get(id);
            }
            if (queueNames.containsKey(id)) {
                return queueUrl(queueNames.get(id));
            }
            if (topicNames.containsKey(id)) {
                return topicArn(topicNames.get(id));
            }
            if (id.equals("AWS::Region")) {
                return region;
            }
            if (id.equals("AWS::AccountId")) {
                return LOCAL_ACCOUNT_ID;
            }
            throw new ConfigException("serverless.yml: " + where + " refers to '" + id
                    + "', which is not an AWS::S3::Bucket, AWS::SQS::Queue or AWS::SNS::Topic resource");
        }
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::GetAtt")) {
            Object raw = map.get("Fn::GetAtt");
            List<?> parts = raw instanceof List<?> list ? list
                    : raw instanceof String text ? List.of(text.split("\\.", 2)) : List.of();
            if (parts.size() != 2) {
                throw new ConfigException("serverless.yml: " + where + " Fn::GetAtt must be [LogicalId, Attribute]");
            }
            String id = String.valueOf(parts.get(0));
            String attribute = String.valueOf(parts.get(1));
            String result = null;
            if (queueNames.containsKey(id)) {
                String name = queueNames.get(id);
                result = switch (attribute) {
                    case "Arn" -> queueArn(name);
                    case "QueueName" -> name;
                    case "QueueUrl" -> queueUrl(name);
                    default -> null;
                };
            } else if (topicNames.containsKey(id)) {
                String name = topicNames.get(id);
                result = switch (attribute) {
                    case "TopicArn" -> topicArn(name);
                    case "TopicName" -> name;
                    default -> null;
                };
            } else if (bucketNames.containsKey(id)) {
                result = attribute.equals("Arn") ? "arn:aws:s3:::" + bucketNames.get(id) : null;
            } else if (functionLogicalIds.containsKey(id)) {
                String fn = functionLogicalIds.get(id);
                result = attribute.equals("Arn") ? "arn:aws:lambda:" + region + ":" + LOCAL_ACCOUNT_ID + ":function:"
                        + deployedName(fn) : null;
            } else {
                throw new ConfigException("serverless.yml: " + where + " Fn::GetAtt refers to '" + id
                        + "', which is not a queue, topic, bucket or function of this serverless.yml");
            }
            if (result == null) {
                throw new ConfigException("serverless.yml: " + where + " Fn::GetAtt attribute '" + attribute + "' of "
                        + id + " is not resolved locally");
            }
            return result;
        }
        throw new ConfigException("serverless.yml: " + where + " must be a string, { Ref: X } or"
                + " { Fn::GetAtt: [X, Attribute] } locally (other CloudFormation functions are not evaluated)");
    }

    private String deployedName(String fn) {
        Object resolved = resolve(mapAt(root, "functions").get(fn), 0);
        if (resolved instanceof Map<?, ?> map && map.get("name") != null) {
            return String.valueOf(map.get("name"));
        }
        return service + "-" + stage + "-" + fn;
    }

    /** The last segment of an ARN ({@code arn:aws:sqs:region:account:name}), or the value itself. */
    private String nameFromArn(String value, String service, String where) {
        if (!value.startsWith("arn:")) {
            return value;
        }
        String[] parts = value.split(":", -1);
        if (parts.length < 6 || !parts[2].equals(service)) {
            throw new ConfigException(where + "'" + value + "' is not an " + service + " ARN");
        }
        return parts[parts.length - 1];
    }

    private String functionFromArn(String arn, Map<String, FunctionConfig> functions, String where) {
        String name = arn.startsWith("arn:") ? arn.split(":", -1)[6] : arn;
        for (FunctionConfig fn : functions.values()) {
            if (fn.deployedName().equals(name) || fn.name().equals(name)) {
                return fn.name();
            }
        }
        throw new ConfigException(where + "function '" + arn + "' is not a function of this serverless.yml");
    }

    private Messaging messaging(Map<String, FunctionConfig> functions, Map<String, String> buckets) {
        List<Messaging.Queue> queues = new ArrayList<>();
        List<Messaging.Topic> topics = new ArrayList<>();
        List<Messaging.Subscription> subscriptions = new ArrayList<>();
        List<Messaging.SqsEventSource> sqsEvents = new ArrayList<>();
        List<Messaging.S3Notification> notifications = new ArrayList<>();
        Map<String, ResourcePolicy> policies = queuePolicies();
        Map<String, ResourcePolicy> topicPolicies = topicPolicies();
        for (Map.Entry<String, Object> entry : resources().entrySet()) {
            String id = entry.getKey();
            Map<String, Object> resource = castMap(entry.getValue(), "resources.Resources." + id);
            Object type = resource.get("Type");
            if (!List.of("AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::S3::Bucket")
                    .contains(String.valueOf(type))) {
                // Not resolved: other resources may use CloudFormation's own ${AWS::...} in Fn::Sub.
                continue;
            }
            Map<String, Object> raw = mapAt(resource, "Properties");
            Map<String, Object> properties = "AWS::S3::Bucket".equals(type)
                    ? raw.get("NotificationConfiguration") == null ? Map.of()
                            : Map.of("NotificationConfiguration", resolve(raw.get("NotificationConfiguration"), 0))
                    : castMap(resolve(raw, 0), "resources.Resources." + id + ".Properties");
            Object[] propertiesPath = {"resources", "Resources", id, "Properties"};
            if ("AWS::SQS::Queue".equals(type)) {
                queues.add(queue(id, properties, propertiesPath));
            } else if ("AWS::SNS::Topic".equals(type)) {
                for (String key : properties.keySet()) {
                    if (key.equals("FifoTopic") && "true".equals(String.valueOf(properties.get(key)))
                            || !key.equals("FifoTopic") && !TOPIC_PROPERTIES.contains(key)) {
                        throw new ConfigException(at(append(propertiesPath, key)) + "resources.Resources." + id
                                + "." + key + ": not emulated by the local cloud's SNS (standard topics with "
                                + TOPIC_PROPERTIES.stream().sorted().toList() + " are)");
                    }
                }
                String topic = topicNames.get(id);
                topics.add(new Messaging.Topic(id, topic));
                if (properties.get("Subscription") instanceof List<?> inline) {
                    for (int i = 0; i < inline.size(); i++) {
                        Map<String, Object> sub = castMap(inline.get(i), "Subscription");
                        subscriptions.add(subscription(topic, sub.get("Protocol"), sub.get("Endpoint"), false,
                                functions, append(append(propertiesPath, "Subscription"), i), id));
                    }
                }
            } else if ("AWS::SNS::Subscription".equals(type)) {
                for (String key : properties.keySet()) {
                    if (!List.of("TopicArn", "Protocol", "Endpoint", "RawMessageDelivery", "Region",
                            "RedrivePolicy").contains(key)) {
                        throw new ConfigException(at(append(propertiesPath, key)) + "resources.Resources." + id + "."
                                + key + ": not emulated by the local cloud's SNS (TopicArn, Protocol, Endpoint and"
                                + " RawMessageDelivery are)");
                    }
                }
                String where = at(propertiesPath) + "resources.Resources." + id + ": ";
                String topic = nameFromArn(intrinsic(properties.get("TopicArn"), "resources.Resources." + id
                        + ".TopicArn"), "sns", where);
                subscriptions.add(subscription(topic, properties.get("Protocol"), properties.get("Endpoint"),
                        "true".equals(String.valueOf(properties.get("RawMessageDelivery"))), functions,
                        propertiesPath, id));
            } else if ("AWS::S3::Bucket".equals(type) && properties.get("NotificationConfiguration") != null) {
                notifications.addAll(bucketNotifications(buckets.get(id), castMap(
                        properties.get("NotificationConfiguration"), "NotificationConfiguration"),
                        append(propertiesPath, "NotificationConfiguration"), functions, policies, topicPolicies,
                        raw.get("BucketName") == null));
            }
        }
        Map<String, Object> rawFunctions = mapAt(root, "functions");
        for (String fnName : rawFunctions.keySet()) {
            Object events = castMap(resolve(rawFunctions.get(fnName), 0), "functions." + fnName).get("events");
            if (!(events instanceof List<?> list)) {
                continue;
            }
            for (int index = 0; index < list.size(); index++) {
                if (!(list.get(index) instanceof Map<?, ?> event) || event.size() != 1) {
                    continue;
                }
                String kind = String.valueOf(event.keySet().iterator().next());
                Object value = event.get(kind);
                Object[] path = {"functions", fnName, "events", index, kind};
                String where = at(path) + "functions." + fnName + ".events[" + index + "]." + kind + ": ";
                switch (kind) {
                    case "sqs" -> sqsEvents.add(sqsEvent(fnName, value, where));
                    case "sns" -> {
                        String topic;
                        if (value instanceof String text) {
                            topic = nameFromArn(text, "sns", where);
                        } else {
                            Map<String, Object> map = castMap(value, "functions." + fnName + ".events.sns");
                            if (map.get("filterPolicy") != null) {
                                throw new ConfigException(where + "filterPolicy is not emulated locally");
                            }
                            topic = map.get("arn") != null
                                    ? nameFromArn(intrinsic(map.get("arn"), "functions." + fnName + ".events.sns.arn"),
                                            "sns", where)
                                    : stringOr(map.get("topicName"), null);
                            if (topic == null) {
                                throw new ConfigException(where + "needs arn or topicName");
                            }
                        }
                        String t = topic;
                        if (topics.stream().noneMatch(x -> x.name().equals(t))) {
                            // The short form creates the topic, as the Serverless Framework does.
                            topics.add(new Messaging.Topic("SNSTopic" + normalizedName(topic), topic));
                        }
                        subscriptions.add(new Messaging.Subscription(topic, Messaging.Protocol.LAMBDA, fnName, false));
                    }
                    case "s3" -> notifications.add(s3Event(fnName, value, where, buckets, index));
                    default -> {
                    }
                }
            }
        }
        // Dead-letter queues first: a queue's RedrivePolicy needs its target to exist.
        List<Messaging.Queue> ordered = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Messaging.Queue q : queues) {
            names.add(q.name());
        }
        List<Messaging.Queue> remaining = new ArrayList<>(queues);
        while (!remaining.isEmpty()) {
            boolean progress = false;
            for (java.util.Iterator<Messaging.Queue> it = remaining.iterator(); it.hasNext(); ) {
                Messaging.Queue q = it.next();
                if (q.deadLetterQueue() == null || ordered.stream().anyMatch(o -> o.name().equals(q.deadLetterQueue()))) {
                    ordered.add(q);
                    it.remove();
                    progress = true;
                }
            }
            if (!progress) {
                Messaging.Queue q = remaining.get(0);
                throw new ConfigException(at("resources", "Resources", q.logicalId(), "Properties", "RedrivePolicy")
                        + "resources.Resources." + q.logicalId() + ".RedrivePolicy: dead-letter queue '"
                        + q.deadLetterQueue() + "' is not an AWS::SQS::Queue of this serverless.yml"
                        + (names.contains(q.deadLetterQueue()) ? " (or the redrive policies form a cycle)" : ""));
            }
        }
        for (Messaging.SqsEventSource e : sqsEvents) {
            if (!names.contains(e.queue())) {
                throw new ConfigException(at("functions", e.function(), "events") + "functions." + e.function()
                        + ": sqs event on queue '" + e.queue() + "', which is not an AWS::SQS::Queue of this"
                        + " serverless.yml (the local cloud runs the queues it declares)");
            }
        }
        return new Messaging(List.copyOf(ordered), List.copyOf(topics), List.copyOf(subscriptions),
                List.copyOf(sqsEvents), List.copyOf(notifications), Map.copyOf(policies), Map.copyOf(topicPolicies));
    }

    // ---- queue policies ----

    /**
     * AWS refuses a bucket notification configuration whose queue's policy does not let S3 send from that bucket
     * ("Unable to validate the following destination configurations"): so does the local cloud, at start.
     */
    private void checkS3MaySend(String bucket, boolean generatedName, String queue, ResourcePolicy policy,
                                String where) {
        checkS3May(bucket, generatedName, "queue '" + queue + "'", "sqs:SendMessage", queueArn(queue), policy,
                "has no AWS::SQS::QueuePolicy", where);
    }

    /**
     * The same for a topic's policy (a topic's default policy lets only the owner account's principals publish).
     */
    private void checkS3MayPublish(String bucket, boolean generatedName, String topic, ResourcePolicy policy,
                                   String where) {
        checkS3May(bucket, generatedName, "topic '" + topic + "'", "sns:Publish", topicArn(topic), policy,
                "has no AWS::SNS::TopicPolicy (its default policy lets only the account's own principals publish)",
                where);
    }

    private void checkS3May(String bucket, boolean generatedName, String target, String action, String arn,
                            ResourcePolicy policy, String withoutPolicy, String where) {
        String sourceArn = "arn:aws:s3:::" + (generatedName ? awsGeneratedBucketName(bucket) : bucket);
        String refused = ": AWS refuses this notification configuration (\"Unable to validate the following"
                + " destination configurations\")";
        if (policy == null) {
            throw new ConfigException(where + target + " " + withoutPolicy + refused + " until a policy lets"
                    + " s3.amazonaws.com " + action + " to it from " + sourceArn);
        }
        ResourcePolicy.Decision decision = policy.evaluate(ResourcePolicy.Caller.service("s3.amazonaws.com"),
                action, arn, Map.of("aws:SourceArn", sourceArn, "aws:SourceAccount", LOCAL_ACCOUNT_ID,
                        "aws:SecureTransport", "true"));
        if (decision != ResourcePolicy.Decision.ALLOW) {
            throw new ConfigException(where + "the policy of " + target + " (" + policy.logicalId() + ", "
                    + policy.where() + ") " + (decision == ResourcePolicy.Decision.EXPLICIT_DENY ? "denies"
                            : "does not allow") + " s3.amazonaws.com " + action + " from " + sourceArn
                    + (generatedName ? " (the bucket's name as CloudFormation generates it on AWS)" : "") + refused
                    + ". Policy: " + policy.describe());
        }
    }

    /** The {@code AWS::SQS::QueuePolicy} resources, by the name of each queue they apply to. */
    private Map<String, ResourcePolicy> queuePolicies() {
        return resourcePolicies("AWS::SQS::QueuePolicy", "Queues", "queue");
    }

    /** The {@code AWS::SNS::TopicPolicy} resources, by the name of each topic they apply to. */
    private Map<String, ResourcePolicy> topicPolicies() {
        return resourcePolicies("AWS::SNS::TopicPolicy", "Topics", "topic");
    }

    /**
     * The policies of one type ({@code AWS::SQS::QueuePolicy}: {@code Queues} lists queue URLs;
     * {@code AWS::SNS::TopicPolicy}: {@code Topics} lists topic ARNs), by the name of each resource they apply to.
     */
    private Map<String, ResourcePolicy> resourcePolicies(String type, String targetsKey, String noun) {
        Map<String, ResourcePolicy> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : resources().entrySet()) {
            String id = entry.getKey();
            Map<String, Object> resource = castMap(entry.getValue(), "resources.Resources." + id);
            if (!type.equals(resource.get("Type"))) {
                continue;
            }
            Object[] path = {"resources", "Resources", id, "Properties"};
            String where = "resources.Resources." + id;
            Map<String, Object> properties = mapAt(resource, "Properties");
            Object document = properties.get("PolicyDocument");
            if (document instanceof String json) {
                try {
                    document = new ObjectMapper().readValue(json, Map.class);
                } catch (JsonProcessingException e) {
                    throw new ConfigException(at(append(path, "PolicyDocument")) + where
                            + ".PolicyDocument is not valid JSON");
                }
            }
            Map<String, Object> doc = castMap(document, where + ".PolicyDocument");
            Object[] docPath = append(path, "PolicyDocument");
            List<ResourcePolicy.Statement> statements = ResourcePolicy.statements(doc, where + ".PolicyDocument",
                    this::strings, (sub, message) -> {
                        Object[] at = docPath;
                        for (Object step : sub) {
                            at = append(at, step);
                        }
                        return new ConfigException(at(at) + message);
                    });
            ResourcePolicy policy = new ResourcePolicy(id, at(path).replaceAll(": $", ""), statements);
            for (String ref : strings(properties.get(targetsKey), where + "." + targetsKey)) {
                String name = ref.substring(Math.max(ref.lastIndexOf('/'), ref.lastIndexOf(':')) + 1);
                if (result.put(name, policy) != null) {
                    throw new ConfigException(at(append(path, targetsKey)) + where + "." + targetsKey + ": " + noun
                            + " '" + name + "' already has an " + type + " (a " + noun + " has one policy)");
                }
            }
        }
        return result;
    }

    /** A policy value (a string, a list, or a CloudFormation function of them) as strings. */
    private List<String> strings(Object value, String where) {
        if (value == null) {
            throw new ConfigException("serverless.yml: " + where + " is missing");
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                out.addAll(strings(o, where));
            }
            return List.copyOf(out);
        }
        return List.of(cfnString(value, where));
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    /** A string, {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} or {@code Fn::Join} in a policy. */
    private String cfnString(Object value, String where) {
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::Sub")) {
            Object sub = map.get("Fn::Sub");
            String template;
            Map<String, Object> vars = Map.of();
            if (sub instanceof List<?> list && list.size() == 2) {
                template = String.valueOf(list.get(0));
                vars = castMap(list.get(1), where + ".Fn::Sub");
            } else {
                template = String.valueOf(sub);
            }
            java.util.regex.Matcher m = SUB_VARIABLE.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String replacement;
                if (name.startsWith("!")) {
                    replacement = m.group();
                } else if (name.contains(":") && !name.startsWith("AWS::")) {
                    // A Serverless Framework variable (${self:...}, ${sls:stage}): resolved below.
                    replacement = m.group();
                } else if (vars.containsKey(name)) {
                    replacement = cfnString(vars.get(name), where + ".Fn::Sub." + name);
                } else {
                    replacement = pseudoOrRef(name, where);
                }
                m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return String.valueOf(resolve(out.toString(), 0)).replace("${!", "${");
        }
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::Join")
                && map.get("Fn::Join") instanceof List<?> join && join.size() == 2) {
            return String.join(String.valueOf(join.get(0)), strings(join.get(1), where + ".Fn::Join"));
        }
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Ref")) {
            return pseudoOrRef(String.valueOf(map.get("Ref")), where);
        }
        Object resolved = resolve(value, 0);
        if (resolved instanceof Map<?, ?> || resolved instanceof List<?>) {
            return intrinsic(resolved, where);
        }
        return String.valueOf(resolved);
    }

    private String pseudoOrRef(String name, String where) {
        return switch (name) {
            case "AWS::Partition" -> "aws";
            case "AWS::AccountId" -> LOCAL_ACCOUNT_ID;
            case "AWS::Region" -> region;
            case "AWS::URLSuffix" -> "amazonaws.com";
            default -> name.contains(".") ? intrinsic(Map.of("Fn::GetAtt", List.of(name.split("\\.", 2))), where)
                    : intrinsic(Map.of("Ref", name), where);
        };
    }

    /**
     * The bucket's name as CloudFormation names a bucket without {@code BucketName} on AWS
     * ({@code <stack>-<logical id>-<random>}), for the policies' {@code aws:SourceArn}: the local name has no
     * random part.
     */
    static String awsGeneratedBucketName(String localName) {
        return localName + "-" + Integer.toHexString(localName.hashCode() & 0x7fffffff) + "lcl";
    }

    private static Object[] append(Object[] path, Object step) {
        Object[] out = java.util.Arrays.copyOf(path, path.length + 1);
        out[path.length] = step;
        return out;
    }

    private Messaging.Queue queue(String id, Map<String, Object> p, Object[] path) {
        String where = "resources.Resources." + id;
        for (String key : p.keySet()) {
            boolean fifo = key.equals("FifoQueue") || key.equals("ContentBasedDeduplication")
                    || key.equals("DeduplicationScope") || key.equals("FifoThroughputLimit");
            if (fifo || !QUEUE_PROPERTIES.contains(key)) {
                throw new ConfigException(at(append(path, key)) + where + "." + key + ": "
                        + (fifo ? "FIFO queues are not emulated by the local cloud (standard queues are)"
                                : "not emulated by the local cloud's SQS (" + QUEUE_PROPERTIES.stream().sorted()
                                        .toList() + " are)"));
            }
        }
        String dlq = null;
        int maxReceiveCount = 0;
        Object redrive = p.get("RedrivePolicy");
        if (redrive != null) {
            Map<String, Object> policy;
            if (redrive instanceof String json) {
                try {
                    policy = castMap(new ObjectMapper().readValue(json, Map.class));
                } catch (JsonProcessingException e) {
                    throw new ConfigException(at(append(path, "RedrivePolicy")) + where
                            + ".RedrivePolicy is not valid JSON");
                }
            } else {
                policy = castMap(redrive, where + ".RedrivePolicy");
            }
            Object target = policy.get("deadLetterTargetArn");
            if (target == null || policy.get("maxReceiveCount") == null) {
                throw new ConfigException(at(append(path, "RedrivePolicy")) + where
                        + ".RedrivePolicy needs deadLetterTargetArn and maxReceiveCount");
            }
            dlq = nameFromArn(intrinsic(target, where + ".RedrivePolicy.deadLetterTargetArn"), "sqs",
                    at(append(path, "RedrivePolicy")));
            maxReceiveCount = intOr(policy.get("maxReceiveCount"), 0);
            if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
                throw new ConfigException(at(append(path, "RedrivePolicy")) + where
                        + ".RedrivePolicy.maxReceiveCount must be 1 to 1000");
            }
        }
        Integer visibility = optionalInt(p.get("VisibilityTimeout"), 0, 43_200, where + ".VisibilityTimeout", path);
        return new Messaging.Queue(id, queueNames.get(id), visibility,
                optionalInt(p.get("MessageRetentionPeriod"), 60, 1_209_600, where + ".MessageRetentionPeriod", path),
                optionalInt(p.get("DelaySeconds"), 0, 900, where + ".DelaySeconds", path),
                optionalInt(p.get("ReceiveMessageWaitTimeSeconds"), 0, 20, where + ".ReceiveMessageWaitTimeSeconds",
                        path),
                optionalInt(p.get("MaximumMessageSize"), 1024, 262_144, where + ".MaximumMessageSize", path),
                dlq, maxReceiveCount);
    }

    private Integer optionalInt(Object value, int min, int max, String where, Object[] path) {
        if (value == null) {
            return null;
        }
        int n = intOr(value, 0);
        if (n < min || n > max) {
            String key = where.substring(where.lastIndexOf('.') + 1);
            throw new ConfigException(at(append(path, key)) + where + " must be " + min + " to " + max);
        }
        return n;
    }

    private Messaging.Subscription subscription(String topic, Object protocolValue, Object endpointValue,
                                                boolean raw, Map<String, FunctionConfig> functions, Object[] path,
                                                String id) {
        String where = at(path) + "resources.Resources." + id + ": ";
        String protocol = String.valueOf(protocolValue).toLowerCase(Locale.ROOT);
        if (endpointValue == null) {
            throw new ConfigException(where + "subscription needs an Endpoint");
        }
        String endpoint = intrinsic(endpointValue, "resources.Resources." + id + ".Endpoint");
        return switch (protocol) {
            case "sqs" -> new Messaging.Subscription(topic, Messaging.Protocol.SQS, nameFromArn(endpoint, "sqs", where),
                    raw);
            case "lambda" -> new Messaging.Subscription(topic, Messaging.Protocol.LAMBDA,
                    functionFromArn(endpoint, functions, where), false);
            case "email" -> new Messaging.Subscription(topic, Messaging.Protocol.EMAIL, endpoint, false);
            case "email-json" -> new Messaging.Subscription(topic, Messaging.Protocol.EMAIL_JSON, endpoint, false);
            default -> throw new ConfigException(where + "subscription protocol '" + protocol + "' is not emulated"
                    + " locally (sqs, lambda, email and email-json are)");
        };
    }

    private Messaging.SqsEventSource sqsEvent(String fn, Object value, String where) {
        String arn;
        int batchSize = 10;
        int window = 0;
        boolean partial = false;
        boolean enabled = true;
        if (value instanceof Map<?, ?> raw) {
            Map<String, Object> map = castMap(raw);
            for (String key : map.keySet()) {
                if (!List.of("arn", "batchSize", "maximumBatchingWindow", "functionResponseType", "enabled")
                        .contains(key)) {
                    throw new ConfigException(where + key + " is not emulated locally (arn, batchSize,"
                            + " maximumBatchingWindow, functionResponseType and enabled are)");
                }
            }
            if (map.get("arn") == null) {
                throw new ConfigException(where + "needs arn");
            }
            arn = intrinsic(map.get("arn"), "functions." + fn + ".events.sqs.arn");
            batchSize = intOr(map.get("batchSize"), 10);
            window = intOr(map.get("maximumBatchingWindow"), 0);
            Object type = map.get("functionResponseType");
            if (type != null && !"ReportBatchItemFailures".equals(String.valueOf(type))) {
                throw new ConfigException(where + "functionResponseType must be ReportBatchItemFailures");
            }
            partial = type != null;
            enabled = !"false".equals(String.valueOf(map.get("enabled")));
        } else {
            arn = intrinsic(value, "functions." + fn + ".events.sqs");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new ConfigException(where + "batchSize must be 1 to 10000");
        }
        if (window < 0 || window > 300) {
            throw new ConfigException(where + "maximumBatchingWindow must be 0 to 300 seconds");
        }
        if (batchSize > 10 && window == 0) {
            throw new ConfigException(where + "a batchSize above 10 needs a maximumBatchingWindow (as on AWS)");
        }
        return new Messaging.SqsEventSource(fn, nameFromArn(arn, "sqs", where), batchSize, window, partial, enabled);
    }

    private Messaging.S3Notification s3Event(String fn, Object value, String where, Map<String, String> buckets,
                                             int n) {
        String bucket;
        List<String> events = List.of("s3:ObjectCreated:*");
        String prefix = "";
        String suffix = "";
        if (value instanceof Map<?, ?> raw) {
            Map<String, Object> map = castMap(raw);
            Object b = map.get("bucket");
            if (b == null) {
                throw new ConfigException(where + "needs bucket");
            }
            bucket = intrinsic(b, "functions." + fn + ".events.s3.bucket");
            if (map.get("event") != null) {
                events = List.of(String.valueOf(map.get("event")));
            }
            if (map.get("rules") instanceof List<?> rules) {
                for (Object rule : rules) {
                    if (rule instanceof Map<?, ?> r && r.get("prefix") != null) {
                        prefix = String.valueOf(r.get("prefix"));
                    } else if (rule instanceof Map<?, ?> r && r.get("suffix") != null) {
                        suffix = String.valueOf(r.get("suffix"));
                    } else {
                        throw new ConfigException(where + "rules must be { prefix: .. } or { suffix: .. }");
                    }
                }
            }
        } else {
            bucket = String.valueOf(value);
        }
        for (String event : events) {
            if (!S3_EVENTS.contains(event)) {
                throw new ConfigException(where + "event '" + event + "' is not emulated locally (" + S3_EVENTS
                        .stream().sorted().toList() + " are)");
            }
        }
        if (!buckets.containsValue(bucket)) {
            // Like the Serverless Framework, an s3 event on a bucket the service does not declare creates it.
            buckets.put("S3Bucket" + normalizedName(bucket.replaceAll("[^A-Za-z0-9]", "")), bucket);
        }
        return new Messaging.S3Notification(bucket, fn + "-s3-event-" + (n + 1), events, prefix, suffix,
                Messaging.TargetType.LAMBDA, fn);
    }

    private List<Messaging.S3Notification> bucketNotifications(String bucket, Map<String, Object> configuration,
                                                               Object[] path, Map<String, FunctionConfig> functions,
                                                               Map<String, ResourcePolicy> policies,
                                                               Map<String, ResourcePolicy> topicPolicies,
                                                               boolean generatedName) {
        List<Messaging.S3Notification> result = new ArrayList<>();
        for (String key : configuration.keySet()) {
            Messaging.TargetType type;
            String targetKey;
            switch (key) {
                case "QueueConfigurations" -> {
                    type = Messaging.TargetType.QUEUE;
                    targetKey = "Queue";
                }
                case "LambdaConfigurations" -> {
                    type = Messaging.TargetType.LAMBDA;
                    targetKey = "Function";
                }
                case "TopicConfigurations" -> {
                    type = Messaging.TargetType.TOPIC;
                    targetKey = "Topic";
                }
                default -> throw new ConfigException(at(append(path, key)) + "NotificationConfiguration." + key
                        + " is not emulated locally (QueueConfigurations, LambdaConfigurations and"
                        + " TopicConfigurations are)");
            }
            if (!(configuration.get(key) instanceof List<?> list)) {
                throw new ConfigException(at(append(path, key)) + "NotificationConfiguration." + key
                        + " must be a list");
            }
            for (int i = 0; i < list.size(); i++) {
                Object[] itemPath = append(append(path, key), i);
                String where = at(itemPath) + "NotificationConfiguration." + key + "[" + i + "]: ";
                Map<String, Object> item = castMap(list.get(i), key);
                String event = stringOr(item.get("Event"), null);
                if (event == null || !S3_EVENTS.contains(event)) {
                    throw new ConfigException(where + "Event '" + event + "' is not emulated locally ("
                            + S3_EVENTS.stream().sorted().toList() + " are)");
                }
                if (item.get(targetKey) == null) {
                    throw new ConfigException(where + "needs " + targetKey);
                }
                String target = intrinsic(item.get(targetKey), "NotificationConfiguration." + key + "." + targetKey);
                target = switch (type) {
                    case QUEUE -> nameFromArn(target, "sqs", where);
                    case TOPIC -> nameFromArn(target, "sns", where);
                    case LAMBDA -> functionFromArn(target, functions, where);
                };
                String prefix = "";
                String suffix = "";
                Object rules = item.get("Filter") instanceof Map<?, ?> filter && filter.get("S3Key") instanceof Map<?, ?> s3Key
                        ? s3Key.get("Rules") : null;
                if (rules instanceof List<?> ruleList) {
                    for (Object r : ruleList) {
                        Map<String, Object> rule = castMap(r, "Rules");
                        String name = String.valueOf(rule.get("Name")).toLowerCase(Locale.ROOT);
                        if (name.equals("prefix")) {
                            prefix = String.valueOf(rule.get("Value"));
                        } else if (name.equals("suffix")) {
                            suffix = String.valueOf(rule.get("Value"));
                        } else {
                            throw new ConfigException(where + "filter rule Name must be prefix or suffix");
                        }
                    }
                }
                if (type == Messaging.TargetType.QUEUE) {
                    checkS3MaySend(bucket, generatedName, target, policies.get(target), where);
                } else if (type == Messaging.TargetType.TOPIC) {
                    checkS3MayPublish(bucket, generatedName, target, topicPolicies.get(target), where);
                }
                String id = stringOr(item.get("Id"), bucket + "-" + key + "-" + (i + 1));
                result.add(new Messaging.S3Notification(bucket, id, List.of(event), prefix, suffix, type, target,
                        "arn:aws:s3:::" + (generatedName ? awsGeneratedBucketName(bucket) : bucket)));
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
