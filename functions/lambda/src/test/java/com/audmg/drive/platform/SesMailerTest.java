package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/** The hand-made SES v2 SendEmail call against a local server: path, SigV4 scope, body; refusals. */
class SesMailerTest {

    private HttpServer server;
    private final AtomicReference<HttpExchange> seen = new AtomicReference<>();
    private final AtomicReference<String> seenBody = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String answer = "{\"MessageId\":\"0100018c-example\"}";
    private volatile Map<String, String> answerHeaders = Map.of();
    private final SdkHttpClient http = AwsClients.httpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.set(exchange);
            seenBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answerHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.close();
    }

    private SesMailer mailer(String endpointPath) {
        return new SesMailer(http, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                "eu-west-1", Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + endpointPath)),
                "Audmg Drive <no-reply@example.com>");
    }

    @Test
    void send_shouldPostASignedSimpleMessage_underTheEndpointsPath() throws Exception {
        mailer("/ses/login/1/token").send("user@example.com", "Your code", "Code: 12345678\r\nl\u00e0");

        HttpExchange exchange = seen.get();
        assertEquals("POST", exchange.getRequestMethod());
        assertEquals("/ses/login/1/token/v2/email/outbound-emails", exchange.getRequestURI().getPath());
        assertEquals("application/json", exchange.getRequestHeaders().getFirst("Content-Type"));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorization);
        assertTrue(authorization.contains("/eu-west-1/ses/aws4_request"), authorization);
        JsonNode body = Json.MAPPER.readTree(seenBody.get());
        assertEquals("Audmg Drive <no-reply@example.com>", body.at("/FromEmailAddress").asText());
        assertEquals("user@example.com", body.at("/Destination/ToAddresses/0").asText());
        assertEquals("Your code", body.at("/Content/Simple/Subject/Data").asText());
        assertEquals("Code: 12345678\r\nl\u00e0", body.at("/Content/Simple/Body/Text/Data").asText());
        assertEquals("UTF-8", body.at("/Content/Simple/Body/Text/Charset").asText());
    }

    @Test
    void send_shouldFailWithSesReason_whenRefused() {
        status = 400;
        answer = "{\"message\":\"Email address is not verified. The following identities failed the check\"}";
        answerHeaders = Map.of("x-amzn-ErrorType", "MessageRejected");

        Mailer.MailException e = assertThrows(Mailer.MailException.class,
                () -> mailer("").send("user@example.com", "s", "t"));

        assertTrue(e.getMessage().contains("HTTP 400 MessageRejected Email address is not verified"), e.getMessage());
        assertEquals("/v2/email/outbound-emails", seen.get().getRequestURI().getPath());
    }

    @Test
    void send_shouldFail_whenUnreachable() {
        SesMailer unreachable = new SesMailer(http, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), "eu-west-1",
                Optional.of(URI.create("http://127.0.0.1:1")), "a@example.com");
        assertThrows(Mailer.MailException.class, () -> unreachable.send("user@example.com", "s", "t"));
    }
}
