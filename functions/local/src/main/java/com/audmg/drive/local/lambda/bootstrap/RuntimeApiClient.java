package com.audmg.drive.local.lambda.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The worker's side of the Runtime API: blocking HTTP/1.1 on the calling thread over kept-alive
 * connections, as the Lambda Java runtime's native client does. java.net.http was used before; its
 * selector thread and executor added two thread hand-offs to every poll and every response post.
 */
final class RuntimeApiClient {
    /** What {@code GET invocation/next} returned. */
    record Next(int status, byte[] event, String requestId, String deadlineMs, String functionArn) {
    }

    private final String base;
    private final String token;

    /**
     * @param base {@code http://host:port/2018-06-01/runtime}
     * @param token this worker's secret, sent on every request in {@link WorkerMain#RUNTIME_TOKEN_HEADER}
     */
    RuntimeApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Long poll for the next invocation. */
    Next next() throws IOException {
        HttpURLConnection c = open("/invocation/next");
        int status = c.getResponseCode();
        byte[] event = readAndClose(c, status);
        return new Next(status, event, c.getHeaderField("Lambda-Runtime-Aws-Request-Id"),
                c.getHeaderField("Lambda-Runtime-Deadline-Ms"), c.getHeaderField("Lambda-Runtime-Invoked-Function-Arn"));
    }

    /** POSTs {@code body} to {@code path} (relative to the runtime base) and waits for the answer. */
    void post(String path, byte[] body) throws IOException {
        HttpURLConnection c = open(path);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        readAndClose(c, c.getResponseCode());
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
        c.setUseCaches(false);
        c.setRequestProperty(WorkerMain.RUNTIME_TOKEN_HEADER, token);
        return c;
    }

    /** Reads the whole body so that the connection goes back to the keep-alive cache. */
    private static byte[] readAndClose(HttpURLConnection c, int status) throws IOException {
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return in == null ? new byte[0] : in.readAllBytes();
        }
    }
}
