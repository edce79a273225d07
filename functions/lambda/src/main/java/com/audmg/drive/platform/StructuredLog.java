package com.audmg.drive.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import java.io.PrintStream;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON line per request on stdout (CloudWatch Logs Insights can query its fields),
 * and CloudWatch Embedded Metric Format lines for metrics. A few lines of Jackson instead
 * of Powertools keep the artifact and the cold start small. Never given tokens or passwords.
 */
public final class StructuredLog {

    public static final String NAMESPACE = "AudmgDrive";

    private static volatile PrintStream out = System.out;
    /** Fields the running request adds to its log line (which file and version it touched). */
    private static final ThreadLocal<Map<String, String>> ANNOTATIONS = ThreadLocal.withInitial(LinkedHashMap::new);

    private StructuredLog() {
    }

    /** Tests redirect the output to capture it. */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    /** Starts a request's annotations afresh (the handler template calls this first). */
    public static void beginRequest() {
        ANNOTATIONS.get().clear();
    }

    /** Names something the running request touched, e.g. fileId, versionId: it goes into its request line. */
    public static void annotate(String field, String value) {
        ANNOTATIONS.get().put(field, value);
    }

    public static void request(String requestId, String function, String route, String userId,
                               int status, long latencyMs, String errorCode) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", status >= 500 ? "ERROR" : "INFO");
        line.put("type", "request");
        line.put("requestId", requestId);
        line.put("function", function);
        line.put("route", route);
        line.put("userId", userId);
        line.put("status", status);
        line.put("latencyMs", latencyMs);
        if (errorCode != null) {
            line.put("errorCode", errorCode);
        }
        ANNOTATIONS.get().forEach(line::put);
        out.println(Json.write(line));
    }

    public static void error(String requestId, String function, Throwable error) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", "ERROR");
        line.put("type", "exception");
        line.put("requestId", requestId);
        line.put("function", function);
        line.put("exception", error.getClass().getName());
        line.put("message", String.valueOf(error.getMessage()));
        StackTraceElement[] trace = error.getStackTrace();
        if (trace.length > 0) {
            line.put("at", trace[0].toString());
        }
        // Where our code called what threw (an SDK exception's own frames say nothing about which request).
        for (StackTraceElement frame : trace) {
            if (frame.getClassName().startsWith("com.audmg.")) {
                line.put("from", frame.toString());
                break;
            }
        }
        if (error instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null) {
            line.put("awsErrorCode", aws.awsErrorDetails().errorCode());
        }
        out.println(Json.write(line));
    }

    /** One event line: {@code level}, {@code type} and the given fields. */
    public static void event(String level, String type, ObjectNode fields) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("type", type);
        line.setAll(fields);
        out.println(Json.write(line));
    }

    /** A condition worth a look that did not fail the request. */
    public static void warn(String message) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", "WARN");
        line.put("type", "warning");
        line.put("message", message);
        out.println(Json.write(line));
    }

    /** Emits one metric in CloudWatch Embedded Metric Format with the service as dimension. */
    public static void metric(String name, double value, String unit) {
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("service");
        ObjectNode metric = directive.putArray("Metrics").addObject();
        metric.put("Name", name);
        metric.put("Unit", unit);
        line.put("service", "audmg-drive");
        line.put(name, value);
        out.println(Json.write(line));
    }
}
