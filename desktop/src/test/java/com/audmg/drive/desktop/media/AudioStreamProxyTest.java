package com.audmg.drive.desktop.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against an upstream that behaves like a presigned GET URL: GET with Range only, HEAD refused. */
class AudioStreamProxyTest {

    private final byte[] content = new byte[100_000];
    private HttpServer upstream;
    private AudioStreamProxy proxy;
    private final AtomicInteger urlRequests = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/obj", ex -> {
            try (ex) {
                if (!"GET".equals(ex.getRequestMethod())) {
                    ex.sendResponseHeaders(403, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "audio/mp4");
                String range = ex.getRequestHeaders().getFirst("Range");
                if (range == null) {
                    ex.sendResponseHeaders(200, content.length);
                    ex.getResponseBody().write(content);
                    return;
                }
                int from = Integer.parseInt(range.replace("bytes=", "").split("-")[0]);
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/"
                        + content.length);
                ex.sendResponseHeaders(206, content.length - from);
                ex.getResponseBody().write(content, from, content.length - from);
            }
        });
        upstream.start();
        proxy = new AudioStreamProxy();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    private URI register() {
        return proxy.register("song.MP3", content.length, "audio/mpeg", () -> {
            urlRequests.incrementAndGet();
            return URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/obj");
        });
    }

    @Test
    void head_shouldAnswerLengthFromMetadata_withoutTouchingUpstream() throws Exception {
        URI url = register();
        assertEquals(".mp3", url.getPath().substring(url.getPath().lastIndexOf('.')));
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(url).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(content.length, head.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals("bytes", head.headers().firstValue("accept-ranges").orElse(""));
        assertEquals(0, urlRequests.get());
    }

    @Test
    void get_shouldForwardRange_forSeeking() throws Exception {
        URI url = register();
        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(content, whole.body());
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(url).header("Range", "bytes=60000-").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes 60000-99999/100000", part.headers().firstValue("content-range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(content, 60000, content.length), part.body());
    }

    @Test
    void get_shouldAnswer404_whenUnregistered() throws Exception {
        URI url = register();
        proxy.unregister(url);
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(404, r.statusCode());
    }

    @Test
    void probed_shouldLearnLengthAndTypeFromStorage_forARenditionOfUnknownSize() throws Exception {
        // GIVEN a rendition (the server's playable copy) whose size and type only the storage knows
        URI url = proxy.registerProbed(() -> {
            urlRequests.incrementAndGet();
            return URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/obj");
        });
        // THEN its URL has no extension (JavaFX then goes by the Content-Type) and HEAD tells length and type
        assertEquals("audio", url.getPath().substring(url.getPath().lastIndexOf('/') + 1));
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(url).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(content.length, head.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals("audio/mp4", head.headers().firstValue("content-type").orElse(""));
        // AND seeking streams the bytes as for any file
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(url).header("Range", "bytes=90000-").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(content, 90000, content.length), part.body());
        assertEquals(2, urlRequests.get()); // one probe, one ranged GET
    }
}
