package com.audmg.drive.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

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

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;

    public SnsPublisher(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                        Optional<URI> endpointOverride) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpointOverride.orElseGet(() -> URI.create(
                "https://sns." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "")));
    }

    /** Publishes {@code message} to {@code topicArn}; returns the message id SNS assigned. */
    public String publish(String topicArn, String subject, String message) {
        String form = "Action=Publish&Version=2010-03-31&TopicArn=" + encode(topicArn)
                + "&Subject=" + encode(subject) + "&Message=" + encode(message);
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sns")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            String text;
            try (InputStream in = response.responseBody().map(b -> (InputStream) b).orElse(InputStream.nullInputStream())) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            int status = response.httpResponse().statusCode();
            if (status != 200) {
                throw new IllegalStateException("SNS Publish to " + topicArn + " failed: HTTP " + status + " "
                        + text.substring(0, Math.min(300, text.length())));
            }
            int start = text.indexOf("<MessageId>");
            int end = text.indexOf("</MessageId>");
            return start >= 0 && end > start ? text.substring(start + "<MessageId>".length(), end) : "";
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach SNS at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
