package com.audmg.drive.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * One SigV4-signed POST to an AWS service API, made with the SDK's own signer and HTTP client. For
 * services a function calls once or twice (an SSM parameter, an SNS publish, an SES e-mail), whose
 * generated clients would add megabytes to the artifact and to every cold start.
 */
public final class SignedAwsCall {

    /**
     * An answer: status, body (read whole; these APIs answer a few hundred bytes) and the error type
     * AWS JSON APIs name in a header ("" when none).
     */
    public record Response(int status, byte[] body, String errorType) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers are read up to this size; anything longer is not what these calls expect. */
    private static final int MAX_BODY = 256 * 1024;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String signingName;
    private final URI endpoint;

    /**
     * @param signingName the service's SigV4 name ({@code ssm}, {@code sns}, {@code ses})
     * @param hostPrefix  the first label of its regional endpoint ({@code ssm}, {@code sns}, {@code email})
     */
    public SignedAwsCall(SdkHttpClient http, AwsCredentialsProvider credentials, String region, String signingName,
                         String hostPrefix, Optional<URI> endpointOverride) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.signingName = signingName;
        this.endpoint = endpointOverride.orElseGet(() -> URI.create(
                "https://" + hostPrefix + "." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "")));
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * POSTs {@code body}, signed, to {@code path} appended to the endpoint's own path ("" for the
     * endpoint itself); throws only when the service cannot be reached.
     */
    public Response post(String path, Map<String, String> headers, byte[] body) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(path.isEmpty() ? endpoint : endpoint.resolve(base + path))
                .putHeader("Content-Length", Integer.toString(body.length));
        headers.forEach(request::putHeader);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            byte[] answer;
            try (InputStream in = response.responseBody().map(b -> (InputStream) b).orElse(InputStream.nullInputStream())) {
                answer = in.readNBytes(MAX_BODY);
            }
            return new Response(response.httpResponse().statusCode(), answer,
                    response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + signingName + " at " + endpoint, e);
        }
    }
}
