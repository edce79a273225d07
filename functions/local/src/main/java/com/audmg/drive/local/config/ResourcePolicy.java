package com.audmg.drive.local.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A resource-based policy: an {@code AWS::SQS::QueuePolicy} or {@code AWS::SNS::TopicPolicy} of serverless.yml, or
 * a queue's {@code Policy} attribute set through the SQS API. Evaluated as IAM evaluates a resource-based policy: an
 * explicit {@code Deny} that matches wins, else an {@code Allow} that matches allows, else nothing allows (the
 * caller then needs an identity-based permission of the same account, which the local credentials have: they
 * stand for the account's administrator). {@code NotPrincipal}, {@code NotAction} and {@code NotResource} match
 * every principal, action or resource except those listed.
 *
 * @param logicalId the resource's logical id (or the queue's name for a policy set through the API)
 * @param where where it is written ({@code serverless.yml line N}, or the API), for messages
 * @param statements its statements
 */
public record ResourcePolicy(String logicalId, String where, List<Statement> statements) {
    /** The condition operators evaluated (each also with {@code IfExists}). */
    static final List<String> OPERATORS = List.of("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals",
            "ArnNotLike", "Bool", "Null");

    /** What a policy says about a request. */
    public enum Decision { ALLOW, EXPLICIT_DENY, NOT_ALLOWED }

    /**
     * Who calls: an AWS service ({@code s3.amazonaws.com}, {@code sns.amazonaws.com}) or a principal of an account
     * (the local credentials: account {@code 000000000000}).
     */
    public record Caller(String service, String account) {
        public static Caller service(String name) {
            return new Caller(name, null);
        }

        public static Caller account(String id) {
            return new Caller(null, id);
        }
    }

    /**
     * One statement.
     *
     * @param principals {@code *}, {@code service:<name>} or {@code aws:<account id or ARN>}
     * @param notPrincipal the statement names principals with {@code NotPrincipal}: it applies to all others
     * @param actions e.g. {@code sqs:SendMessage}, {@code sqs:*}, {@code *}
     * @param notAction the statement names actions with {@code NotAction}: it applies to all others
     * @param resources ARNs with wildcards; empty: the policy's resources
     * @param notResource the statement names resources with {@code NotResource}: it applies to all others
     * @param conditions operator to key to accepted values
     */
    public record Statement(String sid, boolean allow, List<String> principals, boolean notPrincipal,
                            List<String> actions, boolean notAction, List<String> resources, boolean notResource,
                            Map<String, Map<String, List<String>>> conditions) {
        /** A statement with {@code Principal}, {@code Action} and {@code Resource} (none of their Not forms). */
        public Statement(String sid, boolean allow, List<String> principals, List<String> actions,
                         List<String> resources, Map<String, Map<String, List<String>>> conditions) {
            this(sid, allow, principals, false, actions, false, resources, false, conditions);
        }

        boolean matches(Caller caller, String action, String resource, Map<String, String> context) {
            return notPrincipal != principals.stream().anyMatch(p -> principalMatches(p, caller))
                    && notAction != actions.stream().anyMatch(a -> wildcard(a, action, true))
                    && (resources.isEmpty() || notResource != resources.stream()
                            .anyMatch(r -> wildcard(r, resource, false)))
                    && conditions.entrySet().stream().allMatch(c -> c.getValue().entrySet().stream()
                            .allMatch(k -> condition(c.getKey(), k.getValue(), value(context, k.getKey()))));
        }

        /** A one-line description for messages. */
        String describe() {
            return (sid == null ? "" : sid + ": ") + (allow ? "Allow " : "Deny ") + (notPrincipal ? "all but " : "")
                    + principals + " " + (notAction ? "all but " : "") + actions
                    + (resources.isEmpty() ? "" : (notResource ? " on all but " : " on ") + resources)
                    + (conditions.isEmpty() ? "" : " if " + conditions);
        }
    }

    /** Reads a policy value (a string, a list of them, or what a template resolves to strings) as strings. */
    @FunctionalInterface
    public interface Values {
        List<String> strings(Object value, String where);
    }

