package com.audmg.drive.desktop.media;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Loopback HTTP endpoint that JavaFX media plays from. JavaFX sends HEAD before GET and reads the length from it,
 * but a presigned S3 GET URL refuses HEAD (SigV4 signs the method): this proxy answers HEAD from the file metadata
 * and forwards GET (with Range, for seeking) to a fresh presigned URL, streaming the bytes through.
 */
public final class AudioStreamProxy implements AutoCloseable {

    /** Gives a currently valid presigned GET URL for a file. */
    @FunctionalInterface
    public interface UrlSource {
        URI presignedUrl() throws Exception;
    }

    private record Entry(long size, String contentType, UrlSource source) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public AudioStreamProxy() throws IOException {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "audio-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/stream/", this::handle);
        server.start();
    }

    /**
     * Registers a rendition whose length and type are only known to the storage (the server's playable copy): a
     * HEAD is answered from a one-byte ranged GET upstream, and the URL carries no extension, so JavaFX takes the
     * format from the Content-Type.
     */
    public URI registerProbed(UrlSource source) {
        String key = HexFormat.of().formatHex(bytes());
        entries.put(key, new Entry(-1, null, source));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stream/" + key + "/audio");
    }

    /** Registers a file and returns the loopback URL to play it from. */
    public URI register(String fileName, long size, String contentType, UrlSource source) {
        String key = HexFormat.of().formatHex(bytes());
        entries.put(key, new Entry(size, contentType, source));
        String ext = "";
        int dot = fileName.lastIndexOf('.');
        if (dot >= 0 && fileName.length() - dot <= 6) {
            ext = fileName.substring(dot).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]", "");
        }
        // JavaFX picks the demuxer by the URL's extension.
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stream/" + key + "/audio" + ext);
    }

    private byte[] bytes() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return b;
    }

    public void unregister(URI url) {
        String[] parts = url.getPath().split("/");
        if (parts.length > 2) {
            entries.remove(parts[2]);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            Entry entry = parts.length > 2 ? entries.get(parts[2]) : null;
            if (entry == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            String method = exchange.getRequestMethod();
            if (entry.size() < 0) {
                entry = probe(entry);
                if (entry == null) {
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                entries.put(parts[2], entry);
            }
            exchange.getResponseHeaders().set("Content-Type", entry.contentType());
            if ("HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(entry.size()));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (!"GET".equals(method)) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            forward(exchange, entry);
        }
    }

    /** Length and type of a probed entry, from a one-byte ranged GET; null when storage does not answer. */
    private Entry probe(Entry entry) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(entry.source().presignedUrl())
                    .header("Range", "bytes=0-0").GET().build(), HttpResponse.BodyHandlers.discarding());
            String type = r.headers().firstValue("content-type").orElse("audio/mpeg");
            long size;
            if (r.statusCode() == 206) {
                String range = r.headers().firstValue("content-range").orElse("");
                size = Long.parseLong(range.substring(range.lastIndexOf('/') + 1).trim());
            } else if (r.statusCode() == 200) {
                size = r.headers().firstValueAsLong("content-length").orElse(-1);
            } else {
                return null;
            }
            return size < 0 ? null : new Entry(size, type, entry.source());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void forward(HttpExchange exchange, Entry entry) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        HttpResponse<InputStream> upstream;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(entry.source().presignedUrl()).GET();
            if (range != null) {
                request.header("Range", range);
            }
            upstream = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
            return;
        } catch (Exception e) {
            exchange.sendResponseHeaders(502, -1);
            return;
        }
        try (InputStream in = upstream.body()) {
            int status = upstream.statusCode();
            if (status != 200 && status != 206) {
                exchange.sendResponseHeaders(status == 416 ? 416 : 502, -1);
                return;
            }
            upstream.headers().firstValue("content-range")
                    .ifPresent(v -> exchange.getResponseHeaders().set("Content-Range", v));
            long length = upstream.headers().firstValueAsLong("content-length").orElse(0);
            exchange.sendResponseHeaders(status, length > 0 ? length : 0);
            OutputStream out = exchange.getResponseBody();
            in.transferTo(out);
        } catch (IOException clientWentAway) {
            // the player closes connections when it seeks or stops: not an error
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
