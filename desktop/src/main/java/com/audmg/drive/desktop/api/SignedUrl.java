package com.audmg.drive.desktop.api;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * When a SigV4 presigned URL (the API's {@code thumbnailUrl}, {@code coverUrl}, ...) stops working: its
 * {@code X-Amz-Date} plus {@code X-Amz-Expires}. A cached file's URLs are usually expired: ask for fresh ones instead
 * of sending a request bound to fail.
 */
public final class SignedUrl {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private SignedUrl() {
    }

    /** The expiry, when the URL carries one. */
    public static Optional<Instant> expiresAt(String url) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            String query = URI.create(url).getRawQuery();
            if (query == null) {
                return Optional.empty();
            }
            String date = null;
            Long seconds = null;
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = part.substring(0, eq);
                String value = part.substring(eq + 1);
                if (name.equalsIgnoreCase("X-Amz-Date")) {
                    date = value;
                } else if (name.equalsIgnoreCase("X-Amz-Expires")) {
                    seconds = Long.parseLong(value);
                }
            }
            if (date == null || seconds == null) {
                return Optional.empty();
            }
            return Optional.of(LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC).plusSeconds(seconds));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True when the URL says it has expired by {@code now} (with a margin for clock skew and the request). */
    public static boolean isExpired(String url, Instant now) {
        return expiresAt(url).map(t -> !now.plusSeconds(30).isBefore(t)).orElse(false);
    }
}
