package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/** Where the functions get their credentials: environment variables, or SnapStart's endpoint. */
class AwsClientsTest {

    @Test
    void credentials_shouldComeFromTheEnvironment_withoutSnapStart() {
        assertInstanceOf(EnvironmentVariableCredentialsProvider.class, AwsClients.credentials(name -> null));
    }

    @Test
    void credentials_shouldComeFromTheContainerEndpoint_withSnapStart() throws Exception {
        // GIVEN a container credentials endpoint as Lambda runs one for SnapStart functions
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String expiration = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        server.createContext("/2018-06-01/credentials", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"AccessKeyId\":\"ASIASNAP\",\"SecretAccessKey\":\"snap-secret\","
                    + "\"Token\":\"snap-token\",\"Expiration\":\"" + expiration + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/2018-06-01/credentials";
        // the SDK reads these settings from system properties before the environment
        System.setProperty("aws.containerCredentialsFullUri", uri);
        System.setProperty("aws.containerAuthorizationToken", "lambda-auth-token");
        try {
            Map<String, String> env = Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri);

            // WHEN the functions' provider resolves credentials
            AwsCredentialsProvider provider = AwsClients.credentials(env::get);
            AwsSessionCredentials credentials = (AwsSessionCredentials) provider.resolveCredentials();

            // THEN they are the endpoint's, fetched with Lambda's authorization token
            assertEquals("ASIASNAP", credentials.accessKeyId());
            assertEquals("snap-secret", credentials.secretAccessKey());
            assertEquals("snap-token", credentials.sessionToken());
            assertEquals(List.of("lambda-auth-token"), authorizations);
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
            server.stop(0);
        }
    }
}
