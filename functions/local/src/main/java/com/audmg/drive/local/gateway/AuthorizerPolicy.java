package com.audmg.drive.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Evaluates an authorizer's IAM policy against a method ARN: an explicit Deny wins, then any Allow. */
final class AuthorizerPolicy {
    /** Compiled resource patterns: a cached policy is evaluated on every request it authorizes. */
    private static final int MAX_CACHED_PATTERNS = 1024;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private AuthorizerPolicy() {
    }

    static boolean allows(JsonNode policyDocument, String methodArn) {
        boolean allowed = false;
        for (JsonNode statement : list(policyDocument.path("Statement"))) {
            String effect = statement.path("Effect").asText("");
            boolean actionMatches = false;
            for (JsonNode action : list(statement.path("Action"))) {
                String a = action.asText("");
                if (a.equals("*") || a.equalsIgnoreCase("execute-api:Invoke") || a.equalsIgnoreCase("execute-api:*")) {
                    actionMatches = true;
                }
            }
            if (!actionMatches) {
                continue;
            }
            boolean resourceMatches = false;
            for (JsonNode resource : list(statement.path("Resource"))) {
                if (pattern(resource.asText("")).matcher(methodArn).matches()) {
                    resourceMatches = true;
                }
            }
            if (!resourceMatches) {
                continue;
            }
            if (effect.equalsIgnoreCase("Deny")) {
                return false;
            }
            if (effect.equalsIgnoreCase("Allow")) {
                allowed = true;
            }
        }
        return allowed;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node);
        }
        return out;
    }

    private static Pattern pattern(String glob) {
        Pattern p = PATTERNS.get(glob);
        if (p == null) {
            p = glob(glob);
            if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
                PATTERNS.clear();
            }
            PATTERNS.put(glob, p);
        }
        return p;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
