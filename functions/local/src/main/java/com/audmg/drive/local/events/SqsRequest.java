package com.audmg.drive.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an SQS request asks, read from either protocol clients speak (AWS JSON: {@code X-Amz-Target} and a JSON
 * body; Query: a form), as far as the front door needs it: the action, the queue, a {@code Policy} attribute and
 * the attribute names asked for.
 *
 * @param json the AWS JSON protocol (else Query)
 * @param action e.g. {@code SendMessage}, {@code CreateQueue}; "" when unreadable
 * @param queue the queue's name (CreateQueue's {@code QueueName}, else the last step of {@code QueueUrl}), or null
 * @param policyAttribute the {@code Policy} attribute given (CreateQueue, SetQueueAttributes), or null
 * @param attributeNames the attribute names asked for (GetQueueAttributes)
 */
record SqsRequest(boolean json, String action, String queue, String policyAttribute, List<String> attributeNames) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SqsRequest parse(String target, byte[] body, URI uri) {
        if (target != null) {
            String action = target.substring(target.indexOf('.') + 1);
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                return new SqsRequest(true, action, null, null, List.of());
            }
            if (root == null || !root.isObject()) {
                return new SqsRequest(true, action, null, null, List.of());
            }
            String queue = action.equals("CreateQueue") ? root.path("QueueName").asText(null)
                    : lastStep(root.path("QueueUrl").asText(null));
            JsonNode policy = root.path("Attributes").get("Policy");
            List<String> names = new ArrayList<>();
            root.path("AttributeNames").forEach(n -> names.add(n.asText()));
            return new SqsRequest(true, action, queue, policy == null || !policy.isTextual() ? null
                    : policy.asText(), List.copyOf(names));
        }
        Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        form.putAll(form(uri.getRawQuery()));
        String action = form.getOrDefault("Action", "");
        String queue = action.equals("CreateQueue") ? form.get("QueueName")
                : lastStep(form.getOrDefault("QueueUrl", uri.getPath()));
        String policy = null;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : form.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("Attribute.") && key.endsWith(".Name") && e.getValue().equals("Policy")) {
                policy = form.get(key.substring(0, key.length() - ".Name".length()) + ".Value");
                if (policy == null) {
                    policy = "";
                }
            } else if (key.startsWith("AttributeName")) {
                names.add(e.getValue());
            }
        }
        return new SqsRequest(false, action, queue, policy, List.copyOf(names));
    }

    private static String lastStep(String url) {
        if (url == null || url.isEmpty() || url.equals("/")) {
            return null;
        }
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String step = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return step.isEmpty() ? null : step;
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            try {
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // A malformed escape: that parameter is missing.
            }
        }
        return out;
    }
}
