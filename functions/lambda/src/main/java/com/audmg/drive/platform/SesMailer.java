package com.audmg.drive.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

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

    private final SignedAwsCall ses;
    private final String from;

    public SesMailer(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
                     Optional<URI> endpointOverride, String from) {
        this.ses = new SignedAwsCall(http, credentials, region, "ses", "email", endpointOverride);
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
        SignedAwsCall.Response response;
        try {
            response = ses.post("/v2/email/outbound-emails", Map.of("Content-Type", "application/json"),
                    Json.write(body).getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            throw new MailException("cannot reach SES at " + ses.endpoint(), e.getCause());
        }
        if (response.status() != 200) {
            JsonNode json;
            try {
                json = response.body().length == 0 ? Json.object() : Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                json = Json.object();
            }
            throw new MailException("SES SendEmail refused: HTTP " + response.status() + " " + response.errorType() + " "
                    + json.path("message").asText(json.path("Message").asText("")));
        }
    }
}
