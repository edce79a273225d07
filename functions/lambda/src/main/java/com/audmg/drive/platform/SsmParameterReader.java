package com.audmg.drive.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Reads one SSM parameter with decryption: a single SigV4-signed {@code AmazonSSM.GetParameter}
 * call made with the SDK's own signer and HTTP client. The generated SSM client would add
 * about 5 MB (a third of the artifact) for this one call per container.
 */
public final class SsmParameterReader {

    private final SignedAwsCall ssm;

    public SsmParameterReader(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                              Optional<URI> endpointOverride) {
        this.ssm = new SignedAwsCall(http, credentials, region, "ssm", "ssm", endpointOverride);
    }

    public String decryptedValue(String name) {
        byte[] body = Json.write(Json.object().put("Name", name).put("WithDecryption", true))
                .getBytes(StandardCharsets.UTF_8);
        SignedAwsCall.Response response = ssm.post("", Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AmazonSSM.GetParameter"), body);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not an SSM answer from " + ssm.endpoint() + ": HTTP " + response.status(), e);
        }
        if (response.status() != 200) {
            throw new Config.ConfigException("cannot read TOKEN_SECRET_PARAMETER '" + name + "' from SSM: HTTP "
                    + response.status() + " " + json.path("__type").asText("") + " " + json.path("message").asText(""));
        }
        String value = json.path("Parameter").path("Value").asText(null);
        if (value == null) {
            throw new Config.ConfigException("SSM parameter '" + name + "' (TOKEN_SECRET_PARAMETER) has no value");
        }
        return value;
    }
}
