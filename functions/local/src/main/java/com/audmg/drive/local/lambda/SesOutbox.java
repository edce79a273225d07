package com.audmg.drive.local.lambda;

import com.audmg.drive.local.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stand-in for Amazon SES API v2 {@code SendEmail} ({@code POST /v2/email/outbound-emails}):
 * every accepted message becomes one RFC 5322 file in {@code <data-dir>/outbox/} (owner-only, named so
 * that they sort by time) and one line in the sending function's log. As IAM would allow a function
 * to send only as the identity its policy names, a function may send only from an address that is a
 * value of its environment in serverless.yml ({@code MAIL_FROM}); anything else is refused as SES
 * refuses it without permission. "Simple" messages (subject, text and/or HTML body) and "Raw" ones
 * (written as given) are accepted; templates are not emulated.
 */
final class SesOutbox {
    static final String PATH = "v2/email/outbound-emails";
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final AtomicLong sequence = new AtomicLong();

    SesOutbox(Path dir) {
        this.dir = dir;
    }

    void handle(HttpExchange exchange, FunctionWorker worker, String rest) throws IOException {
        if (!rest.equals(PATH) || !exchange.getRequestMethod().equals("POST")) {
            error(exchange, 404, "NotFoundException", exchange.getRequestMethod() + " /" + rest
                    + " is not emulated locally (only SendEmail)");
            return;
        }
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
        JsonNode request;
        try {
            request = body.length > MAX_REQUEST_BYTES ? null : JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            error(exchange, 400, "BadRequestException", "the request body must be a SendEmail JSON document");
            return;
        }
        String from = request.path("FromEmailAddress").asText("");
        List<String> to = addresses(request.path("Destination").path("ToAddresses"));
        List<String> cc = addresses(request.path("Destination").path("CcAddresses"));
        JsonNode content = request.path("Content");
        if (from.isEmpty() || to.isEmpty() && cc.isEmpty() || !content.isObject()) {
            error(exchange, 400, "BadRequestException", "FromEmailAddress, a destination and Content are required");
            return;
        }
        List<String> headerValues = new ArrayList<>(to);
        headerValues.addAll(cc);
        headerValues.add(from);
        headerValues.add(content.path("Simple").path("Subject").path("Data").asText(""));
        if (headerValues.stream().anyMatch(v -> v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)) {
            error(exchange, 400, "BadRequestException", "addresses and subject may not contain line breaks");
            return;
        }
        if (!worker.function().environment().containsValue(from)) {
            worker.log().line("SES SendEmail refused: " + from + " is not named by the function's environment");
            error(exchange, 403, "AccessDeniedException", "User: " + worker.function().deployedName()
                    + " is not authorized to perform: ses:SendEmail as " + from
                    + " (locally, a function may send from the addresses its environment names)");
            return;
        }
        Instant now = Instant.now();
        String messageId = now.toEpochMilli() + "-" + UUID.randomUUID();
        byte[] message;
        if (content.path("Raw").path("Data").isTextual()) {
            try {
                message = Base64.getDecoder().decode(content.path("Raw").path("Data").asText());
            } catch (IllegalArgumentException e) {
                error(exchange, 400, "BadRequestException", "Content.Raw.Data is not base64");
                return;
            }
        } else if (content.path("Simple").isObject()) {
            message = simple(from, to, cc, content.path("Simple"), messageId, now, worker.function().deployedName());
        } else {
            error(exchange, 400, "BadRequestException", "Content.Simple or Content.Raw is required"
                    + " (templates are not emulated locally)");
            return;
        }
        String name = NAME_TIME.format(now) + "-" + String.format("%06d", sequence.incrementAndGet() % 1_000_000)
                + ".eml";
        PrivateFiles.write(dir.resolve(name), message);
        worker.log().line("SES SendEmail: message " + messageId + " from " + from + " to " + String.join(", ", to)
                + " written to outbox/" + name);
        ObjectNode response = JSON.createObjectNode();
        response.put("MessageId", messageId);
        LambdaRuntime.send(exchange, 200, JSON.writeValueAsBytes(response), Map.of("Content-Type", "application/json"));
    }

    /** An RFC 5322 message of a "Simple" content: headers, then the text (or HTML) body, CRLF line ends. */
    private static byte[] simple(String from, List<String> to, List<String> cc, JsonNode simple, String messageId,
                                 Instant now, String function) {
        String subject = simple.path("Subject").path("Data").asText("");
        JsonNode text = simple.path("Body").path("Text");
        JsonNode html = simple.path("Body").path("Html");
        boolean isText = text.path("Data").isTextual() || !html.path("Data").isTextual();
        String bodyText = isText ? text.path("Data").asText("") : html.path("Data").asText("");
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        if (!to.isEmpty()) {
            m.append("To: ").append(String.join(", ", to)).append("\r\n");
        }
        if (!cc.isEmpty()) {
            m.append("Cc: ").append(String.join(", ", cc)).append("\r\n");
        }
        m.append("Subject: ").append(encodeHeader(subject)).append("\r\n");
        m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)))
                .append("\r\n");
        m.append("Message-ID: <").append(messageId).append("@outbox.audmg.local>\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/").append(isText ? "plain" : "html").append("; charset=UTF-8\r\n");
        String crlf = bodyText.replaceAll("\r?\n", "\r\n");
        // Plain ASCII in short lines stays readable as it is (a person can read the code with cat); anything
        // else goes base64 in lines of 76, so any UTF-8 text fits and no body line is too long.
        boolean plain = crlf.chars().allMatch(c -> c == '\r' || c == '\n' || c == '\t' || c >= 0x20 && c < 0x7f)
                && java.util.Arrays.stream(crlf.split("\r\n")).allMatch(line -> line.length() <= 998);
        m.append("Content-Transfer-Encoding: ").append(plain ? "7bit" : "base64").append("\r\n");
        m.append("X-Audmg-Function: ").append(function).append("\r\n");
        m.append("\r\n");
        if (plain) {
            m.append(crlf);
            if (!crlf.endsWith("\r\n")) {
                m.append("\r\n");
            }
        } else {
            m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(crlf.getBytes(StandardCharsets.UTF_8)));
            m.append("\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 2047 encoded-word for a subject that is not plain ASCII. */
    private static String encodeHeader(String value) {
        if (value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return value;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static List<String> addresses(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(a -> {
            if (a.isTextual() && !a.asText().isBlank()) {
                out.add(a.asText());
            }
        });
        return out;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        LambdaRuntime.send(exchange, status, JSON.writeValueAsBytes(body),
                Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type));
    }
}
