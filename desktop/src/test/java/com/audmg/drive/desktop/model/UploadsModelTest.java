package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileTypes;
import com.audmg.drive.desktop.api.UploadJob;
import com.audmg.drive.desktop.api.UploadQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders, types and duplicates, with an uploader that records what it was asked to send (no server). */
class UploadsModelTest {

    private static DriveFile inDrive(String name, long size) {
        return new DriveFile("id-" + name, name, "image/jpeg", "image", size, Instant.EPOCH, "ready");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    @Test
    void add_shouldHoldBackFilesTheDriveHas_andKeepBothShouldUploadThemUnderFreeNames() throws Exception {
        // GIVEN a drive with photo.jpg (3 bytes), photo (2).jpg and song.mp3 (5 bytes)
        List<DriveFile> library = List.of(inDrive("photo.jpg", 3), inDrive("photo (2).jpg", 3),
                inDrive("song.mp3", 5));
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        UploadQueue queue = new UploadQueue((p, name, type, progress, cancel) -> {
            sent.add(name);
            return inDrive(name, p.toFile().length());
        }, FileTypes.DEFAULT_MAX_BYTES);
        var io = Executors.newCachedThreadPool();
        try (UploadsModel model = new UploadsModel(queue, new Background(io, Runnable::run), f -> { },
                () -> library, null, () -> "me", System::nanoTime)) {
            Path photo = Files.writeString(dir.resolve("photo.jpg"), "abc");
            Path shouted = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("PHOTO.JPG"), "xyz");
            Path song = Files.writeString(dir.resolve("song.mp3"), "longer"); // another size: not the same file
            Path fresh = Files.writeString(dir.resolve("new.png"), "abcd");
            // WHEN they are added
            model.add(List.of(photo, shouted, song, fresh));
            // THEN the two 3-byte photo.jpg wait for a choice, the others go
            assertEquals(List.of(photo, shouted), model.duplicates().stream().map(UploadsModel.Duplicate::path)
                    .toList());
            await(() -> sent.size() == 2);
            assertEquals(List.of("new.png", "song.mp3"), sent.stream().sorted().toList());
            // keep both, for this one: a name free in the drive and the queue
            model.decide(model.duplicates().get(0), UploadsModel.Choice.KEEP_BOTH, false);
            await(() -> sent.size() == 3);
            assertEquals("photo (3).jpg", sent.get(2));
            // keep both for the rest ("photo (3).jpg" is taken by now)
            model.decide(model.duplicates().get(0), UploadsModel.Choice.KEEP_BOTH, true);
            await(() -> sent.size() == 4);
            assertEquals("PHOTO (4).JPG", sent.get(3));
            assertTrue(model.duplicates().isEmpty());
            // a second batch: skip for all
            model.add(List.of(photo, shouted));
            assertEquals(2, model.duplicates().size());
            model.decide(model.duplicates().get(1), UploadsModel.Choice.SKIP, true);
            assertTrue(model.duplicates().isEmpty());
            await(() -> queue.jobs().stream().allMatch(UploadJob::isFinished));
            assertEquals(4, sent.size());
            // the newest batch is listed first
            assertEquals(List.of(1L, 1L, 1L, 1L), queue.jobs().stream().map(UploadJob::batch).toList());
            model.add(List.of(fresh));
            await(() -> sent.size() == 5);
            assertEquals(3L, queue.jobs().get(0).batch());
            assertEquals("new.png", queue.jobs().get(0).name());
        } finally {
            io.shutdownNow();
        }
    }

    @Test
    void freeName_shouldCountOnPastTakenNames() {
        assertEquals("a.jpg", Duplicates.freeName("a.jpg", List.of("b.jpg")));
        assertEquals("a (2).jpg", Duplicates.freeName("a.jpg", List.of("A.JPG")));
        assertEquals("a (4).jpg", Duplicates.freeName("a (3).jpg", List.of("a (3).jpg", "a.jpg")));
        assertEquals("README (2)", Duplicates.freeName("README", List.of("readme")));
        assertEquals(".hidden (2)", Duplicates.freeName(".hidden", List.of(".hidden")));
    }

    @TempDir
    Path dir;

    @Test
    void expand_shouldWalkFoldersRecursively_skippingHiddenEntries() throws Exception {
        Path album = Files.createDirectories(dir.resolve("album/disc 2"));
        Files.writeString(dir.resolve("album/01.mp3"), "x");
        Files.writeString(album.resolve("02.flac"), "x");
        Files.writeString(dir.resolve("album/.DS_Store"), "x");
        Files.createDirectories(dir.resolve("album/.thumbs"));
        Files.writeString(dir.resolve("album/.thumbs/t.jpg"), "x");
        Path single = Files.writeString(dir.resolve("cover.JPG"), "x");
        List<Path> files = UploadsModel.expand(List.of(single, dir.resolve("album")));
        assertEquals(List.of(single, dir.resolve("album/01.mp3"), album.resolve("02.flac")), files);
    }

    @Test
    void contentType_shouldIgnoreTheExtensionsCase() {
        assertEquals("image/jpeg", FileTypes.contentTypeOf(Path.of("IMG_0001.JPG")).orElseThrow());
        assertEquals("audio/flac", FileTypes.contentTypeOf(Path.of("Song.FLAC")).orElseThrow());
    }
}
