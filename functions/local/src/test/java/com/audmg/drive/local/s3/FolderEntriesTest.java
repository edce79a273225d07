package com.audmg.drive.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The embedded S3 keeps a key's slashes as folders on disk; S3 has no folders. A listing, a HEAD or a GET must show
 * only objects (what `aws s3 sync` down and `aws s3 rm --recursive` rely on), with folders only as common prefixes
 * of a delimited listing, over real HTTP with the AWS SDK.
 */
class FolderEntriesTest {
    static final String BUCKET = "folders";

    @TempDir
    static Path dir;

    static EmbeddedS3 s3;
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), dir.resolve("creds.properties"), 0, List.of(BUCKET));
        client = s3.settings().client("us-east-1", Duration.ofSeconds(30));
        for (String key : List.of("top.txt", "a/one.txt", "a/b/two.txt", "a/b/c/three.txt", "gone/soon.txt")) {
            client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key));
        }
        client.deleteObject(b -> b.bucket(BUCKET).key("gone/soon.txt"));
        // a folder left on disk with nothing in it (a delete that raced a write, or an older release's leftovers)
        Files.createDirectories(dir.resolve("s3").resolve(BUCKET).resolve("empty/inner"));
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @Test
    void aListingWithoutDelimiter_shouldHoldOnlyObjects() {
        ListObjectsV2Response listed = client.listObjectsV2(b -> b.bucket(BUCKET));
        assertEquals(List.of("a/b/c/three.txt", "a/b/two.txt", "a/one.txt", "top.txt"),
                listed.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/b/c/three.txt", "a/b/two.txt"),
                client.listObjectsV2(b -> b.bucket(BUCKET).prefix("a/b/")).contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/b/c/three.txt", "a/b/two.txt"), client.listObjectsV2(b -> b.bucket(BUCKET).prefix("a/b"))
                .contents().stream().map(S3Object::key).toList());
    }

    @Test
    void aDelimitedListing_shouldShowFoldersWithObjectsAsCommonPrefixesOnly() {
        ListObjectsV2Response top = client.listObjectsV2(b -> b.bucket(BUCKET).delimiter("/"));
        assertEquals(List.of("top.txt"), top.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/"), top.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        ListObjectsV2Response inA = client.listObjectsV2(b -> b.bucket(BUCKET).prefix("a/").delimiter("/"));
        assertEquals(List.of("a/one.txt"), inA.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/b/"), inA.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
    }

    @Test
    void aFolder_shouldNotBeAnObject() {
        for (String key : List.of("a/", "a/b/", "empty/", "gone/")) {
            assertThrows(NoSuchKeyException.class, () -> client.headObject(b -> b.bucket(BUCKET).key(key)), key);
            assertThrows(NoSuchKeyException.class, () -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)), key);
        }
    }
}
