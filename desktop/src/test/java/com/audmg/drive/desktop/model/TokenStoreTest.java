package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the refresh token is kept when there is no OS keyring (as here: no Secret Service, no D-Bus session). */
class TokenStoreTest {

    @TempDir
    Path dir;

    @Test
    void withoutAKeyring_shouldFallBackToAPrivateFile() throws Exception {
        String bus = System.getenv("DBUS_SESSION_BUS_ADDRESS");
        assumeTrue(bus == null || bus.isBlank(), "a D-Bus session is present: the keyring may answer");
        long start = System.nanoTime();
        TokenStore store = TokenStore.open(dir.resolve("data"));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "probing the keyring does not hang");
        TokenStore.FileTokenStore file = assertInstanceOf(TokenStore.FileTokenStore.class, store);
        file.save("local", "refresh-1");
        assertEquals(Optional.of("refresh-1"), file.load("local"));
        assertEquals(Optional.empty(), file.load("https://api.example.com/prod"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())));
        file.save("local", "refresh-2");
        assertEquals(Optional.of("refresh-2"), file.load("local"));
        file.clear("https://api.example.com/prod");
        assertTrue(Files.exists(file.file()), "another connection's clear leaves this one");
        file.clear("local");
        assertFalse(Files.exists(file.file()));
    }
}
