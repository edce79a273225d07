package com.audmg.drive.local.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local cloud's HTTP servers (gateway, runtime endpoint): the JDK server on 127.0.0.1, with limits
 * that keep one slow or hostile local client from starving the others, and a Host check against DNS
 * rebinding.
 *
 * <p>The JDK server reads a request's line and headers with a blocking read on an executor thread, so a
 * client trickling its headers holds a thread. Hence: an executor that grows to {@value #MAX_THREADS}
 * threads (a fixed pool of 64 was filled by 64 such clients, and everyone else waited), as many connections
 * at most, and {@value #MAX_REQUEST_SECONDS} s to send a whole request (line, headers and body), after which
 * the server closes the connection. The thread count also bounds how many requests' headers are parsed at
 * once, each at most {@value #HARD_HEADER_BYTES} bytes (the JDK parser holds about 4 bytes of heap per header
 * byte while it reads), so headers cannot take more than about 1 GB even if every connection sends the
 * largest; the gateway's request bodies are bounded separately. These are JVM-wide settings of the JDK
 * server, read once when the JVM's first JDK server starts; values set on the command line
 * ({@code -Dsun.net.httpserver.maxReqTime=...}) win.
 */
public final class LoopbackServer {
    /** Threads and connections per server: one thread per request being read or served. */
    public static final int MAX_THREADS = 256;
    /** Time a client has to send a request's line, headers and body. */
    public static final int MAX_REQUEST_SECONDS = 10;
    /**
     * The JDK server's own bound on a request's headers; past it, it closes the connection without an
     * answer. It is above what handlers accept, so that a 1 MiB header still gets their 431 (or 403).
     */
    public static final int HARD_HEADER_BYTES = 1024 * 1024 + 16 * 1024;

    static {
        defaultProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        defaultProperty("jdk.httpserver.maxConnections", Integer.toString(MAX_THREADS));
        defaultProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(HARD_HEADER_BYTES));
        // Without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: ~40 ms per hop.
        defaultProperty("sun.net.httpserver.nodelay", "true");
    }

    private LoopbackServer() {
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /**
     * Starts a server on 127.0.0.1:{@code port} (0: a free port) whose handler runs only for requests
     * with a loopback {@code Host}; others get {@code refusal}'s answer.
     */
    public static HttpServer start(int port, int backlog, String threadName, HttpHandler handler,
                                   HttpHandler refusal) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            if (hostIsLoopback(exchange)) {
                handler.handle(exchange);
            } else {
                refusal.handle(exchange);
            }
        });
        server.start();
        return server;
    }

    /** Stops the server and its threads. */
    public static void stop(HttpServer server) {
        server.stop(0);
        if (server.getExecutor() instanceof ThreadPoolExecutor executor) {
            executor.shutdownNow();
        }
    }

    /**
     * Whether the request names this server as {@code 127.0.0.1}, {@code localhost} or {@code [::1]} with
     * the port it was sent to. A web page that rebinds its own name to 127.0.0.1 sends that name instead.
     */
    public static boolean hostIsLoopback(HttpExchange exchange) {
        List<String> hosts = exchange.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1) {
            return false;
        }
        String host = hosts.get(0).trim().toLowerCase(Locale.ROOT);
        String port = Integer.toString(exchange.getLocalAddress().getPort());
        return host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port) || host.equals("[::1]:" + port);
    }

    /** The size of the request's headers as sent, names and values, without line ends. */
    public static long headerBytes(HttpExchange exchange) {
        long total = 0;
        for (Map.Entry<String, List<String>> e : exchange.getRequestHeaders().entrySet()) {
            for (String v : e.getValue()) {
                total += e.getKey().length() + 2 + v.length();
            }
        }
        return total;
    }
}
