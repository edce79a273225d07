package com.audmg.drive.desktop.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FeedPage.Change;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade of a cache the previous release wrote ({@code library/release-v1.db}: schema 1, rows as JSON, made by
 * that release's own {@code LibraryStore.apply} with 12 files: images with and without EXIF dates, FLAC with tags and
 * URLs, one without media, one trashed) to this release's columns.
 */
class LibraryUpgradeTest {

    private static final String SERVER = "built-in local cloud";
    private static final String USER = "01jreleaseuser0000000000";

    @TempDir
    Path dir;

    private Path releaseDatabase() throws Exception {
        Path file = LibraryStore.fileFor(dir, SERVER, USER);
        Files.createDirectories(dir);
        try (InputStream in = getClass().getResourceAsStream("/library/release-v1.db")) {
            Files.copy(in, file);
        }
        return file;
    }

    /** The files as the previous release stored them: its JSON, decoded. */
    private static Map<String, DriveFile> storedAsJson(Path file) throws Exception {
        Map<String, DriveFile> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT json FROM files")) {
            while (r.next()) {
                DriveFile f = LibraryStore.fromJson(r.getString(1));
                out.put(f.id(), f);
            }
        }
        return out;
    }

    @Test
    void open_ofThePreviousReleasesCache_shouldKeepEveryFileAndTheCursor() throws Exception {
        Path file = releaseDatabase();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(1, LibraryStore.userVersion(c), "the fixture is the previous release's schema");
        }
        Map<String, DriveFile> before = storedAsJson(file);
        assertEquals(12, before.size());

        try (LibraryStore store = LibraryStore.open(dir, SERVER, USER)) {
            // THEN every file reads back exactly as it was, the cursor stays (no resync), the views are right
            assertEquals(12, store.size());
            for (DriveFile f : before.values()) {
                assertEquals(f, store.get(f.id()).orElseThrow().file());
                assertEquals(Instant.parse("2026-11-28T12:00:00Z"), store.get(f.id()).orElseThrow().receivedAt());
            }
            assertEquals(Optional.of("release-cursor-42"), store.cursor());
            assertEquals(List.of("01jreleasefile000000000007"),
                    store.load(Set.of("trashed")).stream().map(r -> r.file().id()).toList());
            DriveFile song = store.get("01jreleasefile000000000004").orElseThrow().file();
            assertEquals("Track 4", song.media().title());
            assertEquals("http://127.0.0.1:1/play/01jreleasefile000000000004", song.media().playableUrl());
            assertNull(store.get("01jreleasefile000000000005").orElseThrow().file().media());
            // AND the timeline order (date taken, else uploaded) holds over the new columns
            List<DriveFile> ready = store.load(Set.of("ready")).stream().map(CachedFile::file).toList();
            for (int i = 1; i < ready.size(); i++) {
                Instant a = takenOrUploaded(ready.get(i - 1));
                Instant b = takenOrUploaded(ready.get(i));
                assertTrue(!a.isBefore(b), ready.get(i - 1).id() + " before " + ready.get(i).id());
            }
            // AND the next feed page applies on top
            store.apply(List.of(Change.upsert(song.withName("renamed.flac"))), "release-cursor-43",
                    Instant.parse("2026-11-28T13:00:00Z"));
            assertEquals("renamed.flac", store.get(song.id()).orElseThrow().file().name());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(LibraryStore.SCHEMA_VERSION, LibraryStore.userVersion(c));
        }
    }

    @Test
    void open_ofAPreviousReleasesCacheItCannotRead_shouldStartAfreshInsteadOfFailing() throws Exception {
        Path file = releaseDatabase();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("UPDATE files SET json = '{not json' WHERE id = '01jreleasefile000000000003'");
        }
        try (LibraryStore store = LibraryStore.open(dir, SERVER, USER)) {
            // an empty cache without a cursor: the next sign-in syncs the whole library again
            assertEquals(0, store.size());
            assertEquals(Optional.empty(), store.cursor());
            store.apply(List.of(Change.upsert(LibraryStoreTest.file("a", "a.jpg", "ready",
                    Instant.parse("2026-11-28T10:00:00Z"), null))), "c1", Instant.parse("2026-11-28T10:00:00Z"));
            assertEquals(1, store.size());
        }
    }

    private static Instant takenOrUploaded(DriveFile f) {
        return f.media() != null && f.media().takenAt() != null ? f.media().takenAt() : f.createdAt();
    }
}
