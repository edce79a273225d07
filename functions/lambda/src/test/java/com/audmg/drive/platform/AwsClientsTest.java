package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/** Where the functions get their credentials (environment variables, or SnapStart's endpoint), and how they connect. */
class AwsClientsTest {

    @Test
    void httpClient_shouldGiveEachConnectionItsTimeouts() throws Exception {
        HttpURLConnection connection = AwsClients.openConnection(URI.create("http://127.0.0.1:9/object"));

        assertEquals(3000, connection.getConnectTimeout());
        assertEquals(15000, connection.getReadTimeout());
        assertThrows(IllegalArgumentException.class, () -> AwsClients.openConnection(URI.create("file:///etc/passwd")));
    }

    @Test
    void httpClient_shouldRefuseAnHttpsEndpoint_whoseCertificateNoTrustedAuthoritySigned(@TempDir Path dir)
            throws Exception {
        // GIVEN an HTTPS server with a self-signed certificate for 127.0.0.1
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), keytoolOutput);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        List<String> served = new CopyOnWriteArrayList<>();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            served.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            // WHEN the functions' HTTP client sends it a request
            SdkHttpClient http = AwsClients.httpClient();
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
                    .uri(URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/bucket/key")).build();
            ExecutableHttpRequest call = http.prepareRequest(HttpExecuteRequest.builder().request(request).build());

            // THEN the TLS handshake fails on the untrusted certificate and no request reaches the server
            IOException refused = assertThrows(IOException.class, call::call);
            assertInstanceOf(SSLHandshakeException.class, refused, refused.toString());
            assertEquals(List.of(), served);
        } finally {
            server.stop(0);
        }
    }

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
