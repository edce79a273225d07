package com.audmg.drive.desktop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadQueueTest {

    @TempDir
    Path dir;

    private static DriveFile fileFor(Path p) {
        return new DriveFile("id-" + p.getFileName(), p.getFileName().toString(), "image/png", "image", 1,
                Instant.now(), "ready");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(10);
        }
    }

    private Path file(String name, int size) throws Exception {
        return Files.write(dir.resolve(name), new byte[size]);
    }

    @Test
    void add_shouldRunAtMostTwoUploadsAtOnce_whenManyFilesQueued() throws Exception {
        // GIVEN an uploader that blocks until released
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        UploadQueue queue = new UploadQueue((p, name, type, progress, cancel) -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return fileFor(p);
        }, 1000);
        List<DriveFile> uploaded = new CopyOnWriteArrayList<>();
        queue.addListener(new UploadQueue.Listener() {
            @Override
            public void changed(UploadJob job) {
            }

            @Override
            public void uploaded(DriveFile f) {
                uploaded.add(f);
            }
        });
        // WHEN five files are added
        for (int i = 0; i < 5; i++) {
            queue.add(file("f" + i + ".png", 10));
        }
        await(() -> running.get() == 2);
        Thread.sleep(100);
        // THEN only two run, the rest wait, and all finish once released
        assertEquals(2, running.get());
        assertEquals(3, queue.jobs().stream().filter(j -> j.state() == UploadJob.State.QUEUED).count());
        release.countDown();
        await(() -> queue.jobs().stream().allMatch(j -> j.state() == UploadJob.State.DONE));
        assertEquals(2, maxRunning.get());
        assertEquals(5, uploaded.size());
        queue.close();
    }

    @Test
    void add_shouldFailWithoutSending_whenTypeOrSizeNotAllowed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UploadQueue queue = new UploadQueue((p, n, t, pr, c) -> {
            calls.incrementAndGet();
            return fileFor(p);
        }, 100);
        UploadJob text = queue.add(file("notes.txt", 10));
        UploadJob empty = queue.add(file("empty.png", 0));
        UploadJob big = queue.add(file("big.wav", 101));
        UploadJob missing = queue.add(dir.resolve("missing.png"));
        assertEquals(UploadJob.State.FAILED, text.state());
        assertTrue(text.error().contains("Unsupported type"));
        assertEquals(UploadJob.State.FAILED, empty.state());
        assertEquals(UploadJob.State.FAILED, big.state());
        assertTrue(big.error().contains("Too large"));
        assertEquals(UploadJob.State.FAILED, missing.state());
        Thread.sleep(50);
        assertEquals(0, calls.get());
        queue.close();
    }

    @Test
    void cancel_shouldStopTransfer_andRetryShouldSucceed() throws Exception {
        // GIVEN an uploader that reports progress until cancelled, then succeeds on the second attempt
        AtomicInteger attempts = new AtomicInteger();
        UploadQueue queue = new UploadQueue((p, n, t, progress, cancel) -> {
            if (attempts.incrementAndGet() == 1) {
                long sent = 0;
                while (!cancel.isCancelled()) {
                    progress.update(sent += 1, 1000);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                throw new TransferCancelledException();
            }
            progress.update(1000, 1000);
            return fileFor(p);
        }, 10_000);
        UploadJob job = queue.add(file("song.mp3", 1000));
        await(() -> job.bytesSent() > 0);
        assertTrue(job.bytesPerSecond() > 0);
        // WHEN cancelled
        queue.cancel(job);
        await(() -> job.state() == UploadJob.State.CANCELLED);
        // THEN a retry runs it again to completion
        queue.retry(job);
        await(() -> job.state() == UploadJob.State.DONE);
        assertEquals(1.0, job.progress());
        assertEquals(2, attempts.get());
        queue.close();
    }

    @Test
    void run_shouldShowReadableError_whenServerRefuses() throws Exception {
        UploadQueue queue = new UploadQueue((p, n, t, pr, c) -> {
            throw new ApiException(507, "quota_exceeded", "Quota exceeded");
        }, 10_000);
        UploadJob job = queue.add(file("a.png", 10));
        await(() -> job.state() == UploadJob.State.FAILED);
        assertEquals("Your storage is full", job.error());
        queue.close();
    }

    @Test
    void contentRefusal_shouldOfferNoRetry_butANetworkErrorShould() throws Exception {
        UploadQueue queue = new UploadQueue((p, name, type, progress, cancel) -> {
            if (p.getFileName().toString().startsWith("fake")) {
                throw new ApiException(415, "content_mismatch", "the uploaded bytes are not image/png");
            }
            throw ApiException.network(new java.io.IOException("connection reset"));
        }, 1000);
        UploadJob fake = queue.add(file("fake.png", 10));
        UploadJob cut = queue.add(file("cut.png", 10));
        await(() -> fake.isFinished() && cut.isFinished());
        assertEquals(UploadJob.State.FAILED, fake.state());
        assertTrue(fake.isPermanentFailure());
        assertEquals(false, queue.canRetry(fake));
        assertEquals(UploadJob.State.FAILED, cut.state());
        assertTrue(queue.canRetry(cut));
        queue.close();
    }
}
