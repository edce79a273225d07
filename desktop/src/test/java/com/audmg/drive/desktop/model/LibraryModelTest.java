package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library model without any JavaFX UI, against the real local cloud. */
class LibraryModelTest {

    @TempDir
    Path work;
    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    private static final AtomicInteger USERS = new AtomicInteger();
    private final ExecutorService io = Executors.newCachedThreadPool();
    /** Stands in for the FX thread: state changes happen on one thread, in order. */
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private DriveClient client;
    private LibraryModel library;
    private DriveFile sunset;
    private DriveFile sea;
    private DriveFile tone;

    @BeforeAll
    static void startCloud() {
        cloud = LocalCloudFixture.start(cloudData);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @BeforeEach
    void account() throws Exception {
        client = new DriveClient(cloud.baseUrl());
        String user = "lib" + USERS.incrementAndGet();
        com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(client, user, "correct-horse-battery");
        sunset = upload(TestMedia.png(work.resolve("Sunset.png"), 64, 48, Color.ORANGE, Color.MAGENTA), "image/png");
        sea = upload(TestMedia.png(work.resolve("sea.png"), 48, 64, Color.BLUE, Color.CYAN), "image/png");
        tone = upload(TestMedia.wav(work.resolve("tone.wav"), 1, 440), "audio/wav");
        library = new LibraryModel(() -> client, new Background(io, ui));
    }

    @AfterEach
    void stop() {
        io.shutdownNow();
        ui.shutdownNow();
    }

    private DriveFile upload(Path file, String type) throws ApiException {
        return client.upload(file, type, Progress.NONE, new Cancellation());
    }

    private <T> T onUi(java.util.concurrent.Callable<T> c) throws Exception {
        return ui.submit(c).get(10, TimeUnit.SECONDS);
    }

    private List<String> shownNames() throws Exception {
        return onUi(() -> library.shown().stream().map(DriveFile::name).toList());
    }

    @Test
    void refresh_shouldListNewestFirst_thenFilterSearchAndSortLocally() throws Exception {
        // WHEN the library is listed
        library.refresh().get(10, TimeUnit.SECONDS);
        // THEN every file shows, newest first, with the usage loaded afterwards
        assertEquals(List.of("tone.wav", "sea.png", "Sunset.png"), shownNames());
        assertEquals("3 files", onUi(() -> library.countTextProperty().get()));
        // WHEN filtered by kind, searched (any case) and sorted
        onUi(() -> {
            library.kindProperty().set("image");
            return null;
        });
        assertEquals(List.of("sea.png", "Sunset.png"), shownNames());
        assertEquals("2 of 3 files", onUi(() -> library.countTextProperty().get()));
        onUi(() -> {
            library.kindProperty().set(null);
            library.queryProperty().set("SUN");
            return null;
        });
        assertEquals(List.of("Sunset.png"), shownNames());
        onUi(() -> {
            library.queryProperty().set("");
            library.sortProperty().set(LibraryModel.Sort.NAME);
            return null;
        });
        assertEquals(List.of("sea.png", "Sunset.png", "tone.wav"), shownNames());
        // AND a column order wins over the toolbar's sort until it is cleared
        onUi(() -> {
            library.columnOrderProperty().set(LibraryModel.Sort.LARGEST.comparator());
            return null;
        });
        assertEquals("tone.wav", shownNames().get(0)); // 1 s of 22 kHz PCM outweighs two tiny PNGs
        onUi(() -> {
            library.columnOrderProperty().set(null);
            return null;
        });
        assertEquals(List.of("sea.png", "Sunset.png", "tone.wav"), shownNames());
    }

    @Test
    void trash_shouldRemoveFiles_andUndoShouldBringThemBack() throws Exception {
        library.refresh().get(10, TimeUnit.SECONDS);
        // WHEN two files are moved to the trash
        LibraryModel.Bulk trashed = library.trash(List.of(sunset, tone)).get(10, TimeUnit.SECONDS);
        // THEN they leave the list and the server lists them as trashed
        assertTrue(trashed.allDone(), trashed.failed().toString());
        assertEquals(List.of("sea.png"), shownNames());
        assertEquals(2, client.listTrashed().size());
        assertEquals(1, client.listAll(FileQuery.all()).size());
        // WHEN undone THEN both are back, in the list and on the server
        LibraryModel.Bulk restored = library.restore(trashed.done()).get(10, TimeUnit.SECONDS);
        assertTrue(restored.allDone(), restored.failed().toString());
        assertEquals(List.of("tone.wav", "sea.png", "Sunset.png"), shownNames());
        assertEquals(3, client.listAll(FileQuery.all()).size());
        assertEquals(0, client.listTrashed().size());
    }

    @Test
    void trashView_shouldListTrashedFiles_restoreAndDeleteForever() throws Exception {
        library.refresh().get(10, TimeUnit.SECONDS);
        library.trash(List.of(sunset, sea)).get(10, TimeUnit.SECONDS);
        // WHEN the trash is shown
        library.show(LibraryModel.View.TRASH).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("sea.png", "Sunset.png"), onUi(() -> library.shown().stream().map(DriveFile::name)
                .sorted(String.CASE_INSENSITIVE_ORDER).toList()));
        assertTrue(onUi(() -> library.shown().stream().allMatch(DriveFile::isTrashed)));
        assertEquals("2 files in the trash", onUi(() -> library.countTextProperty().get()));
        // WHEN one is restored and the other deleted for good
        DriveFile trashedSea = onUi(() -> library.shown().stream().filter(f -> f.name().equals("sea.png"))
                .findFirst().orElseThrow());
        DriveFile trashedSunset = onUi(() -> library.shown().stream().filter(f -> f.name().equals("Sunset.png"))
                .findFirst().orElseThrow());
        assertTrue(library.restore(List.of(trashedSea)).get(10, TimeUnit.SECONDS).allDone());
        assertTrue(library.deleteForever(List.of(trashedSunset)).get(10, TimeUnit.SECONDS).allDone());
        // THEN the trash is empty, and the drive holds the restored one but not the deleted one
        assertEquals(List.of(), shownNames());
        assertEquals(0, client.listTrashed().size());
        library.show(LibraryModel.View.FILES).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("tone.wav", "sea.png"), shownNames());
        ApiException gone = assertInstanceOf(ApiException.class,
                Background.unwrap(assertThrowsCompletion(() -> client.getFile(sunset.id()))));
        assertEquals(404, gone.status());
    }

    @Test
    void rename_shouldReplaceTheFileInPlace_andTheServerKeepsTheName() throws Exception {
        library.refresh().get(10, TimeUnit.SECONDS);
        DriveFile renamed = library.rename(sea, "  ocean.png ").get(10, TimeUnit.SECONDS);
        assertEquals("ocean.png", renamed.name());
        assertEquals(sea.id(), renamed.id());
        assertEquals(List.of("tone.wav", "ocean.png", "Sunset.png"), shownNames());
        assertEquals("ocean.png", client.getFile(sea.id()).file().name());
        // an unchanged or empty name sends nothing
        assertEquals(renamed, library.rename(renamed, "ocean.png").get(10, TimeUnit.SECONDS));
        // a name the server refuses is a failure with its message, and the list is unchanged
        Throwable refused = Background.unwrap(assertThrowsCompletion(
                () -> library.rename(renamed, "x".repeat(2000)).join()));
        assertInstanceOf(ApiException.class, refused);
        assertEquals(400, ((ApiException) refused).status());
        assertEquals(List.of("tone.wav", "ocean.png", "Sunset.png"), shownNames());
    }

    private static Throwable assertThrowsCompletion(ThrowingRunnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