    /** Makes the exception that refuses a policy, naming the place ({@code path} below the statement). */
    @FunctionalInterface
    public interface Refusal {
        RuntimeException refuse(List<Object> path, String message);
    }

    /**
     * The statements of a policy document ({@code Statement}: one or a list), refusing what IAM refuses (no
     * principal, both {@code Action} and {@code NotAction}, ...) and what is not evaluated here.
     */
    public static List<Statement> statements(Map<?, ?> document, String where, Values values, Refusal refusal) {
        Object raw = document.get("Statement");
        List<?> list = raw instanceof List<?> l ? l : raw == null ? List.of() : List.of(raw);
        List<Statement> out = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            int index = i;
            String at = where + ".Statement[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> s)) {
                throw refusal.refuse(List.of("Statement", i), at + " must be an object");
            }
            out.add(statement(s, at, values, (path, message) -> {
                List<Object> full = new java.util.ArrayList<>(List.of("Statement", index));
                full.addAll(path);
                return refusal.refuse(full, message);
            }));
        }
        return List.copyOf(out);
    }

    private static Statement statement(Map<?, ?> s, String where, Values values, Refusal refusal) {
        for (Object key : s.keySet()) {
            if (!List.of("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                    "NotResource", "Condition").contains(String.valueOf(key))) {
                throw refusal.refuse(List.of(key), where + "." + key + " is not evaluated by the local cloud (Sid,"
                        + " Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition"
                        + " are)");
            }
        }
        String effect = String.valueOf(s.get("Effect"));
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw refusal.refuse(List.of("Effect"), where + ".Effect must be Allow or Deny");
        }
        String principalKey = pair(s, "Principal", where, refusal, true);
        String actionKey = pair(s, "Action", where, refusal, true);
        String resourceKey = pair(s, "Resource", where, refusal, false);
        List<String> principals = new java.util.ArrayList<>();
        Object principal = s.get(principalKey);
        if (principal instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> p : map.entrySet()) {
                String kind = String.valueOf(p.getKey());
                if (!kind.equals("Service") && !kind.equals("AWS")) {
                    throw refusal.refuse(List.of(principalKey), where + "." + principalKey + "." + kind
                            + " is not evaluated by the local cloud (Service and AWS are)");
                }
                for (String v : values.strings(p.getValue(), where + "." + principalKey + "." + kind)) {
                    principals.add((kind.equals("Service") ? "service:" : "aws:") + v);
                }
            }
        } else {
            principals.addAll(values.strings(principal, where + "." + principalKey));
        }
        Map<String, Map<String, List<String>>> conditions = new java.util.LinkedHashMap<>();
        if (s.get("Condition") != null) {
            if (!(s.get("Condition") instanceof Map<?, ?> cs)) {
                throw refusal.refuse(List.of("Condition"), where + ".Condition must be an object");
            }
            for (Map.Entry<?, ?> c : cs.entrySet()) {
                String op = String.valueOf(c.getKey());
                String base = op.endsWith("IfExists") ? op.substring(0, op.length() - 8) : op;
                if (!OPERATORS.contains(base)) {
                    throw refusal.refuse(List.of("Condition", op), where + ".Condition." + op + " is not evaluated"
                            + " by the local cloud (" + OPERATORS + ", also ...IfExists, are)");
                }
                if (!(c.getValue() instanceof Map<?, ?> keys)) {
                    throw refusal.refuse(List.of("Condition", op), where + ".Condition." + op + " must be an object");
                }
                Map<String, List<String>> accepted = new java.util.LinkedHashMap<>();
                for (Map.Entry<?, ?> k : keys.entrySet()) {
                    accepted.put(String.valueOf(k.getKey()), values.strings(k.getValue(), where + ".Condition." + op
                            + "." + k.getKey()));
                }
                conditions.put(op, accepted);
            }
        }
        return new Statement(s.get("Sid") == null ? null : String.valueOf(s.get("Sid")), effect.equals("Allow"),
                List.copyOf(principals), principalKey.startsWith("Not"),
                values.strings(s.get(actionKey), where + "." + actionKey), actionKey.startsWith("Not"),
                resourceKey == null ? List.of() : values.strings(s.get(resourceKey), where + "." + resourceKey),
                resourceKey != null && resourceKey.startsWith("Not"), conditions);
    }

    /** Which of {@code X} and {@code NotX} the statement has (IAM refuses both; a resource policy needs one). */
    private static String pair(Map<?, ?> s, String name, String where, Refusal refusal, boolean required) {
        boolean plain = s.get(name) != null;
        boolean not = s.get("Not" + name) != null;
        if (plain && not) {
            throw refusal.refuse(List.of("Not" + name), where + " has both " + name + " and Not" + name
                    + " (IAM refuses that)");
        }
        if (!plain && !not) {
            if (required) {
                throw refusal.refuse(List.of(), where + " needs a " + name + " or Not" + name
                        + (name.equals("Principal") ? " (a resource-based policy names one)" : ""));
            }
            return null;
        }
        return plain ? name : "Not" + name;
    }

    /**
     * A policy given as JSON through the SQS API ({@code Policy} attribute of CreateQueue or SetQueueAttributes).
     *
     * @throws IllegalArgumentException naming what is wrong, for the client's 400
     */
    public static ResourcePolicy fromJson(String json, String queue) {
        Map<?, ?> document;
        try {
            Object parsed = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("Policy must be a JSON object");
            }
            document = map;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Policy is not valid JSON: " + e.getOriginalMessage());
        }
        Values plain = (value, where) -> {
            if (value instanceof String text) {
                return List.of(text);
            }
            if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return list.stream().map(String::valueOf).toList();
            }
            throw new IllegalArgumentException(where + " must be a string or a list of strings");
        };
        return new ResourcePolicy(queue, "set through the SQS API", statements(document, "Policy", plain,
                (path, message) -> new IllegalArgumentException(message)));
    }

    /** The decision for {@code caller} doing {@code action} (e.g. {@code sqs:SendMessage}) on {@code resource}. */
    public Decision evaluate(Caller caller, String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (Statement s : statements) {
            if (s.matches(caller, action, resource, context)) {
                if (!s.allow()) {
                    return Decision.EXPLICIT_DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOW : Decision.NOT_ALLOWED;
    }

    /** The statements, one line each, for messages. */
    public String describe() {
        return String.join("; ", statements.stream().map(Statement::describe).toList());
    }

    private static String value(Map<String, String> context, String key) {
        for (Map.Entry<String, String> e : context.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean principalMatches(String principal, Caller caller) {
        if (principal.equals("*") || principal.equals("aws:*")) {
            return true;
        }
        if (principal.startsWith("service:")) {
            return caller.service() != null && principal.substring(8).equalsIgnoreCase(caller.service());
        }
        if (principal.startsWith("aws:") && caller.account() != null) {
            String p = principal.substring(4);
            return p.equals(caller.account()) || p.equals("arn:aws:iam::" + caller.account() + ":root");
        }
        return false;
    }

    private static boolean condition(String operator, List<String> accepted, String actual) {
        boolean ifExists = operator.endsWith("IfExists");
        String op = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
        if (op.equals("Null")) {
            // "true": the key must be absent.
            return accepted.stream().anyMatch(v -> v.equalsIgnoreCase("true") == (actual == null));
        }
        boolean negated = op.contains("Not");
        if (actual == null) {
            // IAM: a missing key matches nothing; a negated operator is then true, as is ...IfExists.
            return ifExists || negated;
        }
        boolean any = switch (op) {
            case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals" ->
                    accepted.stream().anyMatch(actual::equals);
            case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase" ->
                    accepted.stream().anyMatch(actual::equalsIgnoreCase);
            case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike" ->
                    accepted.stream().anyMatch(v -> wildcard(v, actual, false));
            case "Bool" -> accepted.stream().anyMatch(v -> v.equalsIgnoreCase(actual));
            default -> throw new IllegalStateException("operator " + op);
        };
        return negated != any;
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one. */
    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = ignoreCase ? Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
                : Pattern.compile(regex.toString(), Pattern.DOTALL);
        return p.matcher(value).matches();
    }

    static String normalizeOperator(String operator) {
        return operator.toLowerCase(Locale.ROOT);
    }
}
