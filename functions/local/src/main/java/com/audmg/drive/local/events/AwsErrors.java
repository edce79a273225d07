package com.audmg.drive.local.events;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Error answers in the shapes AWS SDKs parse: AWS JSON protocol and Query (XML) protocol. */
final class AwsErrors {
    private AwsErrors() {
    }

    static void json(HttpExchange exchange, int status, String type, String message) throws IOException {
        String body = "{\"__type\":\"" + type + "\",\"message\":" + TextNode.valueOf(message) + "}";
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        send(exchange, status, body);
    }

    static void xml(HttpExchange exchange, int status, String code, String message) throws IOException {
        String body = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>"
                + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + escape(code) + "</Code><Message>"
                + escape(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        send(exchange, status, body);
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
