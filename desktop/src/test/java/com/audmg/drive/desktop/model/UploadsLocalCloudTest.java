package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.FileTypes;
import com.audmg.drive.desktop.api.FileVersion;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.api.TransferCancelledException;
import com.audmg.drive.desktop.api.UploadJob;
import com.audmg.drive.desktop.api.UploadQueue;
import com.audmg.drive.desktop.api.Waveform;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads against the real local cloud: resume after a restart from the journal, "keep both" of a duplicate, a new
 * version of a file, and the waveform peaks the media pipeline makes of an upload.
 */
class UploadsLocalCloudTest {

    @TempDir
    Path work;
    @TempDir
    Path dataDir;
    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    private static final AtomicInteger USERS = new AtomicInteger();
    private final ExecutorService io = Executors.newCachedThreadPool();
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private DriveClient client;
    private String account;

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
        String user = "up" + USERS.incrementAndGet();
        com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(client, user, "correct-horse-battery");
        account = cloud.baseUrl() + " " + user;
    }

    @AfterEach
    void stop() {
        io.shutdownNow();
        ui.shutdownNow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private UploadsModel model(UploadQueue.Uploader uploader, List<DriveFile> library, UploadJournal journal) {
        return new UploadsModel(new UploadQueue(uploader, FileTypes.DEFAULT_MAX_BYTES), new Background(io, ui),
                f -> { }, () -> library, journal, () -> account, System::nanoTime);
    }

    private List<String> names() throws Exception {
        return client.listAll(FileQuery.all()).stream().map(DriveFile::name).sorted().toList();
    }

    @Test
    void resume_shouldUploadWhatTheLastRunLeft_skippingFilesThatChangedOrVanished() throws Exception {
        Path a = TestMedia.png(work.resolve("a.png"), 40, 30, Color.RED, Color.BLUE);
        Path b = TestMedia.png(work.resolve("b.png"), 30, 40, Color.GREEN, Color.BLUE);
        Path c = TestMedia.png(work.resolve("c.png"), 20, 20, Color.GRAY, Color.BLUE);
        Path d = TestMedia.png(work.resolve("d.png"), 20, 30, Color.PINK, Color.BLUE);
        UploadJournal journal = new UploadJournal(dataDir);
        // another account's entry on this computer is not ours to resume, and stays
        journal.replace("someone else", List.of(new UploadJournal.Entry("someone else", a.toString(), "a.png",
                Files.size(a), Files.getLastModifiedTime(a).toMillis())));
        // GIVEN a run that closes while two files are being sent (the uploader hangs until cancelled) and two wait
        AtomicInteger started = new AtomicInteger();
        UploadsModel first = model((p, name, type, progress, cancel) -> {
            started.incrementAndGet();
            while (!cancel.isCancelled()) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
            throw new TransferCancelledException();
        }, List.of(), journal);
        first.add(List.of(a, b, c, d));
        await("two uploads under way", () -> started.get() == 2);
        first.close();
        // THEN the journal names all four, owner-only
        List<UploadJournal.Entry> saved = journal.read();
        assertEquals(List.of("a.png", "a.png", "b.png", "c.png", "d.png"), saved.stream().map(UploadJournal.Entry::name)
                .sorted().toList());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.file())));
        // WHEN, before the next start, c is edited and d deleted
        Files.writeString(c, "not the same picture any more");
        Files.setLastModifiedTime(c, FileTime.fromMillis(Files.getLastModifiedTime(c).toMillis() + 5_000));
        Files.delete(d);
        // AND the next run resumes
        UploadsModel second = model((p, name, type, progress, cancel) -> client.upload(p, name, type, progress,
                cancel), client.listAll(FileQuery.all()), journal);
        UploadsModel.Resumed resumed = ui.submit(second::resume).get();
        // THEN a and b are uploaded, from their first byte; c and d are named with a plain reason
        assertEquals(List.of(a, b), resumed.queued());
        assertEquals(List.of("\"c.png\" changed since it was queued: not uploaded. Add it again to upload it.",
                "\"d.png\" is no longer there: not uploaded."), resumed.skipped());
        await("resumed uploads", () -> second.queue().jobs().stream().allMatch(UploadJob::isFinished));
        assertEquals(List.of(UploadJob.State.DONE, UploadJob.State.DONE), second.queue().jobs().stream()
                .map(UploadJob::state).toList());
        assertEquals(List.of("a.png", "b.png"), names());
        DriveFile uploaded = client.listAll(FileQuery.all()).stream().filter(f -> f.name().equals("a.png"))
                .findFirst().orElseThrow();
        assertEquals(Files.size(a), uploaded.size());
        // AND only the other account's entry is left in the journal
        await("journal saved", () -> journal.read().size() == 1);
        assertEquals("someone else", journal.read().get(0).account());
        second.close();
        // a third start with nothing left resumes nothing
        UploadsModel third = model((p, name, type, progress, cancel) -> {
            throw new AssertionError("nothing to send");
        }, List.of(), journal);
        assertTrue(ui.submit(third::resume).get().queued().isEmpty());
        third.close();
    }

    @Test
    void resume_shouldNotSendAgainAFileTheDriveHasByNow() throws Exception {
        // The upload finished just before the app closed, so the journal still names it.
        Path a = TestMedia.png(work.resolve("done.png"), 40, 30, Color.RED, Color.BLUE);
        UploadJournal journal = new UploadJournal(dataDir);
        journal.replace(account, List.of(new UploadJournal.Entry(account, a.toString(), "done.png", Files.size(a),
                Files.getLastModifiedTime(a).toMillis())));
        client.upload(a, "image/png", Progress.NONE, new Cancellation());
        UploadsModel model = model((p, name, type, progress, cancel) -> {
            throw new AssertionError("must not be sent again");
        }, client.listAll(FileQuery.all()), journal);
        UploadsModel.Resumed resumed = ui.submit(model::resume).get();
        assertTrue(resumed.queued().isEmpty());
        assertEquals(List.of("\"done.png\" is already in your drive."), resumed.skipped());
        model.close();
    }

    @Test
    void keepBoth_shouldUploadTheDuplicateUnderAFreeName() throws Exception {
        Path photo = TestMedia.png(work.resolve("photo.png"), 40, 30, Color.RED, Color.BLUE);
        client.upload(photo, "image/png", Progress.NONE, new Cancellation());
        UploadsModel model = model((p, name, type, progress, cancel) -> client.upload(p, name, type, progress,
                cancel), client.listAll(FileQuery.all()), null);
        ui.submit(() -> model.add(List.of(photo))).get();
        List<UploadsModel.Duplicate> dups = ui.submit(() -> List.copyOf(model.duplicates())).get();
        assertEquals(1, dups.size());
        assertEquals("photo.png", dups.get(0).existing().name());
        ui.submit(() -> model.decide(dups.get(0), UploadsModel.Choice.KEEP_BOTH, false)).get();
        await("upload", () -> !model.queue().jobs().isEmpty() && model.queue().jobs().get(0).isFinished());
        assertEquals(UploadJob.State.DONE, model.queue().jobs().get(0).state());
        assertEquals(List.of("photo (2).png", "photo.png"), names());
        model.close();
    }

    @Test
    void uploadVersion_shouldMakeTheNewBytesCurrent_withProgress() throws Exception {
        Path v1 = TestMedia.png(work.resolve("pic.png"), 40, 30, Color.RED, Color.BLUE);
        Path v2 = TestMedia.png(work.resolve("pic-edited.png"), 80, 60, Color.YELLOW, Color.BLACK);
        DriveFile file = client.upload(v1, "image/png", Progress.NONE, new Cancellation());
        AtomicLong sent = new AtomicLong();
        DriveFile updated = client.uploadVersion(file.id(), v2, "image/png", (done, total) -> sent.set(done),
                new Cancellation());
        assertEquals(file.id(), updated.id());
        assertEquals("pic.png", updated.name());
        assertEquals(Files.size(v2), updated.size());
        assertEquals(Files.size(v2), sent.get());
        List<FileVersion> versions = client.versions(file.id());
        assertEquals(2, versions.size());
        assertTrue(versions.get(0).current());
        assertEquals(Files.size(v2), versions.get(0).size());
        Path back = work.resolve("back.png");
        client.download(file.id(), back, Progress.NONE, new Cancellation());
        assertArrayEquals(Files.readAllBytes(v2), Files.readAllBytes(back));
    }

    @Test
    void uploadVersion_cancelledWhileSending_shouldLeaveTheCurrentVersionAsItWas() throws Exception {
        Path v1 = TestMedia.png(work.resolve("keep.png"), 40, 30, Color.RED, Color.BLUE);
        DriveFile file = client.upload(v1, "image/png", Progress.NONE, new Cancellation());
        // A big new version (8 MiB): cancelled as its first bytes go out
        Path big = work.resolve("big.png");
        byte[] bytes = new byte[8 << 20];
        new java.util.Random(7).nextBytes(bytes);
        System.arraycopy(Files.readAllBytes(v1), 0, bytes, 0, (int) Files.size(v1));
        Files.write(big, bytes);
        Cancellation cancel = new Cancellation();
        AtomicLong sent = new AtomicLong();
        org.junit.jupiter.api.Assertions.assertThrows(com.audmg.drive.desktop.api.TransferCancelledException.class,
                () -> client.uploadVersion(file.id(), big, "image/png", (done, total) -> {
                    sent.set(done);
                    cancel.cancel();
                }, cancel));
        assertTrue(sent.get() < bytes.length, "stopped before the end: " + sent.get());
        // THEN the file still has one version, the first, with its bytes
        List<FileVersion> versions = client.versions(file.id());
        assertEquals(1, versions.size());
        assertTrue(versions.get(0).current());
        assertEquals(Files.size(v1), client.getFile(file.id()).file().size());
        Path back = work.resolve("kept.png");
        client.download(file.id(), back, Progress.NONE, new Cancellation());
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(back));
        // AND a new version can be uploaded afterwards
        Path v2 = TestMedia.png(work.resolve("keep-2.png"), 80, 60, Color.YELLOW, Color.BLACK);
        assertEquals(Files.size(v2), client.uploadVersion(file.id(), v2, "image/png", Progress.NONE,
                new Cancellation()).size());
    }

    @Test
    void waveform_shouldBeThePeaksTheServerMadeOfTheUpload() throws Exception {
        Path wav = TestMedia.wav(work.resolve("tone.wav"), 2, 440);
        DriveFile file = client.upload(wav, "audio/wav", Progress.NONE, new Cancellation());
        DriveFile[] processed = new DriveFile[1];
        await("media processing", () -> {
            try {
                processed[0] = client.getFile(file.id()).file();
                return !"pending".equals(processed[0].processing());
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("done", processed[0].processing());
        Waveform w = client.waveform(processed[0].media().waveformUrl());
        assertEquals(2000, w.durationMs(), 50);
        assertTrue(w.peaks().length >= 700 && w.peaks().length <= 820, "about 800 peaks: " + w.peaks().length);
        // the tone's amplitude is 8000 of 32768
        float max = 0;
        for (float p : w.peaks()) {
            max = Math.max(max, p);
        }
        assertEquals(8000 / 32768.0, max, 0.02);
        assertEquals(max, w.peak(0, 1), 1e-6);
        assertFalse(Double.isNaN(w.peak(0.5, 0.5)));
    }
}
