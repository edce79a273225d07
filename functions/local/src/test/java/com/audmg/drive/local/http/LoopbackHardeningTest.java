package com.audmg.drive.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import com.audmg.drive.local.s3.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The loopback endpoints against what a hostile local client or a DNS-rebinding web page can send: a foreign
 * Host, a 1 MB header, and a hundred connections that never finish their request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoopbackHardeningTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static int gatewayPort;
    static int runtimePort;
    static Map<String, String> functionEnv;
    static final HttpClient http = HttpClient.newHttpClient();
    /** Started with the cloud; the server must close it once its request took too long. */
    static Socket lingering;
    static long lingeringSince;

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.resource("security-serverless.yml"))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null)
                .build());
        gatewayPort = cloud.baseUrl().getPort();
        lingering = trickler(gatewayPort, "GET /local/owner HTTP/1.1\r\nHost: 127.0.0.1:" + gatewayPort + "\r\nX-Slow: ");
        lingeringSince = System.nanoTime();
        HttpResponse<String> env = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/owner")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        functionEnv = new HashMap<>();
        for (String line : env.body().split("\n")) {
            functionEnv.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        String api = functionEnv.get("AWS_LAMBDA_RUNTIME_API");
        runtimePort = Integer.parseInt(api.substring(api.indexOf(':') + 1, api.indexOf('/')));
    }

    @AfterAll
    static void stop() throws IOException {
        if (lingering != null) {
            lingering.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private static boolean closedByTheServer(Socket s) {
        try {
            s.setSoTimeout(1);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** A connection that has sent {@code start} and then nothing more. */
    static Socket trickler(int port, String start) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    @Order(1)
    void gateway_shouldRefuseAForeignHost_withApiGatewaysErrorShape() throws Exception {
        for (String host : List.of("rebind.evil.example:" + gatewayPort, "127.0.0.1", "127.0.0.1:" + (gatewayPort + 1),
                "localhost.evil.example:" + gatewayPort)) {
            RawHttp.Answer a = RawHttp.get(gatewayPort, "/local/owner", host);
            assertEquals(403, a.status(), host);
            assertTrue(a.body().startsWith("{\"message\":\"Forbidden: the Host header"), a.body());
        }
        for (String host : List.of("127.0.0.1:" + gatewayPort, "localhost:" + gatewayPort, "LOCALHOST:" + gatewayPort,
                "[::1]:" + gatewayPort)) {
            assertEquals(200, RawHttp.get(gatewayPort, "/local/owner", host).status(), host);
        }
    }

    @Test
    @Order(1)
    void embeddedS3_shouldRefuseAForeignHost_becauseEverySignatureCoversIt() throws Exception {
        S3Settings s3 = new S3Settings(URI.create(functionEnv.get("AWS_ENDPOINT_URL_S3")),
                functionEnv.get("AWS_ACCESS_KEY_ID"), functionEnv.get("AWS_SECRET_ACCESS_KEY"));
        try (S3Client client = s3.client("us-east-1", Duration.ofSeconds(10));
             S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1)
                     .endpointOverride(s3.endpoint())
                     .credentialsProvider(() -> AwsBasicCredentials.create(
                             s3.accessKeyId(), s3.secretAccessKey()))
                     .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                     .build()) {
            client.createBucket(b -> b.bucket("host-guard"));
            client.putObject(b -> b.bucket("host-guard").key("k.txt"), RequestBody.fromString("private"));
            URL url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("host-guard").key("k.txt"))).url();
            String pathAndQuery = url.getFile();
            int port = url.getPort();
            RawHttp.Answer own = RawHttp.get(port, pathAndQuery, "127.0.0.1:" + port);
            assertEquals(200, own.status(), own.body());
            assertEquals("private", own.body());
            RawHttp.Answer rebound = RawHttp.get(port, pathAndQuery, "rebind.evil.example:" + port);
            assertEquals(403, rebound.status(), rebound.body());
        }
    }

    @Test
    @Order(1)
    void aOneMegabyteHeader_shouldGet431_notAReset() throws Exception {
        String huge = "Authorization: Bearer " + "x".repeat(1024 * 1024);
        RawHttp.Answer a = RawHttp.get(gatewayPort, "/local/owner", "127.0.0.1:" + gatewayPort, huge);
        assertEquals(431, a.status(), a.body());
        assertEquals("{\"message\":\"Request Header Fields Too Large\"}", a.body());
        RawHttp.Answer runtime = RawHttp.get(runtimePort, "/fn/owner/1/2018-06-01/runtime/invocation/next",
                "127.0.0.1:" + runtimePort, huge);
        assertEquals(403, runtime.status(), "a 4xx from the runtime endpoint too: " + runtime.body());
        String justUnder = "X-Big: " + "y".repeat(10_000);
        assertEquals(200, RawHttp.get(gatewayPort, "/local/owner", "127.0.0.1:" + gatewayPort, justUnder).status(),
                "API Gateway's 10,240 bytes of headers pass");
    }

    @Test
    @Order(1)
    void slowClients_shouldNotDelayANormalRequest() throws Exception {
        String host = "Host: 127.0.0.1:" + gatewayPort + "\r\n";
        List<Socket> slow = new ArrayList<>();
        try {
            // GIVEN 100 connections trickling headers and 100 trickling a body to the gateway, and 100 trickling
            // headers to the runtime endpoint (which every invocation goes through)
            for (int i = 0; i < 100; i++) {
                slow.add(trickler(gatewayPort, "GET /local/owner HTTP/1.1\r\n" + host + "X-Slow: "));
                slow.add(trickler(gatewayPort, "GET /local/owner HTTP/1.1\r\n" + host
                        + "Content-Length: 1000000\r\n\r\n{"));
                slow.add(trickler(runtimePort, "GET /fn/owner/1/2018-06-01/runtime/invocation/next HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + runtimePort + "\r\nX-Slow: "));
            }
            for (int round = 0; round < 3; round++) {
                Thread.sleep(100);
                for (Socket s : slow) {
                    s.getOutputStream().write('a');
                }
            }
            // WHEN a normal client calls the API (through the authorizer-free route, a worker, the runtime endpoint)
            // on a new connection (a pooled one would not show whether the gateway still takes new clients)
            long started = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cloud.baseUrl()
                    + "/owner")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - started) / 1e6;
            System.out.printf(Locale.ROOT, "normal request with %d slow connections open: %d in %.1f ms%n",
                    slow.size(), r.statusCode(), millis);
            // THEN it is answered at once
            assertEquals(200, r.statusCode());
            assertTrue(millis < 2000, "answered after " + millis + " ms");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    @Order(2)
    void aRequestThatNeverEnds_shouldBeCutOff() throws Exception {
        long limitNanos = TimeUnit.SECONDS.toNanos(LoopbackServer.MAX_REQUEST_SECONDS + 3);
        lingering.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(limitNanos - (System.nanoTime()
                - lingeringSince))));
        InputStream in = lingering.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open " + (System.nanoTime() - lingeringSince) / 1e9 + " s after its start");
        } catch (IOException reset) {
            read = -1;
        }
        assertEquals(-1, read, "closed without an answer");
        double seconds = (System.nanoTime() - lingeringSince) / 1e9;
        assertTrue(seconds >= LoopbackServer.MAX_REQUEST_SECONDS - 0.5, "closed too early: " + seconds + " s");
        System.out.printf(Locale.ROOT, "a request that never ends was closed after %.1f s%n", seconds);
    }

    @Test
    @Order(3)
    void moreClientsTricklingHeadersThanConnections_shouldNotLockOutANormalRequest() throws Exception {
        String host = "Host: 127.0.0.1:" + gatewayPort + "\r\n";
        int count = LoopbackServer.MAX_THREADS + 44;
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean trickling = new AtomicBoolean(true);
        Thread trickle = new Thread(() -> {
            while (trickling.get()) {
                synchronized (slow) {
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write('a');
                        } catch (IOException closedByTheServer) {
                            // the server closed it: the point
                        }
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            // GIVEN more connections than the gateway takes, each sending its headers a byte every 500 ms (never
            // idle, so the idle timeout never closes them)
            synchronized (slow) {
                for (int i = 0; i < count; i++) {
                    slow.add(trickler(gatewayPort, "GET /local/owner HTTP/1.1\r\n" + host + "X-Slow: "));
                }
            }
            trickle.start();
            Thread.sleep(1000);
            // WHEN a new client calls the API (a new connection: the shared client's pooled one would bypass the limit)
            long started = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cloud.baseUrl()
                    + "/owner")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - started) / 1e6;
            System.out.printf(Locale.ROOT, "normal request with %d clients trickling headers: %d in %.1f ms%n",
                    count, r.statusCode(), millis);
            // THEN it is answered within the 5 s (the tricklers' heads are cut off once the connections run short)
            assertEquals(200, r.statusCode());
            // AND every trickler is closed without an answer, those the gateway could not take at first included
            // (once taken they get the full limit: by then the connections are no longer short)
            List<Socket> open = new ArrayList<>(slow);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HeadDeadline.HEAD_SECONDS + 8);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                open.removeIf(LoopbackHardeningTest::closedByTheServer);
                Thread.sleep(250);
            }
            assertEquals(0, open.size(), "tricklers still connected " + (HeadDeadline.HEAD_SECONDS + 8) + " s later");
        } finally {
            trickling.set(false);
            trickle.interrupt();
            trickle.join(2_000);
            synchronized (slow) {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
