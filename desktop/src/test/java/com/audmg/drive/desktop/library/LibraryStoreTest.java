package com.audmg.drive.desktop.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FeedPage.Change;
import com.audmg.drive.desktop.api.MediaInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite cache on its own: schema, file modes, round trips, and that a failed write keeps cursor and rows. */
class LibraryStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path dir;

    static DriveFile file(String id, String name, String status, Instant created, Instant taken) {
        MediaInfo media = taken == null ? null : new MediaInfo(640, 480, taken, "Canon EOS", 1, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
        return new DriveFile(id, name, "image/jpeg", "image", 1234, created, status, created, null, 2, "done",
                "https://s3.example/thumb?X-Amz-Date=20261128T100000Z&X-Amz-Expires=900", media);
    }

    @Test
    void open_shouldCreateTheSchema_privateFiles_andRoundTripEveryField() throws Exception {
        Path libraryDir = dir.resolve("library");
        DriveFile photo = file("01jbaaaaaaaaaaaaaaaaaaaaaa", "Beach.jpg", "ready", T0, T0.minusSeconds(86_400 * 40));
        // Every field set, times with microseconds (the server's clock), an EXIF date before 1970
        Instant micros = Instant.parse("2026-11-28T10:00:00.123456Z");
        DriveFile song = new DriveFile("01jbbbbbbbbbbbbbbbbbbbbbbb", "Song.flac", "audio/flac", "audio", 9_876_543,
                micros, "trashed", micros.plusSeconds(1), micros.plusSeconds(2), 7, "done", "https://t/x",
                new MediaInfo(1, 2, Instant.parse("1969-07-20T20:17:40.000001Z"), "cam", 6, 183_000L, "Title",
                        "Artist", "Album", 3, 1999, "flac", 96_000, 2, 2_304_000, "https://c/x", "https://w/x",
                        "https://p/x"));
        try (LibraryStore store = LibraryStore.open(libraryDir, "http://127.0.0.1:1/dev", "user1")) {
            assertEquals(Optional.empty(), store.cursor());
            store.apply(List.of(Change.upsert(photo), Change.upsert(song)), "c1", T0);
            assertEquals(song, store.get(song.id()).orElseThrow().file());
            // THEN the folder is 0700, the database (and its WAL) 0600
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(libraryDir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
            Path wal = store.file().resolveSibling(store.file().getFileName() + "-wal");
            assertTrue(Files.exists(wal), "WAL mode");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)));
            // AND the file comes back exactly, with the time it was received
            CachedFile back = store.get(photo.id()).orElseThrow();
            assertEquals(photo, back.file());
            assertEquals(T0, back.receivedAt());
            assertEquals(Optional.of("c1"), store.cursor());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:"
                + LibraryStore.fileFor(libraryDir, "http://127.0.0.1:1/dev", "user1"))) {
            assertEquals(LibraryStore.SCHEMA_VERSION, LibraryStore.userVersion(c));
        }
    }

    @Test
    void fileFor_shouldSeparateAccountsAndServers_andRefuseAPathAsUserId() {
        Path a = LibraryStore.fileFor(dir, "https://a.example/dev", "u1");
        assertNotEquals(a, LibraryStore.fileFor(dir, "https://b.example/dev", "u1"));
        assertNotEquals(a, LibraryStore.fileFor(dir, "https://a.example/dev", "u2"));
        assertThrows(IllegalArgumentException.class, () -> LibraryStore.fileFor(dir, "x", "../../etc"));
    }

    @Test
    void apply_whenAChangeFailsMidPage_shouldKeepTheOldCursorAndRows() throws Exception {
        try (LibraryStore store = LibraryStore.open(dir, "s", "u")) {
            DriveFile a = file("a", "a.jpg", "ready", T0, null);
            store.apply(List.of(Change.upsert(a)), "cursor-1", T0);
            // WHEN a page fails half-way (its second upsert breaks a NOT NULL constraint: as a crash would)
            DriveFile renamed = a.withName("renamed.jpg");
            DriveFile broken = new DriveFile("b", null, "image/png", "image", 1, T0, "ready");
            assertThrows(LibraryStoreException.class, () -> store.apply(
                    List.of(Change.upsert(renamed), Change.upsert(broken), Change.remove("a")), "cursor-2", T0));
            // THEN nothing of that page was kept: the old cursor and the old row
            assertEquals(Optional.of("cursor-1"), store.cursor());
            assertEquals("a.jpg", store.get("a").orElseThrow().file().name());
            assertEquals(1, store.size());
            // AND the same page applied again works (nothing half-applied to trip over)
            store.apply(List.of(Change.upsert(renamed), Change.remove("zzz")), "cursor-2", T0);
            assertEquals("renamed.jpg", store.get("a").orElseThrow().file().name());
            assertEquals(Optional.of("cursor-2"), store.cursor());
        }
    }

    @Test
    void staging_shouldReplaceTheLibraryOnlyWhenCommitted_andAnUncommittedOneIsDroppedOnReopen() throws Exception {
        Path file = LibraryStore.fileFor(dir, "s", "u");
        try (LibraryStore store = LibraryStore.open(file)) {
            store.apply(List.of(Change.upsert(file("old", "old.jpg", "ready", T0, null))), "old-cursor", T0);
            // WHEN a resync stages pages and the app stops before the swap (no commit)
            store.clearStaging();
            store.stage(List.of(Change.upsert(file("new", "new.jpg", "ready", T0, null))), "snap-1", T0);
        }
        try (LibraryStore store = LibraryStore.open(file)) {
            // THEN the library and cursor are the old ones, and the staged rows are gone
            assertEquals(Optional.of("old-cursor"), store.cursor());
            assertEquals(List.of("old"), store.load(Set.of("ready")).stream().map(c -> c.file().id()).toList());
            assertEquals(Optional.empty(), store.stagedCursor());
            // WHEN a resync stages two pages (the second removes a file of the first) and commits
            store.stage(List.of(Change.upsert(file("n1", "n1.jpg", "ready", T0, null)),
                    Change.upsert(file("n2", "n2.jpg", "trashed", T0, null))), "snap-1", T0);
            store.stage(List.of(Change.remove("n1"), Change.upsert(file("n3", "n3.jpg", "ready", T0, null))),
                    "feed-9", T0);
            store.commitStaged(T0.plusSeconds(5));
            // THEN the library is exactly the staged one, with its cursor
            assertEquals(Optional.of("feed-9"), store.cursor());
            assertEquals(List.of("n3"), store.load(Set.of("ready")).stream().map(c -> c.file().id()).toList());
            assertEquals(List.of("n2"), store.load(Set.of("trashed")).stream().map(c -> c.file().id()).toList());
            assertEquals(Optional.of(T0.plusSeconds(5)), store.syncedAt());
        }
    }

    @Test
    void load_shouldOrderByDateTakenElseUploaded_newestFirst() throws Exception {
        try (LibraryStore store = LibraryStore.open(dir, "s", "u")) {
            store.apply(List.of(
                    Change.upsert(file("up-new", "uploaded recently, no EXIF", "ready", T0, null)),
                    Change.upsert(file("old-photo", "taken 2019, uploaded now", "ready", T0.plusSeconds(60),
                            Instant.parse("2019-06-01T12:00:00Z"))),
                    Change.upsert(file("up-old", "uploaded a year ago", "ready", T0.minusSeconds(365L * 86_400),
                            null))), "c", T0);
            assertEquals(List.of("up-new", "up-old", "old-photo"),
                    store.load(Set.of("ready")).stream().map(c -> c.file().id()).toList());
        }
    }

    @Test
    void migrate_shouldRebuildADatabaseFromANewerRelease() throws Exception {
        Path file = LibraryStore.fileFor(dir, "s", "u");
        try (LibraryStore store = LibraryStore.open(file)) {
            store.apply(List.of(Change.upsert(file("a", "a.jpg", "ready", T0, null))), "c", T0);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version=" + (LibraryStore.SCHEMA_VERSION + 1));
        }
        try (LibraryStore store = LibraryStore.open(file)) {
            // a cache this release cannot read is emptied: the next sync starts from scratch
            assertEquals(0, store.size());
            assertEquals(Optional.empty(), store.cursor());
        }
    }
}
