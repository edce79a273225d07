package com.audmg.drive.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A data folder copied without extended attributes (as plain tar, cp -r and rsync -a do) keeps working with
 * nothing lost once the local cloud restarts on it.
 */
class BackupRestoreTest {
    static final String BUCKET = "fixture-app-local-storebucket";

    @TempDir
    Path dir;

    LocalCloud start(Path dataDir) throws IOException {
        return LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir)
                .config(TestFixtures.fixtureConfig()).artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null).build());
    }

    /** Java's Files.copy of each file: bytes and times, no user extended attributes. */
    static void copyWithoutXattrs(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void copiedDataFolder_shouldKeepETagsContentTypesAndMetadata_andConditionalWritesWork() throws Exception {
        // GIVEN objects written through the local cloud: a single-part one with headers and metadata, a multipart one
        Path original = dir.resolve("original");
        Map<String, HeadObjectResponse> before;
        try (LocalCloud cloud = start(original); S3Client s3 = cloud.s3().client("eu-west-1", Duration.ofSeconds(30))) {
            s3.putObject(p -> p.bucket(BUCKET).key("songs/a.mp3").contentType("audio/mpeg")
                    .contentDisposition("inline").metadata(Map.of("owner", "alice")), RequestBody.fromString("ID3 song"));
            s3.putObject(p -> p.bucket(BUCKET).key("index/alice.json").contentType("application/json"),
                    RequestBody.fromString("{\"files\":[]}"));
            String upload = s3.createMultipartUpload(p -> p.bucket(BUCKET).key("big.bin")
                    .contentType("application/x-big")).uploadId();
            String part1 = s3.uploadPart(p -> p.bucket(BUCKET).key("big.bin").uploadId(upload).partNumber(1),
                    RequestBody.fromBytes(new byte[5 * 1024 * 1024])).eTag();
            String part2 = s3.uploadPart(p -> p.bucket(BUCKET).key("big.bin").uploadId(upload).partNumber(2),
                    RequestBody.fromString("tail")).eTag();
            s3.completeMultipartUpload(p -> p.bucket(BUCKET).key("big.bin").uploadId(upload).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(part1).build(),
                    CompletedPart.builder().partNumber(2).eTag(part2).build())));
            before = heads(s3);
        }

        // WHEN the folder is copied without extended attributes and the local cloud restarts on the copy
        Path copy = dir.resolve("copy");
        copyWithoutXattrs(original, copy);
        Path copiedObject = copy.resolve("s3").resolve(BUCKET).resolve("songs/a.mp3");
        assertTrue(SidecarMetadata.readAttributes(copiedObject).isEmpty(), "the copy really lost its attributes");
        try (LocalCloud cloud = start(copy); S3Client s3 = cloud.s3().client("eu-west-1", Duration.ofSeconds(30))) {
            // THEN every object has its ETag, content type and metadata back
            Map<String, HeadObjectResponse> after = heads(s3);
            for (String key : before.keySet()) {
                HeadObjectResponse b = before.get(key);
                HeadObjectResponse a = after.get(key);
                assertEquals(b.eTag(), a.eTag(), key);
                assertEquals(b.contentType(), a.contentType(), key);
                assertEquals(b.contentDisposition(), a.contentDisposition(), key);
                assertEquals(b.metadata(), a.metadata(), key);
            }
            assertEquals("audio/mpeg", after.get("songs/a.mp3").contentType());
            assertTrue(after.get("big.bin").eTag().endsWith("-2\""), after.get("big.bin").eTag());

            // AND compare-and-swap writes work on the restored objects
            String etag = after.get("index/alice.json").eTag();
            String next = s3.putObject(p -> p.bucket(BUCKET).key("index/alice.json").ifMatch(etag)
                    .contentType("application/json"), RequestBody.fromString("{\"files\":[1]}")).eTag();
            assertNotEquals(etag, next);
            S3Exception stale = assertThrows(S3Exception.class, () -> s3.putObject(p -> p.bucket(BUCKET)
                    .key("index/alice.json").ifMatch(etag), RequestBody.fromString("lost update")));
            assertEquals(412, stale.statusCode());
            // AND the start said what it repaired
            assertTrue(cloud.startupSummary().contains("S3 metadata repaired for 3 of 3 objects (the data folder was"
                    + " copied without extended attributes): 3 restored from s3-metadata/"), cloud.startupSummary()
                    .toString());
        }
    }

    @Test
    void copiedFolderWithoutRecords_shouldGetRecomputedETags_andGuessedContentTypes() throws Exception {
        // GIVEN a store whose records were not copied either (a folder from before records existed)
        Path original = dir.resolve("old");
        try (EmbeddedS3 s3 = EmbeddedS3.start(original.resolve("s3"), original.resolve("creds.properties"), 0,
                List.of("old-bucket")); S3Client client = s3.settings().client("us-east-1", Duration.ofSeconds(30))) {
            client.putObject(p -> p.bucket("old-bucket").key("notes.txt").contentType("text/plain"),
                    RequestBody.fromString("hello"));
        }
        Path copy = dir.resolve("old-copy");
        copyWithoutXattrs(original, copy);
        try (Stream<Path> records = Files.walk(copy.resolve("s3-metadata"))) {
            for (Path p : records.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        // WHEN the store starts on it
        try (EmbeddedS3 s3 = EmbeddedS3.start(copy.resolve("s3"), copy.resolve("creds.properties"), 0, List.of("old-bucket"));
             S3Client client = s3.settings().client("us-east-1", Duration.ofSeconds(30))) {
            // THEN the ETag is the MD5 again, the type guessed from the name, and conditional writes work
            HeadObjectResponse head = client.headObject(h -> h.bucket("old-bucket").key("notes.txt"));
            String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals("\"" + md5 + "\"", head.eTag());
            assertEquals("text/plain", head.contentType());
            client.putObject(p -> p.bucket("old-bucket").key("notes.txt").ifMatch(head.eTag()), RequestBody.fromString("v2"));
            assertTrue(s3.repairReport().orElseThrow().contains("1 without a record"), s3.repairReport().toString());
        }
    }

    private static Map<String, HeadObjectResponse> heads(S3Client s3) {
        Map<String, HeadObjectResponse> heads = new java.util.TreeMap<>();
        for (String key : List.of("songs/a.mp3", "index/alice.json", "big.bin")) {
            heads.put(key, s3.headObject(h -> h.bucket(BUCKET).key(key)));
        }
        return heads;
    }
}
