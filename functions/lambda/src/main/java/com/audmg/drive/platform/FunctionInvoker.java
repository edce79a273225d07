package com.audmg.drive.platform;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Starts another function asynchronously (Lambda {@code Invoke} with {@code InvocationType: Event}), one
 * SigV4-signed POST as the other small AWS calls here ({@link SignedAwsCall}): the Lambda SDK client would
 * add megabytes to the artifact for this one call. {@code AWS_ENDPOINT_URL_LAMBDA} points it at the local
 * cloud's Invoke endpoint.
 */
public final class FunctionInvoker {
    private final SignedAwsCall lambda;

    public FunctionInvoker(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                           Optional<URI> endpointOverride) {
        this.lambda = new SignedAwsCall(http, credentials, region, "lambda", "lambda", endpointOverride);
    }

    /** Queues {@code payload} for {@code function}; true when Lambda accepted it (202). Never throws. */
    public boolean invokeAsync(String function, String payload) {
        try {
            SignedAwsCall.Response response = lambda.post("/2015-03-31/functions/"
                            + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations",
                    Map.of("X-Amz-Invocation-Type", "Event", "Content-Type", "application/json"),
                    payload.getBytes(StandardCharsets.UTF_8));
            if (response.status() == 202) {
                return true;
            }
            StructuredLog.warn("asynchronous invoke of " + function + " refused: " + response.status() + " "
                    + response.errorType() + " " + response.text());
        } catch (RuntimeException e) {
            StructuredLog.warn("asynchronous invoke of " + function + " failed: " + e);
        }
        return false;
    }
}
