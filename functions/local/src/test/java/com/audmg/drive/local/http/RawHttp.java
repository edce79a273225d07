package com.audmg.drive.local.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http will not send (a foreign Host header, a 1 MB
 * header, a request that never ends) and for answers it would not show (a connection reset).
 */
public final class RawHttp {
    /** A status line and body, or status 0 when the server closed or reset the connection without one. */
    public record Answer(int status, String body) {
    }

    private RawHttp() {
    }

    /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and a body. */
    public static Answer exchange(int port, String head, byte[] body, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write((head + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it read everything: read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    public static Answer get(int port, String path, String host, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host);
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return exchange(port, head.toString(), new byte[0], 10_000);
    }

    public static Answer post(int port, String path, String host, String body, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host);
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return exchange(port, head.toString(), body.getBytes(StandardCharsets.UTF_8), 10_000);
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException e) {
            // Reset: keep whatever came before it.
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Answer(0, text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        int bodyAt = text.indexOf("\r\n\r\n");
        return new Answer(status, bodyAt < 0 ? "" : new String(all.toByteArray(), bodyAt + 4,
                all.size() - bodyAt - 4, StandardCharsets.UTF_8));
    }
}
