package com.audmg.drive.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.audmg.drive.platform.ApiException;

class CredentialsTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "Alice", "a.b_c-d", "0zero", "x23456789012345678901234567890ab"})
    void normalizeUsername_shouldAccept_validNames(String name) {
        assertEquals(name.toLowerCase(), Credentials.normalizeUsername(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", ".abc", "_abc", "-abc", "a b", "a/b", "ä-name", "x234567890123456789012345678901ab",
            "abc\n"})
    void normalizeUsername_shouldReject_invalidNames(String name) {
        ApiException e = assertThrows(ApiException.class, () -> Credentials.normalizeUsername(name));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("username"));
    }

    @Test
    void validateNewPassword_shouldEnforceLengthAndCommonList() {
        assertDoesNotThrow(() -> Credentials.validateNewPassword("a fine passphrase"));
        assertDoesNotThrow(() -> Credentials.validateNewPassword("correct horse battery staple ".repeat(5).substring(0, 128)));
        assertThrows(ApiException.class, () -> Credentials.validateNewPassword("x".repeat(128)));
        assertThrows(ApiException.class, () -> Credentials.validateNewPassword("seven77"));
        assertThrows(ApiException.class, () -> Credentials.validateNewPassword("x".repeat(129)));
        assertThrows(ApiException.class, () -> Credentials.validateNewPassword("Password123"));
        assertThrows(ApiException.class, () -> Credentials.validateNewPassword("QWERTYUIOP"));
    }

    @Test
    void passwordHasher_shouldVerifyLongPasswordsWithoutTruncation() {
        PasswordHasher hasher = new PasswordHasher(4);
        String longPassword = "p".repeat(100);
        String hash = hasher.hash(longPassword);

        assertTrue(hasher.verify(longPassword, hash));
        assertTrue(!hasher.verify("p".repeat(99) + "q", hash));
        assertTrue(!hasher.verify("p".repeat(72), hash));
    }
}
