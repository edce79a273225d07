package com.audmg.drive.desktop.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API client against the real local cloud (same serverless.yml and Lambda artifact the app bundles). */
class DriveClientLocalCloudTest {

    @TempDir
    static Path data;
    @TempDir
    Path work;
    private static LocalCloudFixture cloud;

    @BeforeAll
    static void startCloud() {
        // Its own cloud: the sign-up limit (20 per client and hour) is counted per cloud.
        cloud = LocalCloudFixture.start(data);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static DriveClient signedIn(String user) throws ApiException {
        DriveClient client = new DriveClient(cloud.baseUrl());
        client.signUp(user, "correct-horse-battery");
        client.login(user, "correct-horse-battery");
        return client;
    }

    @Test
    void deviceToken_shouldBeKeptAtLogin_andLetItsOwnerInWhileStrangersUseUpTheBudget() throws Exception {
        java.util.Map<String, String> kept = new java.util.concurrent.ConcurrentHashMap<>();
        DriveClient owner = new DriveClient(cloud.baseUrl());
        owner.deviceTokens(new DriveClient.DeviceTokens() {
            @Override
            public java.util.Optional<String> get(String username) {
                return java.util.Optional.ofNullable(kept.get(username));
            }

            @Override
            public void put(String username, String token) {
                kept.put(username, token);
            }
        });
        owner.signUp("device.owner", "correct-horse-battery");
        owner.login("device.owner", "correct-horse-battery");
        assertTrue(kept.containsKey("device.owner"), "the login's device token is kept");
        // Strangers guess until the untrusted budgets make everyone without a device token wait.
        DriveClient stranger = new DriveClient(cloud.baseUrl());
        int waited = 0;
        for (int i = 0; i < 40 && waited == 0; i++) {
            try {
                stranger.login("device.owner", "wrong guess " + i);
            } catch (ApiException e) {
                if (e.status() == 429) {
                    waited++;
                } else {
                    assertEquals(401, e.status(), e.getMessage());
                }
            }
        }
        assertEquals(1, waited, "the budget of untrusted logins ran out");
        ApiException untrusted = assertThrows(ApiException.class,
                () -> new DriveClient(cloud.baseUrl()).login("device.owner", "correct-horse-battery"));
        assertEquals(429, untrusted.status());
        // The owner's client sends its device token: counted in that device's own budget, it gets in.
        owner.logout();
        owner.login("device.owner", "correct-horse-battery");
        assertTrue(owner.isLoggedIn());
    }

    @Test
    void signUp_shouldReturnTypedErrors_whenInputInvalidOrTaken() throws Exception {
        DriveClient client = new DriveClient(cloud.baseUrl());
        ApiException shortName = assertThrows(ApiException.class, () -> client.signUp("ab", "correct-horse-1"));
        assertEquals(400, shortName.status());
        assertEquals("invalid_request", shortName.code());
        assertEquals("username", shortName.field("username", "password").orElseThrow());
        ApiException weak = assertThrows(ApiException.class, () -> client.signUp("weakling", "short"));
        assertEquals("password", weak.field("username", "password").orElseThrow());
        client.signUp("Taken.User", "correct-horse-battery");
        ApiException taken = assertThrows(ApiException.class, () -> client.signUp("taken.user",
                "correct-horse-battery"));
        assertEquals(409, taken.status());
        assertEquals("username_taken", taken.code());
        ApiException wrong = assertThrows(ApiException.class, () -> client.login("taken.user", "wrong-password"));
        assertEquals(401, wrong.status());
        assertEquals("invalid_credentials", wrong.code());
        assertFalse(client.isLoggedIn());
    }

    @Test
    void upload_shouldStreamWithProgress_thenListDownloadAndDelete() throws Exception {
        // GIVEN a signed-in user and a real PNG and WAV on disk
        DriveClient client = signedIn("uploader");
        Path png = TestMedia.png(work.resolve("sunset.png"), 640, 480, Color.ORANGE, Color.MAGENTA);
        Path wav = TestMedia.wav(work.resolve("tone.wav"), 1.0, 440);
        AtomicLong reported = new AtomicLong();

        // WHEN both are uploaded
        DriveFile image = client.upload(png, "image/png", (done, total) -> reported.set(done), new Cancellation());
        DriveFile audio = client.upload(wav, "audio/wav", Progress.NONE, new Cancellation());

        // THEN progress reached the full size, the files are ready and listed, filters and search work
        assertEquals(Files.size(png), reported.get());
        assertEquals("ready", image.status());
        assertEquals("image", image.kind());
        assertEquals("audio", audio.kind());
        assertEquals(2, client.listAll(FileQuery.all()).size());
        List<DriveFile> images = client.listFiles(new FileQuery("image", null, 10, null)).items();
        assertEquals(List.of(image.id()), images.stream().map(DriveFile::id).toList());
        assertEquals(List.of(audio.id()), client.listFiles(new FileQuery(null, "TONE", 10, null)).items().stream()
                .map(DriveFile::id).toList());
        Me me = client.me();
        assertEquals("uploader", me.username());
        assertEquals(2, me.usage().files());
        assertEquals(Files.size(png) + Files.size(wav), me.usage().bytes());

        // AND a download returns the same bytes
        Path copy = work.resolve("copy.png");
        AtomicLong downloaded = new AtomicLong();
        client.download(image.id(), copy, (d, t) -> downloaded.set(d), new Cancellation());
        assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(copy));
        assertEquals(Files.size(png), downloaded.get());

        // AND delete moves it to the trash: no longer listed, still there to restore
        client.delete(image.id());
        assertEquals("trashed", client.getFile(image.id()).file().status());
        assertEquals(1, client.listAll(FileQuery.all()).size());
    }

