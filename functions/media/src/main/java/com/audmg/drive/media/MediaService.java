package com.audmg.drive.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.audmg.drive.files.FileRecord;
import com.audmg.drive.files.FileService;
import com.audmg.drive.files.MediaTypes;
import com.audmg.drive.files.ObjectReleaser;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Processes one uploaded object ({@code <userId>/<objectId>} in the media bucket) and records the
 * result in the file that holds it. Idempotent (S3 delivers at least once): an object already
 * processed is skipped, derived objects have fixed names per object, and a result is recorded only
 * while a file still holds the object; otherwise what was derived is deleted again.
 */
public final class MediaService {

    /** What the queue should do with the message. */
    public enum Outcome {
        /** Done, skipped (nothing holds the object, or done already): delete the message. */
        DONE,
        /** Failed: leave the message for another receive (and, after the last, the dead-letter queue). */
        RETRY
    }

    /** Limits: objects above {@code maxBytes} are not processed (failed with that reason). */
    public record Settings(String mediaBucket, String derivedBucket, long maxBytes, int maxReceives, Path workRoot) {
    }

    private final FileService files;
    private final ObjectReleaser releaser;
    private final S3Client s3;
    private final Settings settings;
    private final Clock clock;
    private final ImageProcessor images = new ImageProcessor();
    private final AudioProcessor audio = new AudioProcessor();

    public MediaService(FileService files, ObjectReleaser releaser, S3Client s3, Settings settings, Clock clock) {
        this.files = files;
        this.releaser = releaser;
        this.s3 = s3;
        this.settings = settings;
        this.clock = clock;
    }

    /** Processes the object; {@code receiveCount} is the message's (1 on its first delivery). */
    public Outcome process(String userId, String objectId, int receiveCount) {
        StructuredLog.annotate("objectId", objectId);
        Optional<FileRecord> holder = files.locate(userId, objectId);
        if (holder.isEmpty()) {
            StructuredLog.annotate("mediaOutcome", "unreferenced");
            return Outcome.DONE;
        }
        FileRecord file = holder.get();
        FileRecord.Processing before = file.processingOf(objectId);
        if (before != null && before.isDone()) {
            StructuredLog.annotate("mediaOutcome", "already-done");
            return Outcome.DONE;
        }
        String contentType = contentTypeOf(file, objectId);
        String key = Keys.media(userId, objectId);
        Path work = null;
        try {
            Optional<HeadObjectResponse> head = files.head(key);
            if (head.isEmpty()) {
                StructuredLog.annotate("mediaOutcome", "object-gone");
                return Outcome.DONE;
            }
            long size = head.get().contentLength();
            if (size > settings.maxBytes()) {
                throw new MediaException("the file is larger than the " + settings.maxBytes() + " bytes processed");
            }
            work = Files.createTempDirectory(settings.workRoot(), "media-");
            Path original = work.resolve("original");
            long started = System.nanoTime();
            try {
                s3.getObject(GetObjectRequest.builder().bucket(settings.mediaBucket()).key(key).build(), original);
            } catch (NoSuchKeyException e) {
                StructuredLog.annotate("mediaOutcome", "object-gone");
                return Outcome.DONE;
            }
            Derived derived = MediaTypes.IMAGE.equals(MediaTypes.kindOf(contentType))
                    ? images.process(original, work)
                    : audio.process(original, contentType, work);
            List<String> names = new ArrayList<>();
            for (Derived.Output output : derived.outputs()) {
                s3.putObject(PutObjectRequest.builder().bucket(settings.derivedBucket())
                        .key(Keys.derived(userId, objectId, output.name())).contentType(output.contentType())
                        .build(), RequestBody.fromFile(output.file()));
                names.add(output.name());
            }
            FileService.RecordOutcome recorded = files.recordProcessing(userId, file.id(), objectId,
                    FileRecord.Processing.done(derived.media(), names, clock.instant()));
            if (recorded.recorded() == FileService.Recorded.GONE) {
                // Deleted, cancelled or its versions dropped while this ran: leave nothing behind.
                releaser.deleteDerived(userId, objectId);
            }
            StructuredLog.annotate("mediaOutcome", "done-" + recorded.recorded().name().toLowerCase());
            StructuredLog.metric("MediaProcessingMs", (System.nanoTime() - started) / 1_000_000, "Milliseconds");
            StructuredLog.metric("MediaBytesProcessed", size, "Bytes");
            return Outcome.DONE;
        } catch (MediaException e) {
            // The bytes themselves are at fault: say so at once; the retries (then the DLQ) still follow.
            fail(userId, file, objectId, e.getMessage());
            return Outcome.RETRY;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            StructuredLog.annotate("mediaError", e.getClass().getSimpleName() + ": " + e.getMessage());
            if (receiveCount >= settings.maxReceives()) {
                fail(userId, file, objectId, "processing failed " + receiveCount + " times: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            return Outcome.RETRY;
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private void fail(String userId, FileRecord file, String objectId, String reason) {
        StructuredLog.annotate("mediaOutcome", "failed");
        StructuredLog.annotate("mediaFailure", reason);
        FileService.RecordOutcome recorded = files.recordProcessing(userId, file.id(), objectId,
                FileRecord.Processing.failed(reason, clock.instant()));
        if (recorded.recorded() == FileService.Recorded.ATTACHED) {
            files.publishFailure(userId, recorded.file(), objectId, reason);
        }
    }

    private static String contentTypeOf(FileRecord file, String objectId) {
        for (FileRecord.Version v : file.versions()) {
            if (v.objectId().equals(objectId)) {
                return v.contentType();
            }
        }
        return file.upload() != null && file.upload().objectId().equals(objectId) ? file.upload().contentType()
                : file.contentType();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // /tmp is per container and bounded; a leftover is logged, not fatal.
            StructuredLog.annotate("workDirLeft", dir.toString());
        }
    }
}
