package com.audmg.drive.local.project;

/**
 * Answers of API Gateway itself, in AWS's shape, that a client tells apart from its functions' answers: a patient
 * client waits out the gateway's throttle, while a function's own 429 ({@code too_many_attempts}) is an answer.
 */
final class GatewayAnswers {
    /** The body of the stage's throttle (429), as API Gateway answers it. */
    static final String THROTTLED = "{\"message\":\"Too Many Requests\"}";

    private GatewayAnswers() {
    }

    /** Whether {@code status} and {@code body} are the gateway's own throttle, not a function's 429. */
    static boolean throttled(int status, String body) {
        return status == 429 && THROTTLED.equals(body);
    }
}
