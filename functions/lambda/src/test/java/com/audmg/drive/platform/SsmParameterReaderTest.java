package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

/** The hand-made GetParameter call against a local server that checks what SSM would check first. */
class SsmParameterReaderTest {

    private HttpServer server;
    private final AtomicReference<HttpExchange> seen = new AtomicReference<>();
    private final AtomicReference<String> seenBody = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String answer = "";
    private final SdkHttpClient http = AwsClients.httpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.set(exchange);
            seenBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
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

    @Test
    void decryptedValue_shouldSendSignedGetParameter_andReturnValue() throws Exception {
        answer = "{\"Parameter\":{\"Name\":\"/audmg/dev/token-secret\",\"Type\":\"SecureString\",\"Value\":\"s3cr3t\",\"Version\":1}}";

        String value = reader().decryptedValue("/audmg/dev/token-secret");

        assertEquals("s3cr3t", value);
        HttpExchange exchange = seen.get();
        assertEquals("POST", exchange.getRequestMethod());
        assertEquals("AmazonSSM.GetParameter", exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        assertEquals("application/x-amz-json-1.1", exchange.getRequestHeaders().getFirst("Content-Type"));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorization);
        assertTrue(authorization.contains("/eu-west-1/ssm/aws4_request"), authorization);
        assertTrue(authorization.contains("x-amz-target"), authorization);
        JsonNode body = Json.MAPPER.readTree(seenBody.get());
        assertEquals("/audmg/dev/token-secret", body.get("Name").asText());
        assertTrue(body.get("WithDecryption").asBoolean());
    }

    @Test
    void decryptedValue_shouldFailNamingTheSetting_whenParameterMissing() {
        status = 400;
        answer = "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}";

        Config.ConfigException e = assertThrows(Config.ConfigException.class,
                () -> reader().decryptedValue("/audmg/dev/missing"));

        assertTrue(e.getMessage().contains("TOKEN_SECRET_PARAMETER"), e.getMessage());
        assertTrue(e.getMessage().contains("ParameterNotFound"), e.getMessage());
    }

    private SsmParameterReader reader() {
        return new SsmParameterReader(http,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                "eu-west-1", Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
    }
}
