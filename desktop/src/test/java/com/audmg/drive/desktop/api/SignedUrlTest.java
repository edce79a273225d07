package com.audmg.drive.desktop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignedUrlTest {

    private static final String URL = "http://127.0.0.1:4566/media/u/f?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Date=20261128T100000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900"
            + "&X-Amz-Credential=AKIA%2F20261128%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=abc";

    @Test
    void expiresAt_shouldBeTheSigningTimePlusExpires() {
        assertEquals(Optional.of(Instant.parse("2026-11-28T10:15:00Z")), SignedUrl.expiresAt(URL));
    }

    @Test
    void isExpired_shouldKeepAMargin_andTrustUrlsItCannotRead() {
        assertFalse(SignedUrl.isExpired(URL, Instant.parse("2026-11-28T10:14:00Z")));
        assertTrue(SignedUrl.isExpired(URL, Instant.parse("2026-11-28T10:14:45Z")));
        assertTrue(SignedUrl.isExpired(URL, Instant.parse("2026-11-29T00:00:00Z")));
        assertFalse(SignedUrl.isExpired("https://cdn.example/thumb.jpg", Instant.parse("2030-01-01T00:00:00Z")));
        assertFalse(SignedUrl.isExpired("not a url at all %%", Instant.now()));
        assertFalse(SignedUrl.isExpired(null, Instant.now()));
    }
}
