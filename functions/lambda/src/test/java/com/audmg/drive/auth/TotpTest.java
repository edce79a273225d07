package com.audmg.drive.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** TOTP against RFC 6238's SHA-1 test vectors (Appendix B, last six digits) and RFC 4648's base32 vectors. */
class TotpTest {

    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private final Totp totp = new Totp();

    @Test
    void code_shouldMatchRfc6238Vectors() {
        assertEquals("287082", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(59))));
        assertEquals("081804", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111109))));
        assertEquals("050471", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111111))));
        assertEquals("005924", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1234567890))));
        assertEquals("279037", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(2000000000))));
        assertEquals("353130", totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(20000000000L))));
    }

    @Test
    void matchingStep_shouldAcceptOneStepEitherSide_only() {
        Instant now = Instant.ofEpochSecond(1111111109);
        long step = Totp.step(now);
        for (long offset = -1; offset <= 1; offset++) {
            assertEquals(OptionalLong.of(step + offset), totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step + offset), now));
        }
        assertTrue(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step + 2), now).isEmpty());
        assertTrue(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step - 2), now).isEmpty());
        assertTrue(totp.matchingStep(RFC_SECRET, "12345", now).isEmpty());
        assertTrue(totp.matchingStep(RFC_SECRET, "１２３４５６", now).isEmpty(), "only ASCII digits");
    }

    @Test
    void base32_shouldMatchRfc4648Vectors() {
        assertEquals("MZXW6YQ", Totp.base32("foob".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MZXW6YTBOI", Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.base32(RFC_SECRET));
    }
}
