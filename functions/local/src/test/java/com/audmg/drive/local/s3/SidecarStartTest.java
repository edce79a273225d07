package com.audmg.drive.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a start of the embedded S3 reads of the metadata records ({@link SidecarMetadata}): after a clean close only
 * the objects' own attributes; after a run that did not close (a crash, a kill) every record, recording what is
 * missing and removing records of objects that are gone.
 */
class SidecarStartTest {
    private static final String BUCKET = "start-bucket";

    @TempDir
    Path dir;

    @Test
    void afterACleanClose_recordsAreNotRead_andAfterACrash_theyAreRepaired() throws Exception {
        Path storage = dir.resolve("s3");
        Path records = dir.resolve("s3-metadata");
        // GIVEN two objects written through the embedded S3, which then closed cleanly
        try (EmbeddedS3 s3 = EmbeddedS3.start(storage, dir.resolve("creds.properties"), 0, List.of(BUCKET));
             S3Client client = s3.settings().client("us-east-1", Duration.ofSeconds(30))) {
            client.putObject(p -> p.bucket(BUCKET).key("a.txt").contentType("text/plain"), RequestBody.fromString("a"));
            client.putObject(p -> p.bucket(BUCKET).key("b/c.txt").contentType("text/plain"),
                    RequestBody.fromString("c"));
        }
        assertTrue(Files.exists(records.resolve(SidecarMetadata.CLOSED_CLEANLY)), "the clean close is marked");
        SidecarMetadata sidecars = new SidecarMetadata(storage, records);
        // AND damage only a full check would see: a record of an object that is gone, an object whose record is gone
        Path orphan = sidecars.sidecar(BUCKET, "gone.txt");
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "key=gone.txt\nsize=1\n");
        Files.delete(sidecars.sidecar(BUCKET, "b/c.txt"));

        // WHEN the next start follows the clean close
        SidecarMetadata.Report afterClean = sidecars.reconcile();

        // THEN no record was read or written (the objects have their attributes), and the mark is gone until the
        // next clean close
        assertEquals(new SidecarMetadata.Report(2, 0, 0, 0, 0), afterClean);
        assertTrue(Files.exists(orphan));
        assertFalse(Files.exists(records.resolve(SidecarMetadata.CLOSED_CLEANLY)));

        // WHEN that run ends without closing (no mark) and the store starts again
        SidecarMetadata.Report afterCrash = sidecars.reconcile();

        // THEN every record is checked: the missing one is recorded, the orphan removed
        assertEquals(new SidecarMetadata.Report(2, 0, 0, 1, 1), afterCrash);
        assertFalse(Files.exists(orphan));
        assertTrue(Files.exists(sidecars.sidecar(BUCKET, "b/c.txt")));
    }

    @Test
    void aRunInWhichARecordCouldNotBeWritten_shouldLeaveNoCleanCloseMark() throws Exception {
        Path storage = dir.resolve("s3");
        Path records = dir.resolve("s3-metadata");
        SidecarMetadata sidecars = new SidecarMetadata(storage, records);
        // GIVEN a record that cannot be written: a folder, with a file in it, where x.txt's record goes
        Path blocked = sidecars.sidecar(BUCKET, "x.txt");
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("in-the-way"), "");
        try (EmbeddedS3 s3 = EmbeddedS3.start(storage, dir.resolve("creds.properties"), 0, List.of(BUCKET));
             S3Client client = s3.settings().client("us-east-1", Duration.ofSeconds(30))) {
            client.putObject(p -> p.bucket(BUCKET).key("a.txt"), RequestBody.fromString("a"));
            // WHEN a write's record fails (the write itself is answered with an error)
            assertThrows(Exception.class, () -> client.putObject(p -> p.bucket(BUCKET).key("x.txt"),
                    RequestBody.fromString("x")));
        }
        // THEN its close leaves no mark: the next start checks every record, as after a crash
        assertFalse(Files.exists(records.resolve(SidecarMetadata.CLOSED_CLEANLY)));
        Files.delete(blocked.resolve("in-the-way"));
        Files.delete(blocked);
        SidecarMetadata.Report next = sidecars.reconcile();
        assertEquals(2, next.objects(), next.toString());
        assertEquals(1, next.recorded(), next.toString());
        assertTrue(Files.isRegularFile(sidecars.sidecar(BUCKET, "x.txt")));
    }
}
