package com.audmg.drive.local.lambda;

/**
 * How an invocation ended.
 *
 * @param outcome success, function error, or timeout
 * @param payload the response bytes (success) or the error document (error)
 */
public record InvocationResult(Outcome outcome, byte[] payload) {

    public enum Outcome { SUCCESS, ERROR, TIMEOUT }

    public static InvocationResult success(byte[] payload) {
        return new InvocationResult(Outcome.SUCCESS, payload);
    }

    public static InvocationResult error(String json) {
        return new InvocationResult(Outcome.ERROR, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static InvocationResult timeout() {
        return new InvocationResult(Outcome.TIMEOUT, new byte[0]);
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCESS;
    }
}
