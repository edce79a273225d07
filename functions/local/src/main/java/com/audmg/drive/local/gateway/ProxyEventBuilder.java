package com.audmg.drive.local.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Builds API Gateway REST API (v1) Lambda-proxy events, field for field as AWS sends them. */
public final class ProxyEventBuilder {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final ObjectMapper json;
    private final String accountId;
    private final String apiId;
    private final String stage;
    private final String domainName;
    private final Map<String, String> stageVariables;

    public ProxyEventBuilder(ObjectMapper json, String accountId, String apiId, String stage, String domainName) {
        this(json, accountId, apiId, stage, domainName, Map.of());
    }

    /** As above, for a stage with variables (null in events when there are none, as from AWS). */
    public ProxyEventBuilder(ObjectMapper json, String accountId, String apiId, String stage, String domainName,
                             Map<String, String> stageVariables) {
        this.stageVariables = Map.copyOf(stageVariables);
        this.json = json;
        this.accountId = accountId;
        this.apiId = apiId;
        this.stage = stage;
        this.domainName = domainName;
    }

    /** The event for {@code request}, received at {@code now} with API Gateway request id {@code requestId}. */
    public ObjectNode create(ProxyRequest request, Instant now, String requestId) {
        ObjectNode event = json.createObjectNode();
        event.put("resource", request.resourcePath());
        event.put("path", request.path());
        event.put("httpMethod", request.method());

        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> multi = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> {
            single.put(name, values.get(values.size() - 1));
            multi.put(name, values);
        });
        event.set("headers", single.isEmpty() ? null : json.valueToTree(single));
        event.set("multiValueHeaders", multi.isEmpty() ? null : json.valueToTree(multi));

        Map<String, List<String>> query = parseQuery(request.rawQuery());
        Map<String, String> singleQuery = new LinkedHashMap<>();
        query.forEach((k, v) -> singleQuery.put(k, v.get(v.size() - 1)));
        event.set("queryStringParameters", query.isEmpty() ? null : json.valueToTree(singleQuery));
        event.set("multiValueQueryStringParameters", query.isEmpty() ? null : json.valueToTree(query));
        event.set("pathParameters", request.pathParameters().isEmpty() ? null
                : json.valueToTree(request.pathParameters()));
        event.set("stageVariables", stageVariables.isEmpty() ? null
                : json.valueToTree(new java.util.TreeMap<>(stageVariables)));

        ObjectNode context = event.putObject("requestContext");
        context.put("resourceId", Integer.toHexString(request.resourcePath().hashCode() & 0xffffff));
        context.put("resourcePath", request.resourcePath());
        context.put("httpMethod", request.method());
        context.put("extendedRequestId", requestId.substring(0, 8) + "=");
        context.put("requestTime", REQUEST_TIME.format(now));
        context.put("path", "/" + stage + request.path());
        context.put("accountId", accountId);
        context.put("protocol", "HTTP/1.1");
        context.put("stage", stage);
        context.put("domainPrefix", apiId);
        context.put("requestTimeEpoch", now.toEpochMilli());
        context.put("requestId", requestId);
        ObjectNode identity = context.putObject("identity");
        for (String f : List.of("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "accessKey")) {
            identity.putNull(f);
        }
        identity.put("sourceIp", request.sourceIp());
        for (String f : List.of("principalOrgId", "cognitoAuthenticationType", "cognitoAuthenticationProvider",
                "userArn")) {
            identity.putNull(f);
        }
        List<String> agent = request.headers().get("User-Agent");
        identity.put("userAgent", agent == null ? null : agent.get(0));
        identity.putNull("user");
        context.put("domainName", domainName);
        context.put("apiId", apiId);
        if (request.authorizer() != null) {
            context.set("authorizer", json.valueToTree(request.authorizer()));
        }

        byte[] body = request.body();
        if (body == null || body.length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else {
            String text = utf8(body);
            if (text != null) {
                event.put("body", text);
                event.put("isBase64Encoded", false);
            } else {
                event.put("body", Base64.getEncoder().encodeToString(body));
                event.put("isBase64Encoded", true);
            }
        }
        return event;
    }

    /** A new API Gateway style request id. */
    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
