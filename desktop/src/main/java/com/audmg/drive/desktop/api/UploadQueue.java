package com.audmg.drive.desktop.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Uploads files two at a time. Validates type and size before sending, reports progress and speed per job
 * (throttled), supports cancel and retry. Listeners are called on worker threads.
 */
public final class UploadQueue implements AutoCloseable {

    /** Sends one file; {@link DriveClient#upload} in the app. */
    @FunctionalInterface
    public interface Uploader {
        DriveFile upload(Path file, String name, String contentType, Progress progress, Cancellation cancellation)
                throws ApiException;
    }

    /** Observes the queue. */
    public interface Listener {
        void changed(UploadJob job);

        default void uploaded(DriveFile file) {
        }
    }

    public static final int PARALLEL_UPLOADS = 2;
    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

    private final Uploader uploader;
    private final long maxBytes;
    private final ExecutorService workers;
    private final List<UploadJob> jobs = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public UploadQueue(Uploader uploader, long maxBytes) {
        this.uploader = uploader;
        this.maxBytes = maxBytes;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(PARALLEL_UPLOADS, r -> {
            Thread t = new Thread(r, "upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** The jobs, newest batch first, each batch in the order its files were added. */
    public List<UploadJob> jobs() {
        List<UploadJob> out = new ArrayList<>(jobs);
        out.sort(Comparator.comparingLong(UploadJob::batch).reversed());
        return List.copyOf(out);
    }

    /** Adds a file under its own name, in batch 0; a file the API would refuse is added as FAILED, not sent. */
    public UploadJob add(Path file) {
        return add(file, file.getFileName().toString(), 0);
    }

    /** Adds a file to upload under {@code name}; a file the API would refuse is added as FAILED, not sent. */
    public UploadJob add(Path file, String name, long batch) {
        long size;
        long modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            size = -1;
            modified = -1;
        }
        Optional<String> type = FileTypes.contentTypeOf(file);
        UploadJob job = new UploadJob(file, name, type.orElse("application/octet-stream"), size, modified, batch);
        jobs.add(job);
        String problem = null;
        if (size < 0 || !Files.isRegularFile(file)) {
            problem = "Cannot read this file";
        } else if (type.isEmpty()) {
            problem = "Unsupported type. Allowed: " + FileTypes.describeAccepted();
        } else if (size == 0) {
            problem = "The file is empty";
        } else if (size > maxBytes) {
            problem = "Too large (max " + (maxBytes >= 1L << 30 ? maxBytes / (1L << 30) + " GB)"
                    : maxBytes / (1024 * 1024) + " MB)");
        }
        if (problem != null) {
            job.fail(problem);
            fire(job);
        } else {
            schedule(job);
        }
        return job;
    }

    public void cancel(UploadJob job) {
        if (job.isFinished()) {
            return;
        }
        job.cancellation().cancel();
        if (job.state() == UploadJob.State.QUEUED) {
            job.state(UploadJob.State.CANCELLED);
            fire(job);
        }
    }

    /** False for files the API would refuse anyway (type, size), so the UI offers no retry for them. */
    public boolean canRetry(UploadJob job) {
        return (job.state() == UploadJob.State.FAILED || job.state() == UploadJob.State.CANCELLED)
                && !job.isPermanentFailure() && job.size() > 0 && job.size() <= maxBytes && FileTypes.contentTypeOf(job.path()).isPresent();
    }

    public void retry(UploadJob job) {
        if (canRetry(job)) {
            schedule(job);
        }
    }

    /** Drops finished jobs from the list. */
    public void clearFinished() {
        jobs.removeIf(j -> j.state() == UploadJob.State.DONE || j.state() == UploadJob.State.CANCELLED);
    }

    private void schedule(UploadJob job) {
        job.reset();
        fire(job);
        workers.submit(() -> run(job));
    }

    private void run(UploadJob job) {
        Cancellation cancellation = job.cancellation();
        if (cancellation.isCancelled()) {
            return;
        }
        job.state(UploadJob.State.UPLOADING);
        fire(job);
        long start = System.nanoTime();
        long[] lastFire = {0};
        try {
            DriveFile file = uploader.upload(job.path(), job.name(), job.contentType(), (done, total) -> {
                long now = System.nanoTime();
                double seconds = Math.max(1e-3, (now - start) / 1e9);
                job.progress(done, done / seconds);
                if (now - lastFire[0] >= PROGRESS_INTERVAL_NANOS) {
                    lastFire[0] = now;
                    fire(job);
                }
            }, cancellation);
            job.done(file);
            fire(job);
            listeners.forEach(l -> l.uploaded(file));
        } catch (TransferCancelledException e) {
            job.state(UploadJob.State.CANCELLED);
            fire(job);
        } catch (ApiException e) {
            if (cancellation.isCancelled()) {
                job.state(UploadJob.State.CANCELLED);
            } else if (isPermanent(e)) {
                job.failForGood(describe(e));
            } else {
                job.fail(describe(e));
            }
            fire(job);
        } catch (RuntimeException e) {
            job.fail("Unexpected error: " + e.getMessage());
            fire(job);
        }
    }

    /** Refusals of the bytes themselves: the same file fails the same way however often it is sent. */
    static boolean isPermanent(ApiException e) {
        return switch (e.code()) {
            case "too_large", "unsupported_media_type", "content_mismatch" -> true;
            default -> false;
        };
    }

    static String describe(ApiException e) {
        return switch (e.code()) {
            case "too_large" -> "Too large for the drive";
            case "unsupported_media_type", "content_mismatch" -> "Not an allowed image or audio file: "
                    + e.getMessage();
            case "quota_exceeded" -> "Your storage is full";
            case "network_error" -> "Network problem: " + e.getMessage();
            default -> e.getMessage();
        };
    }

    private void fire(UploadJob job) {
        for (Listener l : listeners) {
            l.changed(job);
        }
    }

    @Override
    public void close() {
        jobs.forEach(j -> j.cancellation().cancel());
        workers.shutdownNow();
    }
}
