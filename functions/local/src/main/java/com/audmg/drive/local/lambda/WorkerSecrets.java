package com.audmg.drive.local.lambda;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What one worker JVM proves itself with on the runtime endpoint, made fresh for every launch.
 *
 * <p>{@code runtimeToken} goes to the bootstrap on the worker's stdin (never into its environment, so
 * neither the handler's child processes nor {@code /proc/PID/environ} carry it) and is sent on every
 * Runtime API request. {@code ssmToken} is part of {@code AWS_ENDPOINT_URL_SSM}: the handler's own SDK
 * can only be pointed at an endpoint URL, so the URL's path is what tells the endpoint which function
 * asks for a parameter. It grants nothing but reading the parameters that function's environment names.
 */
record WorkerSecrets(String runtimeToken, String ssmToken) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static WorkerSecrets random() {
        return new WorkerSecrets(token(), token());
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    boolean runtimeTokenIs(String presented) {
        return equalInConstantTime(runtimeToken, presented);
    }

    boolean ssmTokenIs(String presented) {
        return equalInConstantTime(ssmToken, presented);
    }

    private static boolean equalInConstantTime(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "WorkerSecrets[hidden]";
    }
}
