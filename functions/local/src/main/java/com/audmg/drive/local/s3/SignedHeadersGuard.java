package com.audmg.drive.local.s3;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * Puts S3's rules for unsigned headers in front of s3proxy, which accepts them:
 * <ul>
 *   <li>A SigV4 request (presigned URL or {@code Authorization} header) carrying an {@code x-amz-*} header that
 *   its signature does not cover is refused with 403 {@code AccessDenied} "There were headers present in the
 *   request which were not signed", as S3 refuses it.</li>
 *   <li>On a presigned request, the headers that S3 would store and serve back on every download
 *   ({@code Content-Disposition}, {@code Cache-Control}, {@code Content-Encoding}, {@code Content-Language},
 *   {@code Expires}) are dropped unless signed: whoever holds a presigned PUT URL cannot choose response
 *   headers for the object's readers that the signer did not choose. (S3 itself would store them; the
 *   local cloud is stricter here on purpose.)</li>
 * </ul>
 * s3proxy computes signatures from the original request and reads everything else from the request passed
 * on, so dropped headers are invisible to it without breaking the signature.
 */
final class SignedHeadersGuard extends HandlerWrapper {
    /** Stored with the object and served back on GET/HEAD. */
    static final Set<String> STORED_RESPONSE_HEADERS = Set.of("content-disposition", "cache-control",
            "content-encoding", "content-language", "expires");

    /** Wraps the handler of an s3proxy that is built but not started. */
    static void install(S3Proxy proxy) {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            Server server = (Server) field.get(proxy);
            SignedHeadersGuard guard = new SignedHeadersGuard();
            guard.setHandler(server.getHandler());
            server.setHandler(guard);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot guard s3proxy's request handler (s3proxy version changed?)", e);
        }
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Set<String> signed = signedHeaders(request);
        if (signed == null) {
            super.handle(target, baseRequest, request, response);
            return;
        }
        Set<String> unsigned = new TreeSet<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !signed.contains(lower)) {
                unsigned.add(lower);
            }
        }
        if (!unsigned.isEmpty()) {
            refuse(baseRequest, response, String.join(", ", unsigned));
            return;
        }
        boolean presigned = queryParameter(request, "X-Amz-Signature") != null;
        if (presigned) {
            Set<String> hidden = new TreeSet<>();
            for (String name : Collections.list(request.getHeaderNames())) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (STORED_RESPONSE_HEADERS.contains(lower) && !signed.contains(lower)) {
                    hidden.add(lower);
                }
            }
            if (!hidden.isEmpty()) {
                request = new WithoutHeaders(request, hidden);
            }
        }
        super.handle(target, baseRequest, request, response);
    }

    /** The lower-case names a SigV4 signature covers, or null when the request is not SigV4-signed. */
    static Set<String> signedHeaders(HttpServletRequest request) {
        String list = null;
        if ("AWS4-HMAC-SHA256".equals(queryParameter(request, "X-Amz-Algorithm"))) {
            list = queryParameter(request, "X-Amz-SignedHeaders");
        } else {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")) {
                int at = authorization.indexOf("SignedHeaders=");
                if (at >= 0) {
                    int end = authorization.indexOf(',', at);
                    list = authorization.substring(at + "SignedHeaders=".length(),
                            end < 0 ? authorization.length() : end);
                }
            }
        }
        if (list == null) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        for (String name : list.split(";")) {
            names.add(name.trim().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /**
     * A query parameter, read from the query string only: {@code getParameter} would also read a form-encoded
     * body, which is the object being uploaded.
     */
    static String queryParameter(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void refuse(Request baseRequest, HttpServletResponse response, String headers) throws IOException {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                + "<Message>There were headers present in the request which were not signed</Message>"
                + "<HeadersNotSigned>" + escape(headers) + "</HeadersNotSigned>"
                + "<RequestId>" + requestId + "</RequestId><HostId>local</HostId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(403);
        response.setContentType("application/xml");
        response.setHeader("x-amz-request-id", requestId);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        baseRequest.setHandled(true);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The request without some headers (by lower-case name). */
    private static final class WithoutHeaders extends HttpServletRequestWrapper {
        private final Set<String> hidden;

        WithoutHeaders(HttpServletRequest request, Set<String> hidden) {
            super(request);
            this.hidden = hidden;
        }

        private boolean isHidden(String name) {
            return name != null && hidden.contains(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String getHeader(String name) {
            return isHidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isHidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (!isHidden(name)) {
                    names.add(name);
                }
            }
            return Collections.enumeration(names);
        }

        @Override
        public long getDateHeader(String name) {
            return isHidden(name) ? -1 : super.getDateHeader(name);
        }
    }
}
