package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FeedPage;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.library.LibraryCache;
import com.audmg.drive.desktop.library.LibraryStore;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline library (cache + change feed) through the model, without JavaFX UI, against the real local cloud. */
class OfflineLibraryTest {

    private static final String SERVER = "test-cloud";
    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    Path work;
    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    private static final AtomicInteger USERS = new AtomicInteger();
    private final ExecutorService io = Executors.newCachedThreadPool();
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private final AtomicReference<DriveClient> current = new AtomicReference<>();
    private String user;
    private DriveClient client;
    private LibraryCache cache;
    private LibraryModel library;
    private DriveFile sunset;
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
        user = "off" + USERS.incrementAndGet();
        client = new DriveClient(cloud.baseUrl());
        com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(client, user, PASSWORD);
        sunset = upload(client, TestMedia.png(work.resolve("Sunset.png"), 64, 48, Color.ORANGE, Color.MAGENTA),
                "image/png");
        tone = upload(client, TestMedia.wav(work.resolve("tone.wav"), 1, 440), "audio/wav");
        current.set(client);
        cache = new LibraryCache(work.resolve("library"), SERVER);
        library = new LibraryModel(current::get, new Background(io, ui), cache);
    }

    @AfterEach
    void stop() throws InterruptedException {
        library.stopAutoSync();
        // The background work ends before the cache closes and the temporary folder goes: a sync still writing
        // the database (-wal, -shm) while JUnit deleted the folder failed the clean-up once.
        io.shutdownNow();
        ui.shutdownNow();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS), "background work still running");
        assertTrue(ui.awaitTermination(30, TimeUnit.SECONDS), "UI work still running");
        cache.close();
    }

    private static DriveFile upload(DriveClient c, Path file, String type) throws ApiException {
        return c.upload(file, type, Progress.NONE, new Cancellation());
    }

    private <T> T onUi(Callable<T> c) throws Exception {
        return ui.submit(c).get(10, TimeUnit.SECONDS);
    }

    private <T> T await(Callable<java.util.concurrent.CompletableFuture<T>> command) throws Exception {
        return onUi(command).get(30, TimeUnit.SECONDS);
    }

    private List<String> shownNames() throws Exception {
        return onUi(() -> library.shown().stream().map(DriveFile::name).sorted().toList());
    }

    private DriveClient secondClient() throws ApiException {
        DriveClient other = new DriveClient(cloud.baseUrl());
        other.login(user, PASSWORD);
        return other;
    }

    @Test
    void signIn_shouldSyncTheWholeLibraryIntoTheCache_andRememberTheAccount() throws Exception {
        // WHEN the signed-in model refreshes for the first time
        await(library::refresh);
        // THEN it shows the files, and the account's cache holds them with a cursor
        assertEquals(List.of("Sunset.png", "tone.wav"), shownNames());
        String userId = client.me().userId();
        try (LibraryStore store = LibraryStore.open(work.resolve("library"), SERVER + "-probe", userId)) {
            assertEquals(0, store.size(), "another server's cache is another file");
        }
        LibraryCache.Account remembered = pollFor(() -> cache.lastAccount().orElse(null));
        assertEquals(new LibraryCache.Account(userId, user), remembered);
        LibraryStore store = cache.open(userId).store();
        assertEquals(2, store.size());
        assertTrue(store.cursor().isPresent());
        assertFalse(onUi(() -> library.offlineProperty().get()));
        assertEquals("", onUi(() -> library.offlineTextProperty().get()));
    }

    @Test
    void signOut_shouldDeleteTheAccountsOfflineLibraryFromThisComputer_andKeepOtherAccounts() throws Exception {
        // GIVEN another account's library cached on this computer too
        String otherUser = "01jotheraccount0000000000";
        try (LibraryStore store = LibraryStore.open(work.resolve("library"), SERVER, otherUser)) {
            store.apply(List.of(FeedPage.Change.upsert(sunset)), "c", Instant.now());
        }
        await(library::refresh);
        String userId = client.me().userId();
        Path db = LibraryStore.fileFor(work.resolve("library"), SERVER, userId);
        pollFor(() -> cache.lastAccount().orElse(null));
        assertTrue(java.nio.file.Files.exists(db));
        // WHEN the user signs out explicitly
        await(library::signedOut);
        // THEN the account's database and its journal files are gone, no account opens at the next start, the list
        // is empty
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            assertFalse(java.nio.file.Files.exists(db.resolveSibling(db.getFileName() + suffix)), suffix);
        }
        assertEquals(Optional.empty(), cache.lastAccount());
        assertEquals(List.of(), shownNames());
        // AND the other account's cache is untouched
        try (LibraryStore store = LibraryStore.open(work.resolve("library"), SERVER, otherUser)) {
            assertEquals(1, store.size());
        }
        // AND signing in again syncs the whole library anew
        LibraryModel again = new LibraryModel(current::get, new Background(io, ui), cache);
        await(again::refresh);
        assertEquals(List.of("Sunset.png", "tone.wav"),
                onUi(() -> again.shown().stream().map(DriveFile::name).sorted().toList()));
        assertTrue(java.nio.file.Files.exists(db));
    }

    @Test
    void sync_shouldFollowUploadTrashRenameRestoreAndDeleteByAnotherClient() throws Exception {
        await(library::refresh);
        DriveClient other = secondClient();
        // WHEN another client uploads, trashes, renames and deletes for good
        DriveFile sea = upload(other, TestMedia.png(work.resolve("sea.png"), 48, 64, Color.BLUE, Color.CYAN),
                "image/png");
        other.delete(sunset.id());
        other.rename(tone.id(), "beep.wav");
        await(library::syncNow);
        // THEN the list follows, and the trash view (from the cache) holds the trashed file
        assertEquals(List.of("beep.wav", "sea.png"), shownNames());
        await(() -> library.show(LibraryModel.View.TRASH));
        assertEquals(List.of("Sunset.png"), shownNames());
        // WHEN it restores the file and deletes another for good
        other.restore(sunset.id());
        other.delete(sea.id());
        other.deleteForever(sea.id());
        await(library::syncNow);
        assertEquals(List.of(), shownNames());
        await(() -> library.show(LibraryModel.View.FILES));
        assertEquals(List.of("Sunset.png", "beep.wav"), shownNames());
        // AND the cache is exactly the server's library
        LibraryStore store = cache.open(client.me().userId()).store();
        assertEquals(Set.of(sunset.id(), tone.id()), Set.copyOf(store.load(Set.of("ready", "trashed", "pending"))
                .stream().map(c -> c.file().id()).toList()));
        // WHEN nothing changed (the media pipeline's own updates included: it records a file's thumbnail and tags
        // when it is done, which under load came after the sync above) THEN a sync changes nothing (one small request)
        for (DriveFile f : List.of(sunset, tone)) {
            pollFor(() -> "pending".equals(client.getFile(f.id()).file().processing()) ? null : true, 90);
        }
        await(library::syncNow);
        String cursor = store.cursor().orElseThrow();
        FeedPage empty = client.changes(cursor, 500);
        assertEquals(List.of(), empty.changes());
        assertFalse(empty.hasMore());
    }

    @Test
    void ownCommands_shouldBeSyncedIntoTheCache() throws Exception {
        await(library::refresh);
        LibraryStore store = cache.open(client.me().userId()).store();
        // WHEN this app trashes one file and renames another
        assertTrue(await(() -> library.trash(List.of(sunset))).allDone());
        await(() -> library.rename(tone, "renamed.wav"));
        // THEN the cache follows (the sync after each command), without a manual refresh
        pollFor(() -> "trashed".equals(store.get(sunset.id()).orElseThrow().file().status())
                && "renamed.wav".equals(store.get(tone.id()).orElseThrow().file().name()) ? true : null);
        assertEquals(List.of("renamed.wav"), shownNames());
    }

    @Test
    void cursorExpired_shouldResyncFromScratch_replacingTheCache() throws Exception {
        await(library::refresh);
        String userId = client.me().userId();
        LibraryStore store = cache.open(userId).store();
        // GIVEN a cursor the server no longer serves (a library it no longer knows: e.g. restored from a backup)
        // and a cached file the server does not have
        String stale = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"s\":\"0123456789abcdefghijklmnop\",\"q\":1}".getBytes(StandardCharsets.UTF_8));
        ApiException expired = assertInstanceOf(ApiException.class, catchApi(() -> client.changes(stale, 10)));
        assertEquals(410, expired.status());
        assertEquals("cursor_expired", expired.code());
        DriveFile ghost = new DriveFile("ghostghostghostghostghost1", "ghost.png", "image/png", "image", 1,
                Instant.now(), "ready");
        store.apply(List.of(FeedPage.Change.upsert(ghost)), stale, Instant.now());
        await(() -> library.show(LibraryModel.View.TRASH));
        await(() -> library.show(LibraryModel.View.FILES));
        // WHEN it syncs
        DriveFile added = upload(secondClient(), TestMedia.png(work.resolve("new.png"), 8, 8, Color.RED, Color.RED),
                "image/png");
        await(library::syncNow);
        // THEN the cache was rebuilt from scratch: the ghost is gone, the new file is in, with a fresh cursor
        assertEquals(List.of("Sunset.png", "new.png", "tone.wav"), shownNames());
        assertEquals(Optional.empty(), store.get(ghost.id()));
        assertTrue(store.get(added.id()).isPresent());
        assertNotEquals(stale, store.cursor().orElseThrow());
        assertEquals(List.of(), client.changes(store.cursor().orElseThrow(), 10).changes());
    }

    @Test
    void offlineStart_shouldShowTheCachedLibrary_thenSyncWhenTheServerIsBack(@TempDir Path ownCloud)
            throws Exception {
        // GIVEN an account synced with a server that then stops
        LocalCloudFixture server = LocalCloudFixture.start(ownCloud);
        DriveClient c;
        String userId;
        try {
            c = new DriveClient(server.baseUrl());
            com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(c, "offline", PASSWORD);
            upload(c, TestMedia.png(work.resolve("a.png"), 8, 8, Color.RED, Color.GREEN), "image/png");
            upload(c, TestMedia.png(work.resolve("b.png"), 8, 8, Color.RED, Color.BLUE), "image/png");
            current.set(c);
            await(library::refresh);
            userId = c.me().userId();
            pollFor(() -> cache.lastAccount().orElse(null));
        } finally {
            server.close();
        }
        library.stopAutoSync();
        cache.close();
        // WHEN the app starts again (a new cache and model on the same folder), with no server and no sign-in
        LibraryCache restarted = new LibraryCache(work.resolve("library"), SERVER);
        current.set(null);
        library = new LibraryModel(current::get, new Background(io, ui), restarted);
        LibraryCache.Account account = restarted.lastAccount().orElseThrow();
        assertEquals(userId, account.userId());
        long started = System.nanoTime();
        await(() -> library.openCached(account.userId(), account.username()));
        long openMs = (System.nanoTime() - started) / 1_000_000;
        // THEN the library shows from the cache, searchable and sortable, and says it is not signed in
        assertEquals(List.of("a.png", "b.png"), shownNames());
        onUi(() -> {
            library.queryProperty().set("B.P");
            return null;
        });
        assertEquals(List.of("b.png"), shownNames());
        assertTrue(onUi(() -> library.signedOutProperty().get()));
        assertTrue(onUi(() -> library.offlineTextProperty().get()).startsWith("Not signed in"),
                onUi(() -> library.offlineTextProperty().get()));
        assertTrue(openMs < 10_000, "opened in " + openMs + " ms");
        // AND a command that needs the server fails with a plain message
        DriveFile b = onUi(() -> library.shown().get(0));
        LibraryModel.Bulk refused = await(() -> library.trash(List.of(b)));
        assertEquals(Set.of(b), refused.failed().keySet());
        assertTrue(Messages.describe(refused.failed().get(b)).startsWith("Sign in"));
        // WHEN the client is signed in but the server is down
        current.set(c);
        Throwable down = catchApi(() -> await(library::syncNow));
        assertTrue(LibraryModel.isNetworkError(down), String.valueOf(down));
        assertTrue(onUi(() -> library.offlineProperty().get()));
        assertTrue(onUi(() -> library.offlineTextProperty().get()).startsWith("Offline"));
        assertEquals(List.of("b.png"), shownNames());
        LibraryModel.Bulk failed = await(() -> library.trash(List.of(b)));
        assertTrue(Messages.describe(failed.failed().get(b)).startsWith("You are offline"),
                Messages.describe(failed.failed().get(b)));
        // WHEN the server is back (on another port) and the user signs in
        server = LocalCloudFixture.start(ownCloud);
        try {
            DriveClient back = new DriveClient(server.baseUrl());
            back.login("offline", PASSWORD);
            upload(back, TestMedia.png(work.resolve("c.png"), 8, 8, Color.RED, Color.GRAY), "image/png");
            current.set(back);
            onUi(() -> {
                library.queryProperty().set("");
                return null;
            });
            await(library::syncNow);
            // THEN it is online again and the change made meanwhile arrived through the feed
            assertFalse(onUi(() -> library.offlineProperty().get()));
            assertEquals("", onUi(() -> library.offlineTextProperty().get()));
            assertEquals(List.of("a.png", "b.png", "c.png"), shownNames());
        } finally {
            server.close();
            restarted.close();
        }
    }

    @Test
    void autoSync_shouldPickUpChangesByItself() throws Exception {
        await(library::refresh);
        library.startAutoSync(java.time.Duration.ofMillis(300));
        secondClient().rename(sunset.id(), "dawn.png");
        pollFor(() -> shownNames().contains("dawn.png") ? true : null);
        assertEquals(List.of("dawn.png", "tone.wav"), shownNames());
    }

    @Test
    void timeline_shouldSortByDateTakenElseUploaded_andGroupByMonth() {
        Instant uploaded = Instant.parse("2026-11-28T10:00:00Z");
        DriveFile noExif = new DriveFile("a", "a.png", "image/png", "image", 1, uploaded, "ready");
        DriveFile old = withTaken("b", uploaded.plusSeconds(5), Instant.parse("2019-06-01T12:00:00Z"));
        DriveFile mid = withTaken("c", uploaded.minusSeconds(5), Instant.parse("2024-01-31T23:30:00Z"));
        List<DriveFile> sorted = java.util.stream.Stream.of(old, noExif, mid)
                .sorted(LibraryModel.Sort.TAKEN.comparator()).toList();
        assertEquals(List.of(noExif, mid, old), sorted);
        assertEquals(List.of(old, mid, noExif), java.util.stream.Stream.of(noExif, old, mid)
                .sorted(LibraryModel.Sort.TAKEN_OLDEST.comparator()).toList());
        java.time.ZoneId utc = java.time.ZoneOffset.UTC;
        assertEquals(java.time.YearMonth.of(2024, 1), LibraryModel.monthOf(mid, utc));
        assertEquals(java.time.YearMonth.of(2024, 2), LibraryModel.monthOf(mid, java.time.ZoneId.of("Europe/Paris")));
        assertEquals(java.time.YearMonth.of(2026, 11), LibraryModel.monthOf(noExif, utc));
    }

    private static DriveFile withTaken(String id, Instant uploaded, Instant taken) {
        var media = new com.audmg.drive.desktop.api.MediaInfo(10, 10, taken, null, 1, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        return new DriveFile(id, id + ".jpg", "image/jpeg", "image", 1, uploaded, "ready", uploaded, null, 1, "done",
                null, media);
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static Throwable catchApi(Call call) {
        try {
            call.run();
        } catch (Exception e) {
            return Background.unwrap(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e);
        }
        throw new AssertionError("expected a failure");
    }

    private static <T> T pollFor(Callable<T> probe) throws Exception {
        return pollFor(probe, 20);
    }

    private static <T> T pollFor(Callable<T> probe, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within " + seconds + " s");
    }
}