    @Test
    void upload_shouldBeRefused_whenBytesAreNotTheDeclaredKind() throws Exception {
        DriveClient client = signedIn("liar");
        Path fake = Files.writeString(work.resolve("fake.png"), "this is not a png at all, just text");
        ApiException e = assertThrows(ApiException.class, () -> client.upload(fake, "image/png", Progress.NONE,
                new Cancellation()));
        assertEquals(415, e.status());
        ApiException type = assertThrows(ApiException.class, () -> client.createUpload("doc.pdf", "application/pdf",
                100));
        assertEquals(415, type.status());
        assertTrue(client.listAll(FileQuery.all()).isEmpty());
    }

    @Test
    void protectedCall_shouldNotifySessionExpired_whenTokenRejected() throws Exception {
        DriveClient client = new DriveClient(cloud.baseUrl());
        List<ApiException> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.onSessionExpired(expired::add);
        assertThrows(ApiException.class, client::me);
        assertEquals(1, expired.size());
        assertEquals(401, expired.get(0).status());
    }

    @Test
    void upload_shouldSucceed_whenEightRunConcurrently() throws Exception {
        // One client's creates, completes and deletes are not serialized: the file index must lose nothing.
        DriveClient client = signedIn("parallel");
        int n = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<DriveFile>> uploads = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path png = TestMedia.png(work.resolve("p" + i + ".png"), 40 + i, 30, Color.RED, Color.BLUE);
                uploads.add(pool.submit(() -> client.upload(png, "image/png", Progress.NONE, new Cancellation())));
            }
            for (var upload : uploads) {
                assertEquals("ready", upload.get().status());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n, client.listAll(FileQuery.all()).size());
        assertTrue(client.listPending().isEmpty());
    }

    @Test
    void upload_shouldCancelItsPendingUpload_whenCancelled() throws Exception {
        DriveClient client = signedIn("quitter");
        Path png = TestMedia.png(work.resolve("never.png"), 50, 50, Color.RED, Color.BLUE);
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();

        assertThrows(Exception.class, () -> client.upload(png, "image/png", Progress.NONE, cancelled));

        assertTrue(client.listPending().isEmpty(), "the created upload was cancelled on the server");
        assertTrue(client.listAll(FileQuery.all()).isEmpty());
    }

    @Test
    void renameTrashRestoreVersionsSessionsAndPassword_shouldWorkAgainstTheLocalCloud() throws Exception {
        DriveClient client = signedIn("keeper");
        Path png = TestMedia.png(work.resolve("keep.png"), 32, 32, Color.GREEN, Color.BLACK);
        DriveFile file = client.upload(png, "image/png", Progress.NONE, new Cancellation());
        // rename
        assertEquals("kept.png", client.rename(file.id(), "kept.png").name());
        // trash, listed as trashed, restore, delete for good
        client.delete(file.id());
        List<DriveFile> trashed = client.listTrashed();
        assertEquals(List.of(file.id()), trashed.stream().map(DriveFile::id).toList());
        assertTrue(trashed.get(0).isTrashed());
        assertEquals("ready", client.restore(file.id()).status());
        assertEquals(0, client.listTrashed().size());
        // one version, current, downloadable
        List<FileVersion> versions = client.versions(file.id());
        assertEquals(1, versions.size());
        assertTrue(versions.get(0).current());
        Path copy = work.resolve("v1.png");
        client.downloadUrl(java.net.URI.create(client.versionDownload(file.id(), versions.get(0).versionId())
                .download().url()), versions.get(0).size(), copy, Progress.NONE, new Cancellation());
        assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(copy));
        // sessions: this one is listed as current
        List<SessionInfo> sessions = client.sessions();
        assertTrue(sessions.stream().anyMatch(SessionInfo::current), sessions.toString());
        // password: a wrong current one is refused, the right one works, and the new one logs in
        ApiException wrong = assertThrows(ApiException.class, () -> client.changePassword("not-the-password",
                "a-brand-new-passphrase"));
        assertEquals(401, wrong.status());
        client.changePassword("correct-horse-battery", "a-brand-new-passphrase");
        DriveClient again = new DriveClient(cloud.baseUrl());
        again.login("keeper", "a-brand-new-passphrase");
        client.deleteForever(file.id());
        assertEquals(0, again.listAll(FileQuery.all()).size());
    }

    @Test
    void embeddedBackend_shouldRunEveryFunctionInOneSharedWorkerJvm() throws Exception {
        // GIVEN functions used through the API: sign-up, login, authorizer, me, list, create
        DriveClient client = signedIn("lite.user");
        client.me();
        client.listAll(FileQuery.all());
        client.createUpload("a.png", "image/png", 10);

        // THEN one worker JVM serves them all (lite mode, the app's default), not one per function
        List<ProcessHandle> workers = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("com.audmg.drive.local.lambda.bootstrap."))
                .toList();
        assertEquals(1, workers.size(), workers.toString());
        assertTrue(workers.get(0).info().commandLine().orElse("").contains("SharedWorkerMain"));
    }
}
