package com.audmg.drive.desktop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, the desktop's share of "a ready file without its bytes": {@link DriveClient#upload} cancels the
 * upload (DELETE) whenever complete fails on its side. When the failure says nothing about what the server did
 * (a 502 from API Gateway, which is also what a function timeout after its write looks like, or a connection
 * lost before the answer), the complete may have succeeded, and that DELETE removes a ready file and its
 * bytes. A fake API on port 0 completes the file and then fails the answer.
 */
class DriveClientUploadOutcomeTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String completeOutcome;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/local");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String line = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        requests.add(line);
        exchange.getRequestBody().readAllBytes();
        switch (line) {
            case "POST /local/auth/login" -> answer(exchange, 200, "{\"token\":\"t\",\"tokenType\":\"Bearer\",\"expiresIn\":3600}");
            case "POST /local/files" -> answer(exchange, 201, "{\"file\":{\"id\":\"f1\",\"name\":\"a.png\","
                    + "\"contentType\":\"image/png\",\"kind\":\"image\",\"size\":4,\"createdAt\":\"2026-11-28T09:00:00Z\","
                    + "\"status\":\"pending\"},\"upload\":{\"method\":\"PUT\",\"url\":\"http://127.0.0.1:"
                    + server.getAddress().getPort() + "/media/u/f1\",\"headers\":{\"Content-Type\":\"image/png\"},"
                    + "\"expiresAt\":\"2026-11-28T09:15:00Z\"}}");
            case "PUT /media/u/f1" -> answer(exchange, 200, "");
            case "POST /local/files/f1/complete" -> {
                // The server side of complete succeeded (the file is ready); only the answer fails.
                if ("502".equals(completeOutcome)) {
                    answer(exchange, 502, "{\"message\": \"Internal server error\"}");
                } else {
                    exchange.close(); // connection lost before any answer
                }
            }
            case "GET /local/files/f1" -> answer(exchange, 200, "{\"file\":{\"id\":\"f1\",\"name\":\"a.png\","
                    + "\"contentType\":\"image/png\",\"kind\":\"image\",\"size\":4,\"createdAt\":\"2026-11-28T09:00:00Z\","
                    + "\"status\":\"ready\"},\"download\":{\"url\":\"http://127.0.0.1/x\",\"expiresAt\":\"2026-11-28T09:15:00Z\"}}");
            case "DELETE /local/files/f1" -> answer(exchange, 204, null);
            default -> answer(exchange, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no\"}}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private long deletesAfterFailedComplete(String outcome) throws Exception {
        completeOutcome = outcome;
        DriveClient client = new DriveClient(base());
        client.login("someone", "a-long-password");
        Path file = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3, 4});
        // The file is ready on the server: the upload succeeds, found by asking.
        DriveFile uploaded = client.upload(file, "image/png", Progress.NONE, new Cancellation());
        assertEquals("ready", uploaded.status());
        assertTrue(requests.contains("GET /local/files/f1"), requests.toString());
        return requests.stream().filter(r -> r.equals("DELETE /local/files/f1")).count();
    }

    @Test
    void upload_shouldNotDeleteTheFile_whenCompleteAnswered502() throws Exception {
        assertEquals(0, deletesAfterFailedComplete("502"), requests.toString());
    }

    @Test
    void upload_shouldNotDeleteTheFile_whenCompleteLostItsConnection() throws Exception {
        assertEquals(0, deletesAfterFailedComplete("lost"), requests.toString());
    }
}
