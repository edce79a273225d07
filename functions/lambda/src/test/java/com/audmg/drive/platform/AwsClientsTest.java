package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        List<String> served = new CopyOnWriteArrayList<>();
        HttpsServer server = httpsServer(selfSigned(dir, "CN=127.0.0.1", "SAN=ip:127.0.0.1"), served);
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
    void httpClient_shouldReachAnHttpsEndpoint_whoseCertificateIsTrustedAndNamesIt_andNoOther(@TempDir Path dir)
            throws Exception {
        // GIVEN two HTTPS servers on 127.0.0.1, one with a certificate for that address, one for another name, both
        // trusted by a JVM whose trust store (javax.net.ssl.trustStore, as a function may set) holds them
        Path right = selfSigned(dir.resolve("right"), "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Path wrong = selfSigned(dir.resolve("wrong"), "CN=s3.example.com", "SAN=dns:s3.example.com");
        Path trust = dir.resolve("trust.p12");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("right", load(right).getCertificate("server"));
        trusted.setCertificateEntry("wrong", load(wrong).getCertificate("server"));
        try (var out = java.nio.file.Files.newOutputStream(trust)) {
            trusted.store(out, "changeit".toCharArray());
        }
        List<String> served = new CopyOnWriteArrayList<>();
        HttpsServer named = httpsServer(right, served);
        HttpsServer misnamed = httpsServer(wrong, served);
        try {
            // WHEN the functions' HTTP client, in such a JVM, sends each a request
            String answers = probe(trust, "https://127.0.0.1:" + named.getAddress().getPort() + "/bucket/right",
                    "https://127.0.0.1:" + misnamed.getAddress().getPort() + "/bucket/wrong");

            // THEN the first is answered; the second is refused in the handshake (its certificate does not name the
            // address: host name verification is on) and never reaches its server
            assertEquals(List.of("200", "SSLHandshakeException"), answers.lines().toList(), answers);
            assertEquals(List.of("/bucket/right"), served);
        } finally {
            named.stop(0);
            misnamed.stop(0);
        }
    }

    /** Runs {@link TlsProbe} in a JVM of its own with {@code trustStore}; returns what it printed. */
    private static String probe(Path trustStore, String... urls) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-cp", System.getProperty("java.class.path"), TlsProbe.class.getName()));
        command.addAll(List.of(urls));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the probe did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Sends one GET per URL with the functions' HTTP client; prints the status, or the failure's class. */
    public static final class TlsProbe {
        public static void main(String[] args) throws Exception {
            SdkHttpClient http = AwsClients.httpClient();
            for (String url : args) {
                SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
                        .uri(URI.create(url)).build();
                try {
                    System.out.println(http.prepareRequest(HttpExecuteRequest.builder().request(request).build())
                            .call().httpResponse().statusCode());
                } catch (IOException e) {
                    System.out.println(e.getClass().getSimpleName());
                }
            }
        }
    }

    /** A PKCS12 key store in {@code dir} with a self-signed EC key pair "server" (password changeit). */
    private static Path selfSigned(Path dir, String dname, String san) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", dname, "-ext", san,
                "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), keytoolOutput);
        return keystore;
    }

    private static KeyStore load(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    /** An HTTPS server on loopback with the key in {@code keystore}, answering 200 and noting each path served. */
    private static HttpsServer httpsServer(Path keystore, List<String> served) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keystore), "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            served.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
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
