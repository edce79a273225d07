package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void account_shouldHashLowerCasedUsername() {
        assertEquals(Keys.account("Alice"), Keys.account("alice"));
        assertTrue(Keys.account("alice").matches("users/[0-9a-f]{64}\\.json"));
        assertEquals("users/" + Keys.sha256("alice") + ".json", Keys.account("alice"));
        assertTrue(Keys.throttle("alice").matches("throttle/[0-9a-f]{64}\\.json"));
    }

    @Test
    void newId_shouldBeRandomLowerCaseBase32() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Keys.newId();
            assertTrue(Keys.isId(id), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size());
    }

    @Test
    void media_shouldOnlyAcceptServerIds() {
        String user = Keys.newId();
        String file = Keys.newId();

        assertEquals(user + "/" + file, Keys.media(user, file));
        assertEquals("index/" + user + ".json", Keys.index(user));
        assertThrows(IllegalArgumentException.class, () -> Keys.media(user, "../users/x"));
        assertThrows(IllegalArgumentException.class, () -> Keys.media("a/b", file));
        assertFalse(Keys.isId("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        assertFalse(Keys.isId(null));
    }
}
