package com.audmg.drive.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.audmg.drive.local.http.RawHttp;
import com.audmg.drive.local.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** The data folder and what the local cloud, its functions' logs and s3proxy write in it: owner only. */
class PrivateDataFolderTest {
    @TempDir
    Path dir;

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Entries under {@code root} that group or others may use, with their modes. */
    static List<String> exposed(Path root, Path... except) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (List.of(except).contains(p)) {
                    continue;
                }
                for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!perm.name().startsWith("OWNER_")) {
                        out.add(root.relativize(p) + " " + mode(p));
                        break;
                    }
                }
            }
        }
        return out;
    }

    static void writeOpen(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void dataFolder_shouldBeOwnerOnly_includingAnEarlierReleasesFilesAndEverythingS3proxyWrites() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path probe = Files.createFile(dir.resolve("umask-probe"));
        assumeTrue(mode(probe).contains("r--r"), "the umask already hides new files (" + mode(probe)
                + "): this test could not tell a fix from none");

        // GIVEN a data folder as an earlier release left it: 0755 folders, 0644 files
        Path data = dir.resolve("data");
        writeOpen(data.resolve("parameters.properties"), "/security/local/shared=old-secret\n");
        writeOpen(data.resolve("s3-credentials.properties"), "accessKeyId=LOCALOLDKEY\nsecretAccessKey=0123456789abcdef\n");
        writeOpen(data.resolve("s3/old-bucket/users/u1/file.bin"), "an old user's file");
        writeOpen(data.resolve("logs/owner.log"), "old log line\n");
        Path unrelated = data.resolve("notes.sh");
        writeOpen(unrelated, "#!/bin/sh\n");
        Files.setPosixFilePermissions(unrelated, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }

        // WHEN the local cloud starts on it (named as the README's `--data-dir ./.drive-data` names it: with a "."
        // in the path) and runs a function, creates a parameter and stores objects
        HttpClient http = HttpClient.newHttpClient();
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve(".").resolve("data"))
                .config(TestFixtures.resource("security-serverless.yml"))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null)
                .build())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/owner")).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            Map<String, String> env = new HashMap<>();
            for (String line : r.body().split("\n")) {
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
            URI ssm = URI.create(env.get("AWS_ENDPOINT_URL_SSM"));
            RawHttp.Answer created = RawHttp.post(ssm.getPort(), ssm.getPath(), "127.0.0.1:" + ssm.getPort(),
                    "{\"Name\":\"/security/local/owner-only\"}", "X-Amz-Target: AmazonSSM.GetParameter");
            assertEquals(200, created.status(), created.body());
            assertTrue(Files.readString(data.resolve("parameters.properties")).contains("owner-only"));

            S3Settings s3 = new S3Settings(URI.create(env.get("AWS_ENDPOINT_URL_S3")), env.get("AWS_ACCESS_KEY_ID"),
                    env.get("AWS_SECRET_ACCESS_KEY"));
            assertEquals("LOCALOLDKEY", s3.accessKeyId(), "the earlier release's credentials are kept");
            try (S3Client client = s3.client("us-east-1", Duration.ofSeconds(10))) {
                client.createBucket(b -> b.bucket("new-bucket"));
                client.putObject(b -> b.bucket("new-bucket").key("users/u2/photos/a.jpg"), RequestBody.fromString("jpeg"));
                client.copyObject(b -> b.sourceBucket("new-bucket").sourceKey("users/u2/photos/a.jpg")
                        .destinationBucket("new-bucket").destinationKey("users/u2/copies/a.jpg"));
                String upload = client.createMultipartUpload(b -> b.bucket("new-bucket").key("users/u2/big.bin"))
                        .uploadId();
                String etag = client.uploadPart(b -> b.bucket("new-bucket").key("users/u2/big.bin").uploadId(upload)
                        .partNumber(1), RequestBody.fromString("part one")).eTag();
                // THEN even a multipart upload's parts, while it runs, are private
                assertEquals(List.of(), exposed(data.resolve("s3")), "during a multipart upload");
                client.completeMultipartUpload(b -> b.bucket("new-bucket").key("users/u2/big.bin").uploadId(upload)
                        .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
            }
            // THEN nothing in the folder is open to group or others (but a file that is not the cloud's)
            assertEquals(List.of(), exposed(data, unrelated));
            assertEquals("rwx------", mode(data));
            for (String file : List.of("parameters.properties", "s3-credentials.properties", "logs/owner.log",
                    "runtime/lambda-worker.jar", "s3/new-bucket/users/u2/photos/a.jpg", "s3/new-bucket/users/u2/big.bin",
                    "s3/new-bucket/users/u2/copies/a.jpg", "s3/old-bucket/users/u1/file.bin")) {
                assertEquals("rw-------", mode(data.resolve(file)), file);
            }
            for (String folder : List.of("s3", "s3/new-bucket", "s3/new-bucket/users/u2/photos", "logs", "runtime")) {
                assertEquals("rwx------", mode(data.resolve(folder)), folder);
            }
            assertEquals("rwxr-xr-x", mode(unrelated), "what the local cloud did not make is left as it was");
        }
    }
}
