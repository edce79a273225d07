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

    /**
     * The caller stopped waiting (API Gateway's 29 s integration timeout): the function may still be running.
     * Not the function's own timeout, which is a function error ({@link #functionTimedOut}).
     */
    public static InvocationResult timeout() {
        return new InvocationResult(Outcome.TIMEOUT, new byte[0]);
    }

    /**
     * The function ran past its own timeout: for Lambda a function error (API Gateway answers 502), with the
     * error document Lambda returns to a synchronous invoke.
     */
    public static InvocationResult functionTimedOut(String requestId, int timeoutSeconds) {
        return error("{\"errorMessage\":\"" + java.time.Instant.now() + " " + requestId + " Task timed out after "
                + timeoutSeconds + ".00 seconds\",\"errorType\":\"Sandbox.Timedout\"}");
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCESS;
    }
}
