package com.audmg.drive.platform;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Publishes one message to an SNS topic: a single SigV4-signed {@code Publish} call (the Query
 * protocol) with the SDK's own signer and HTTP client, as {@link SsmParameterReader} does for SSM;
 * the generated SNS client would add megabytes to an artifact kept under 15 MB for this one call.
 */
public final class SnsPublisher {

    /** Publishes JSON events; best effort where the caller says so. */
    public interface Events {
        void publish(String subject, String json);
    }

    private final SignedAwsCall sns;

    public SnsPublisher(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                        Optional<URI> endpointOverride) {
        this.sns = new SignedAwsCall(http, credentials, region, "sns", "sns", endpointOverride);
    }

    /** Publishes {@code message} to {@code topicArn}; returns the message id SNS assigned. */
    public String publish(String topicArn, String subject, String message) {
        String form = "Action=Publish&Version=2010-03-31&TopicArn=" + encode(topicArn)
                + "&Subject=" + encode(subject) + "&Message=" + encode(message);
        SignedAwsCall.Response response;
        try {
            response = sns.post("", Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                    form.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalStateException("cannot reach SNS at " + sns.endpoint() + ": " + e.getCause().getMessage(), e);
        }
        String text = response.text();
        if (response.status() != 200) {
            throw new IllegalStateException("SNS Publish to " + topicArn + " failed: HTTP " + response.status() + " "
                    + text.substring(0, Math.min(300, text.length())));
        }
        int start = text.indexOf("<MessageId>");
        int end = text.indexOf("</MessageId>");
        return start >= 0 && end > start ? text.substring(start + "<MessageId>".length(), end) : "";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
