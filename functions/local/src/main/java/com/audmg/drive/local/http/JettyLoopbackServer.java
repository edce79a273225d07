package com.audmg.drive.local.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.NetworkTrafficServerConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A loopback HTTP server on Jetty for endpoints whose clients' header names must reach the handler as sent:
 * API Gateway passes {@code headers} and {@code multiValueHeaders} to a function with the names as the client
 * wrote them ({@code x-custom-header} stays lower case), and the JDK server, behind {@link LoopbackServer},
 * rewrites every name while it parses ({@code X-custom-header}) with no access to the original.
 *
 * <p>Jetty keeps the names it does not know as received (its compliance allows {@code CASE_SENSITIVE_FIELD_NAME})
 * but names the ones it knows in their registered form; a {@link HeaderNameTap} on the connector reads every
 * name from the bytes received. Handlers stay {@link HttpHandler}s: each request is served as an
 * {@link HttpExchange} ({@link Exchange}), whose {@link Exchange#headersAsSent()} has the names as the client
 * sent them.
 *
 * <p>Limits, as {@link LoopbackServer}'s: 127.0.0.1 only; a loopback {@code Host} or {@code refusal};
 * {@value LoopbackServer#MAX_THREADS} threads and connections; headers up to
 * {@link LoopbackServer#HARD_HEADER_BYTES} (past it Jetty answers 431 itself); a connection idle for
 * {@value LoopbackServer#MAX_REQUEST_SECONDS} s is closed. Jetty reads request lines and headers without
 * holding a thread, and a head still arriving after {@link HeadDeadline}'s limit closes its connection, so clients
 * trickling headers cannot hold every connection; a body is read by the handler's thread, and a body still arriving
 * {@value LoopbackServer#MAX_REQUEST_SECONDS} s after the request began fails the read.
 */
public final class JettyLoopbackServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final HeadDeadline headDeadline;

    private JettyLoopbackServer(Server server, ServerConnector connector, HeadDeadline headDeadline) {
        this.server = server;
        this.connector = connector;
        this.headDeadline = headDeadline;
    }

    /**
     * Starts a server on 127.0.0.1:{@code port} (0: a free port) whose handler runs only for requests with
     * a loopback {@code Host}; others get {@code refusal}'s answer.
     */
    public static JettyLoopbackServer start(int port, int backlog, String threadName, HttpHandler handler,
                                            HttpHandler refusal) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(LoopbackServer.MAX_THREADS, 2, 60_000);
        threads.setName(threadName);
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setHttpCompliance(HttpCompliance.RFC9110.with("names-as-sent",
                HttpCompliance.Violation.CASE_SENSITIVE_FIELD_NAME));
        // Paths reach the gateway as sent (encoded slashes, dot segments): it answers them as API Gateway does.
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setRequestHeaderSize(LoopbackServer.HARD_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        NetworkTrafficServerConnector connector = new NetworkTrafficServerConnector(server, null, null, null, 1, 1,
                new HttpConnectionFactory(http));
        HeaderNameTap tap = new HeaderNameTap();
        connector.setNetworkTrafficListener(tap);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(backlog);
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(LoopbackServer.MAX_REQUEST_SECONDS));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(LoopbackServer.MAX_THREADS, connector));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback, handler, refusal, tap);
                return true;
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot start the HTTP server on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        return new JettyLoopbackServer(server, connector,
                new HeadDeadline(connector, LoopbackServer.MAX_THREADS, threadName));
    }

    private static void serve(Request request, Response response, Callback callback, HttpHandler handler,
                              HttpHandler refusal, HeaderNameTap tap) {
        Exchange exchange;
        try {
            exchange = new Exchange(request, response, tap.take(request.getConnectionMetaData().getRemoteSocketAddress()));
        } catch (URISyntaxException e) {
            response.setStatus(400);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, java.nio.ByteBuffer.wrap("{\"message\":\"Bad Request\"}"
                    .getBytes(StandardCharsets.UTF_8)), callback);
            return;
        }
        try {
            if (LoopbackServer.hostIsLoopback(exchange)) {
                handler.handle(exchange);
            } else {
                refusal.handle(exchange);
            }
            exchange.finish();
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        headDeadline.close();
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping: nothing left to do.
        }
    }

    /** One request as the JDK server's {@link HttpExchange}, plus its header names as sent. */
    public static final class Exchange extends HttpExchange {
        private final Request request;
        private final Response response;
        private final URI uri;
        private final Headers requestHeaders = new Headers();
        private final Map<String, List<String>> asSent = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Headers responseHeaders = new Headers();
        private final Map<String, Object> attributes = new HashMap<>();
        private final long deadline;
        private InputStream in;
        private OutputStream out;
        private int status = -1;

        Exchange(Request request, Response response, List<String> namesAsSent) throws URISyntaxException {
            this.request = request;
            this.response = response;
            String pathQuery = request.getHttpURI().getPathQuery();
            this.uri = new URI(pathQuery == null ? "/" : pathQuery);
            List<HttpField> fields = new java.util.ArrayList<>();
            request.getHeaders().forEach(fields::add);
            // The tap's names are used only when they are this request's fields (same names, ignoring case).
            boolean tapped = namesAsSent != null && namesAsSent.size() == fields.size();
            for (int i = 0; tapped && i < fields.size(); i++) {
                tapped = fields.get(i).getName().equalsIgnoreCase(namesAsSent.get(i));
            }
            for (int i = 0; i < fields.size(); i++) {
                HttpField field = fields.get(i);
                String name = tapped ? namesAsSent.get(i) : field.getName();
                requestHeaders.add(name, field.getValue());
                // Two spellings of one name are one header (as API Gateway merges them): the first spelling wins.
                asSent.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(field.getValue());
            }
            this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LoopbackServer.MAX_REQUEST_SECONDS);
        }

        /** The request's headers with their names as the client sent them; lookups ignore case. */
        public Map<String, List<String>> headersAsSent() {
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            asSent.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return request.getMethod();
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
            try {
                if (in != null) {
                    in.close();
                }
                finish();
            } catch (IOException e) {
                // The client went away.
            }
        }

        /** Sends the headers if nothing was sent yet and ends the response body. */
        void finish() throws IOException {
            if (status < 0) {
                sendResponseHeaders(500, -1);
            }
            getResponseBody().close();
        }

        @Override
        public InputStream getRequestBody() {
            if (in == null) {
                InputStream body = Content.Source.asInputStream(request);
                in = new InputStream() {
                    @Override
                    public int read() throws IOException {
                        checkDeadline();
                        return body.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        checkDeadline();
                        return body.read(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        body.close();
                    }
                };
            }
            return in;
        }

        private void checkDeadline() throws IOException {
            if (System.nanoTime() > deadline) {
                throw new InterruptedIOException("the request was not sent within " + LoopbackServer.MAX_REQUEST_SECONDS
                        + " s");
            }
        }

        @Override
        public OutputStream getResponseBody() {
            if (out == null) {
                out = Content.Sink.asOutputStream(response);
            }
            return out;
        }

        @Override
        public void sendResponseHeaders(int code, long length) throws IOException {
            if (status >= 0) {
                throw new IOException("headers already sent");
            }
            status = code;
            response.setStatus(code);
            responseHeaders.forEach((name, values) -> values.forEach(v -> response.getHeaders().add(name, v)));
            // As the JDK server: a positive length is sent, 0 means chunked, -1 no body (Jetty then says so).
            if (length > 0) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            }
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return (InetSocketAddress) request.getConnectionMetaData().getLocalSocketAddress();
        }

        @Override
        public String getProtocol() {
            return request.getConnectionMetaData().getProtocol();
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
            throw new UnsupportedOperationException("streams are Jetty's");
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }

        @Override
        public String toString() {
            return getRequestMethod() + " " + uri + " " + asSent.keySet();
        }
    }
}
