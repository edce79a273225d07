package com.audmg.drive.bench.cloud;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder that counts the HTTP/1.1 requests passing through it (keep-alive aware: bodies are
 * skipped by Content-Length or chunked framing). Host headers pass unchanged, so SigV4 signatures made for the
 * proxy's address stay valid for the S3 behind it.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final AtomicInteger requests = new AtomicInteger();

    CountingProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "counting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    void reset() {
        requests.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                start(() -> countAndCopy(client, upstream));
                start(() -> copy(upstream, client));
            } catch (IOException e) {
                // Closed, or the upstream refused: the client sees a reset.
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "counting-proxy-conn");
        t.setDaemon(true);
        t.start();
    }

    private static void copy(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // Connection closed.
        }
    }

    private void countAndCopy(Socket from, Socket to) {
        try (from; to) {
            InputStream in = new BufferedInputStream(from.getInputStream(), 65536);
            OutputStream out = to.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                requests.incrementAndGet();
                out.write(head);
                out.flush();
                long length = 0;
                boolean chunked = false;
                for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
                    String l = line.toLowerCase(Locale.ROOT);
                    if (l.startsWith("content-length:")) {
                        length = Long.parseLong(l.substring(15).trim());
                    } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                        chunked = true;
                    }
                }
                if (chunked) {
                    while (true) {
                        byte[] sizeLine = readLine(in);
                        out.write(sizeLine);
                        String hex = new String(sizeLine, StandardCharsets.ISO_8859_1).trim();
                        int semi = hex.indexOf(';');
                        long size = Long.parseLong(semi < 0 ? hex : hex.substring(0, semi), 16);
                        if (size == 0) {
                            byte[] trailer;
                            do {
                                trailer = readLine(in);
                                out.write(trailer);
                            } while (trailer.length > 2);
                            break;
                        }
                        copyExactly(in, out, size + 2);
                    }
                } else {
                    copyExactly(in, out, length);
                }
                out.flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // Connection closed.
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (matched == 4) {
                return buf.toByteArray();
            }
        }
        return null;
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16);
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            if (b == '\n') {
                break;
            }
        }
        if (b < 0) {
            throw new IOException("closed");
        }
        return buf.toByteArray();
    }

    private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[65536];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("closed");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
