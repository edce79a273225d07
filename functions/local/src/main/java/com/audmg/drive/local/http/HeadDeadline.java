package com.audmg.drive.local.http;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * A time limit on a request's line and headers for a Jetty connector, as Apache's {@code mod_reqtimeout} gives:
 * Jetty's idle timeout closes a connection that sends nothing, but a client sending its headers a byte a second is
 * never idle, and {@value LoopbackServer#MAX_THREADS} of them fill the connection limit so that nobody else gets in.
 *
 * <p>A sweeper looks at every connection four times a second; a connection whose parser has been inside the same
 * request's head (past its first byte, before its body) for longer than the limit is closed without an answer. The
 * limit is {@value #HEAD_SECONDS} s, and {@value #HEAD_SECONDS_UNDER_PRESSURE} s once seven eighths of the
 * connections are taken: a normal client sends its whole head in one write, so only a trickling client is ever
 * seen inside one, and under pressure the slots go to the clients that use them.
 */
final class HeadDeadline implements AutoCloseable {
    static final int HEAD_SECONDS = LoopbackServer.MAX_REQUEST_SECONDS;
    static final int HEAD_SECONDS_UNDER_PRESSURE = 2;
    private static final long SWEEP_MILLIS = 250;

    private final ServerConnector connector;
    private final int maxConnections;
    private final ScheduledExecutorService sweeper;
    /** Per connection in a head: which request (Jetty's count of requests received) and since when. */
    private final Map<EndPoint, long[]> inHead = new HashMap<>();

    HeadDeadline(ServerConnector connector, int maxConnections, String threadName) {
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName + "-head-deadline");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            var endPoints = connector.getConnectedEndPoints();
            long limitMillis = TimeUnit.SECONDS.toMillis(endPoints.size() * 8L >= maxConnections * 7L
                    ? HEAD_SECONDS_UNDER_PRESSURE : HEAD_SECONDS);
            long now = System.nanoTime() / 1_000_000;
            Map<EndPoint, long[]> seen = new HashMap<>();
            for (EndPoint endPoint : endPoints) {
                if (!(endPoint.getConnection() instanceof HttpConnection connection)) {
                    continue;
                }
                HttpParser parser = connection.getParser();
                if (parser.isStart() || !parser.inHeaderState()) {
                    continue;
                }
                long request = connection.getMessagesIn();
                long[] since = inHead.get(endPoint);
                if (since == null || since[0] != request) {
                    since = new long[] {request, now};
                }
                if (now - since[1] > limitMillis) {
                    endPoint.close();
                } else {
                    seen.put(endPoint, since);
                }
            }
            inHead.clear();
            inHead.putAll(seen);
        } catch (RuntimeException e) {
            // A connection closing under the sweep: the next sweep sees the rest.
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
