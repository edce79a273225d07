package com.audmg.drive.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

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
 * Reads one SSM parameter with decryption: a single SigV4-signed {@code AmazonSSM.GetParameter}
 * call made with the SDK's own signer and HTTP client. The generated SSM client would add
 * about 5 MB (a third of the artifact) for this one call per container.
 */
public final class SsmParameterReader {

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;

    public SsmParameterReader(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                              Optional<URI> endpointOverride) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpointOverride.orElseGet(() -> URI.create(
                "https://ssm." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "")));
    }

    public String decryptedValue(String name) {
        byte[] body = Json.write(Json.object().put("Name", name).put("WithDecryption", true))
                .getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameter")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            JsonNode json;
            try (InputStream in = response.responseBody().orElseThrow(() -> new IOException("empty SSM response"))) {
                json = Json.MAPPER.readTree(in);
            }
            int status = response.httpResponse().statusCode();
            if (status != 200) {
                throw new Config.ConfigException("cannot read TOKEN_SECRET_PARAMETER '" + name + "' from SSM: HTTP "
                        + status + " " + json.path("__type").asText("") + " " + json.path("message").asText(""));
            }
            String value = json.path("Parameter").path("Value").asText(null);
            if (value == null) {
                throw new Config.ConfigException("SSM parameter '" + name + "' (TOKEN_SECRET_PARAMETER) has no value");
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach SSM at " + endpoint, e);
        }
    }
}
