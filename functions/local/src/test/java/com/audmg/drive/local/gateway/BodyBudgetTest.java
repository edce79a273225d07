package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.TestFixtures;
import com.audmg.drive.local.config.ParameterStore;
import com.audmg.drive.local.config.ServerlessConfig;
import com.audmg.drive.local.config.ServerlessConfigReader;
import com.audmg.drive.local.http.RawHttp;
import com.audmg.drive.local.lambda.LambdaRuntime;
import com.audmg.drive.local.s3.S3Settings;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies held in memory are bounded across requests; requests without a body are never held back. */
class BodyBudgetTest {
    @TempDir
    Path dir;

    @Test
    void bodies_shouldWaitForRoomAndThenGet429_whileBodilessRequestsGoThrough() throws Exception {
        Path data = dir.resolve("data");
        ParameterStore parameters = new ParameterStore(data.resolve("parameters.properties"));
        ServerlessConfig config = new ServerlessConfigReader("local", System::getenv, parameters)
                .read(TestFixtures.resource("security-serverless.yml"), TestFixtures.fixtureJar(dir.resolve("build")));
        // The fixture function reads only its environment: no S3 behind this address.
        S3Settings noS3 = new S3Settings(URI.create("http://127.0.0.1:9"), "unused", "unused");
        try (LambdaRuntime lambda = new LambdaRuntime(config, data, noS3, parameters, null);
             Gateway gateway = new Gateway(config, lambda, 0, null, 1024 * 1024, Duration.ofMillis(300))) {
            int port = gateway.baseUrl().getPort();
            String head = "GET /local/owner HTTP/1.1\r\nHost: 127.0.0.1:" + port;
            byte[] body = new byte[800 * 1024];
            // GIVEN a client that declared 800 KiB of a 1 MiB budget and sends them slowly
            try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
                slow.getOutputStream().write((head + "\r\nContent-Length: " + body.length + "\r\n\r\n{")
                        .getBytes(StandardCharsets.ISO_8859_1));
                slow.getOutputStream().flush();

                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (gateway.bodyBudgetAvailableKib() != 1024 - 800) {
                    assertTrue(System.nanoTime() < until, "the slow request never took its room");
                    Thread.sleep(10);
                }

                // WHEN another 800 KiB body comes, THEN it waits, then gets API Gateway's throttling answer
                long started = System.nanoTime();
                RawHttp.Answer refused = RawHttp.exchange(port, head, body, 10_000);
                assertEquals(429, refused.status(), refused.body());
                assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250), "waited first");
                assertEquals("{\"message\":\"Too Many Requests\"}", refused.body());
                // AND a request without a body is served meanwhile
                assertEquals(200, RawHttp.get(port, "/local/owner", "127.0.0.1:" + port).status());
            }
            // WHEN the slow client goes away, THEN its room is given back
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (gateway.bodyBudgetAvailableKib() != 1024) {
                assertTrue(System.nanoTime() < until, "budget never given back");
                Thread.sleep(10);
            }
            RawHttp.Answer admitted = RawHttp.exchange(port, head, body, 10_000);
            assertEquals(200, admitted.status(), admitted.body());
        }
    }
}
