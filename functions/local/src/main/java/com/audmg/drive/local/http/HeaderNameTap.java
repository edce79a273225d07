package com.audmg.drive.local.http;

import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.NetworkTrafficListener;

/**
 * Reads the header names of each request as the client wrote them, from the bytes Jetty receives.
 *
 * <p>Jetty's parser keeps the case of a header name it does not know, but names the ones it knows
 * ({@code accept}, {@code content-type}, {@code user-agent}...) in their registered form, whatever was
 * sent. API Gateway hands a function every name as sent. So this tap follows each connection's incoming
 * bytes: request line, header lines (it keeps the names), the blank line, then skips a body of the
 * declared {@code Content-Length}. A connection that sends a chunked body or anything it cannot follow
 * is no longer followed (its requests fall back to Jetty's names); {@link #take} hands out the heads in
 * order, and the server uses one only when it names the same fields, ignoring case, as Jetty parsed.
 */
final class HeaderNameTap implements NetworkTrafficListener {
    /** Heads read ahead of the handler on one connection (pipelining), at most. */
    private static final int MAX_QUEUED = 16;
    private static final int MAX_NAMES = 512;
    private static final int MAX_NAME_LENGTH = 256;

    private final Map<SocketAddress, Scanner> connections = new ConcurrentHashMap<>();

    @Override
    public void opened(Socket socket) {
        connections.put(socket.getRemoteSocketAddress(), new Scanner());
    }

    @Override
    public void incoming(Socket socket, ByteBuffer bytes) {
        Scanner scanner = connections.get(socket.getRemoteSocketAddress());
        if (scanner != null) {
            synchronized (scanner) {
                scanner.feed(bytes.duplicate());
            }
        }
    }

    @Override
    public void closed(Socket socket) {
        connections.remove(socket.getRemoteSocketAddress());
    }

    /** The header names of the next request received from {@code remote}, or null when not known. */
    List<String> take(SocketAddress remote) {
        Scanner scanner = connections.get(remote);
        if (scanner == null) {
            return null;
        }
        synchronized (scanner) {
            return scanner.heads.pollFirst();
        }
    }

    /** Follows one connection's request heads. Not thread-safe: callers hold its lock. */
    static final class Scanner {
        private enum State { REQUEST_LINE, LINE_START, NAME, VALUE, BODY, LOST }

        final Deque<List<String>> heads = new ArrayDeque<>();
        private State state = State.REQUEST_LINE;
        private final StringBuilder name = new StringBuilder();
        private final StringBuilder value = new StringBuilder();
        private List<String> names = new ArrayList<>();
        private boolean requestLineStarted;
        private long contentLength;
        private boolean chunked;
        private long bodyLeft;

        void feed(ByteBuffer bytes) {
            while (bytes.hasRemaining() && state != State.LOST) {
                if (state == State.BODY) {
                    int skip = (int) Math.min(bodyLeft, bytes.remaining());
                    bytes.position(bytes.position() + skip);
                    bodyLeft -= skip;
                    if (bodyLeft == 0) {
                        state = State.REQUEST_LINE;
                    }
                    continue;
                }
                step((char) (bytes.get() & 0xff));
            }
        }

        private void step(char c) {
            switch (state) {
                case REQUEST_LINE -> {
                    if (c == '\n') {
                        // Blank lines before a request line are allowed (RFC 9112 2.2).
                        if (requestLineStarted) {
                            state = State.LINE_START;
                        }
                    } else if (c != '\r') {
                        requestLineStarted = true;
                    }
                }
                case LINE_START -> {
                    if (c == '\r') {
                        return;
                    }
                    if (c == '\n') {
                        endOfHead();
                    } else if (c == ' ' || c == '\t') {
                        state = State.LOST; // obsolete line folding: not followed
                    } else {
                        name.setLength(0);
                        name.append(c);
                        state = State.NAME;
                    }
                }
                case NAME -> {
                    if (c == ':') {
                        value.setLength(0);
                        state = State.VALUE;
                    } else if (c == '\n' || name.length() >= MAX_NAME_LENGTH) {
                        state = State.LOST;
                    } else {
                        name.append(c);
                    }
                }
                case VALUE -> {
                    if (c == '\n') {
                        endOfField();
                        state = State.LINE_START;
                    } else if (value.length() < 64) {
                        value.append(c); // only Content-Length and Transfer-Encoding values matter
                    }
                }
                default -> {
                    // BODY and LOST are handled by feed
                }
            }
        }

        private void endOfField() {
            String n = name.toString().trim();
            String v = value.toString().trim().toLowerCase(Locale.ROOT);
            if (names.size() >= MAX_NAMES) {
                state = State.LOST;
                return;
            }
            names.add(n);
            if (n.equalsIgnoreCase("Content-Length")) {
                try {
                    contentLength = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    state = State.LOST;
                }
            } else if (n.equalsIgnoreCase("Transfer-Encoding") && !v.isEmpty() && !v.equals("identity")) {
                chunked = true;
            }
        }

        private void endOfHead() {
            if (state == State.LOST) {
                return;
            }
            if (heads.size() < MAX_QUEUED) {
                heads.addLast(List.copyOf(names));
            } else {
                state = State.LOST;
                return;
            }
            names = new ArrayList<>();
            requestLineStarted = false;
            if (chunked) {
                state = State.LOST; // chunked bodies are not followed
            } else if (contentLength > 0) {
                bodyLeft = contentLength;
                state = State.BODY;
            } else {
                state = State.REQUEST_LINE;
            }
            contentLength = 0;
            chunked = false;
        }
    }
}
