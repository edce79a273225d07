package com.audmg.drive.cloudtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The functions' SES v2 {@code SendEmail} call ({@code SesMailer}, from the built artifact, in a class loader of
 * its own as AWS would load it) against LocalStack's SES: a message from a verified identity arrives with its
 * recipient, subject and text (read back from LocalStack's {@code /_aws/ses} endpoint). Needs Docker: without it
 * the test is reported as skipped (never as passed).
 * SES on AWS itself (the sandbox's verified recipients) cannot be reached from here; README "E-mail" says what
 * to set up there.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("LocalStack 4.14.0: SES v2 SendEmail from the functions' mailer")
class LocalStackSesTest {

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(LocalStackStorageTest.IMAGE)
            .withServices(LocalStackContainer.Service.SES);

    private static final String FROM = "no-reply@audmg.example";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static URLClassLoader functions;

    @BeforeAll
    static void loadTheArtifact() throws Exception {
        Path jar = RepoLayout.root().resolve(Path.of("functions", "lambda", "target", "audmg-functions.jar"));
        functions = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @AfterAll
    static void close() throws Exception {
        if (functions != null) {
            functions.close();
        }
    }

    @Test
    @DisplayName("a message from the verified identity arrives with its recipient, subject and text")
    void sendEmail_fromAVerifiedIdentity_shouldArrive() throws Exception {
        verify(FROM);
        send(FROM, "ada@example.com", "Your Audmg Drive code", "Your code is 123456. It expires in 15 minutes.");

        HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(
                URI.create(LOCALSTACK.getEndpoint() + "/_aws/ses?email=" + URLEncoder.encode(FROM, StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());
        JsonNode messages = JSON.readTree(sent.body()).path("messages");
        assertEquals(1, messages.size(), sent.body());
        JsonNode message = messages.get(0);
        assertEquals("ada@example.com", message.path("Destination").path("ToAddresses").path(0).asText(), sent.body());
        assertEquals("Your Audmg Drive code", message.path("Subject").asText(), sent.body());
        assertTrue(message.path("Body").path("text_part").asText().contains("123456"), sent.body());
    }

    /** SES (v1 Query API) VerifyEmailIdentity; LocalStack verifies at once. */
    private static void verify(String address) throws Exception {
        String form = "Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress="
                + URLEncoder.encode(address, StandardCharsets.UTF_8);
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(LOCALSTACK.getEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                // LocalStack routes by the credential scope; it does not check SES signatures.
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + LOCALSTACK.getAccessKey() + "/20260101/"
                        + LOCALSTACK.getRegion() + "/ses/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    /** {@code new SesMailer(http, credentials, region, endpoint, from).send(to, subject, text)} from the artifact. */
    private static void send(String from, String to, String subject, String text) throws Exception {
        Class<?> httpClientType = functions.loadClass("software.amazon.awssdk.http.SdkHttpClient");
        Class<?> credentialsType = functions.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentialsProvider");
        Object http = functions.loadClass("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")
                .getMethod("create").invoke(null);
        Class<?> basic = functions.loadClass("software.amazon.awssdk.auth.credentials.AwsBasicCredentials");
        Object keys = basic.getMethod("create", String.class, String.class)
                .invoke(null, LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey());
        Object credentials = functions.loadClass("software.amazon.awssdk.auth.credentials.StaticCredentialsProvider")
                .getMethod("create", functions.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentials"))
                .invoke(null, keys);
        Class<?> mailerType = functions.loadClass("com.audmg.drive.platform.SesMailer");
        Object mailer = mailerType.getConstructor(httpClientType, credentialsType, String.class, Optional.class,
                String.class).newInstance(http, credentials, LOCALSTACK.getRegion(),
                Optional.of(LOCALSTACK.getEndpoint()), from);
        mailerType.getMethod("send", String.class, String.class, String.class).invoke(mailer, to, subject, text);
    }
}
