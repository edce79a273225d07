package com.audmg.drive.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * Sends mail through Amazon SES API v2 {@code SendEmail} ({@code POST /v2/email/outbound-emails}, a
 * "Simple" text message): one SigV4-signed call made with the SDK's own signer and HTTP client, as
 * {@link SsmParameterReader} does. The generated {@code sesv2} client jar alone is 3.2 MB (2.57.8),
 * which would take the functions artifact past its 15 MB budget for this one call.
 *
 * <p>The endpoint is {@code AWS_ENDPOINT_URL_SESV2} when set (the local cloud's stand-in writes each
 * message to its outbox folder), else {@code https://email.<region>.amazonaws.com}.
 */
public final class SesMailer implements Mailer {

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;
    private final String from;

    public SesMailer(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                     Optional<URI> endpointOverride, String from) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        URI base = endpointOverride.orElseGet(() -> URI.create(
                "https://email." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "")));
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        this.endpoint = base.resolve(path + "/v2/email/outbound-emails");
        this.from = from;
    }

    @Override
    public void send(String to, String subject, String text) {
        ObjectNode body = Json.object();
        body.put("FromEmailAddress", from);
        body.putObject("Destination").putArray("ToAddresses").add(to);
        ObjectNode simple = body.putObject("Content").putObject("Simple");
        simple.putObject("Subject").put("Data", subject).put("Charset", "UTF-8");
        simple.putObject("Body").putObject("Text").put("Data", text).put("Charset", "UTF-8");
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(bytes.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ses")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            JsonNode json;
            try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
                byte[] answer = in.readAllBytes();
                json = answer.length == 0 ? Json.object() : Json.MAPPER.readTree(answer);
            }
            int status = response.httpResponse().statusCode();
            if (status != 200) {
                String type = response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse("");
                throw new MailException("SES SendEmail refused: HTTP " + status + " " + type + " "
                        + json.path("message").asText(json.path("Message").asText("")));
            }
        } catch (IOException e) {
            throw new MailException("cannot reach SES at " + endpoint, e);
        }
    }
}
