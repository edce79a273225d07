package com.audmg.drive.local.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An {@code AWS::SQS::QueuePolicy} of serverless.yml, evaluated as IAM evaluates a resource-based policy: an
 * explicit {@code Deny} that matches wins, else an {@code Allow} that matches allows, else nothing allows (the
 * caller then needs an identity-based permission of the same account, which the local credentials have: they
 * stand for the account's administrator).
 *
 * @param logicalId the resource's logical id
 * @param where where it is written ({@code serverless.yml line N}), for messages
 * @param statements its statements
 */
public record QueuePolicy(String logicalId, String where, List<Statement> statements) {
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
     * @param actions e.g. {@code sqs:SendMessage}, {@code sqs:*}, {@code *}
     * @param resources ARNs with wildcards; empty: the policy's queues
     * @param conditions operator to key to accepted values
     */
    public record Statement(String sid, boolean allow, List<String> principals, List<String> actions,
                            List<String> resources, Map<String, Map<String, List<String>>> conditions) {
        boolean matches(Caller caller, String action, String resource, Map<String, String> context) {
            return principals.stream().anyMatch(p -> principalMatches(p, caller))
                    && actions.stream().anyMatch(a -> wildcard(a, action, true))
                    && (resources.isEmpty() || resources.stream().anyMatch(r -> wildcard(r, resource, false)))
                    && conditions.entrySet().stream().allMatch(c -> c.getValue().entrySet().stream()
                            .allMatch(k -> condition(c.getKey(), k.getValue(), value(context, k.getKey()))));
        }

        /** A one-line description for messages. */
        String describe() {
            return (sid == null ? "" : sid + ": ") + (allow ? "Allow " : "Deny ") + principals + " " + actions
                    + (conditions.isEmpty() ? "" : " if " + conditions);
        }
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
