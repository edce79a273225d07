package com.audmg.drive.local.lambda;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 {@code Authorization} header against one access key, as AWS services
 * other than S3 compute it (each path segment URI-encoded twice, the payload hashed).
 */
public final class SigV4Verifier {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** Why a request was refused: the AWS error type and message. */
    public record Refusal(String errorType, String message) {
    }

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final String service;

    public SigV4Verifier(String accessKeyId, String secretAccessKey, String region, String service) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
        this.service = service;
    }

    /**
     * Null when the request is signed with the key, else why not.
     *
     * @param headers request headers (any case) to their values
     * @param rawPath the path as sent (percent-encoded)
     * @param rawQuery the query as sent, or null
     */
    public Refusal verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                   Instant now) {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        String authorization = first(lower, "authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return new Refusal("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return new Refusal("IncompleteSignatureException", "Authorization header requires Credential,"
                    + " SignedHeaders and Signature");
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            return new Refusal("IncompleteSignatureException", "Credential is not <key>/<date>/<region>/<service>/aws4_request");
        }
        if (!scope[0].equals(accessKeyId)) {
            return new Refusal("UnrecognizedClientException", "The security token included in the request is invalid."
                    + " Use the local cloud's credentials (data folder, s3-credentials.properties)");
        }
        if (!scope[2].equals(region)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to a valid region: the local"
                    + " cloud's region is " + region + ", not " + scope[2]);
        }
        if (!scope[3].equals(service)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to correct service: '"
                    + service + "'");
        }
        String amzDate = first(lower, "x-amz-date");
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate == null ? "" : amzDate));
        } catch (DateTimeParseException e) {
            return new Refusal("IncompleteSignatureException", "X-Amz-Date is missing or malformed");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            return new Refusal("InvalidSignatureException", "Signature expired: " + amzDate
                    + " is more than 15 minutes from the local cloud's time " + AMZ_DATE.format(now));
        }
        if (!amzDate.startsWith(scope[1])) {
            return new Refusal("InvalidSignatureException", "Credential date does not match X-Amz-Date");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            List<String> values = lower.get(name);
            if (values == null) {
                return new Refusal("InvalidSignatureException", "Signed header " + name + " is missing");
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        String payloadHash = hex(sha256(body));
        String declaredHash = first(lower, "x-amz-content-sha256");
        if (declaredHash != null && !declaredHash.equalsIgnoreCase(payloadHash)) {
            // The signature covers the declared hash: a body that does not match it was not signed.
            return new Refusal("InvalidSignatureException", "x-amz-content-sha256 does not match the request body");
        }
        if (declaredHash != null) {
            payloadHash = declaredHash;
        }
        String canonicalRequest = method + "\n" + canonicalPath(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + String.join("/", scope[1], scope[2], scope[3],
                scope[4]) + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return new Refusal("InvalidSignatureException", "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return null;
    }

    /** Each segment of the path as sent, URI-encoded once more (the double encoding of non-S3 services). */
    static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(encode(segments[i]));
        }
        return b.toString();
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[] {encode(k), encode(v)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        pairs.forEach(p -> out.add(p[0] + "=" + p[1]));
        return String.join("&", out);
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
