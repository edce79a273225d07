package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactReloadTest {
    @TempDir
    Path dir;

    @Test
    void rebuiltArtifact_shouldBeServedByANewWorker_withoutRestartingTheCloud() throws Exception {
        // GIVEN a running cloud whose counter function has state
        Path jar = Files.copy(TestFixtures.fixtureJar(dir.resolve("build")), dir.resolve("app.jar"));
        HttpClient http = HttpClient.newHttpClient();
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dir.resolve("data"))
                .config(TestFixtures.fixtureConfig()).artifact(jar).console(null).build())) {
            HttpRequest counter = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/counter")).GET().build();
            assertEquals("calls=1", http.send(counter, HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("calls=2", http.send(counter, HttpResponse.BodyHandlers.ofString()).body());

            // WHEN the artifact is rebuilt
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

            // THEN the next call runs on a fresh handler instance
            assertEquals("calls=1", http.send(counter, HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("calls=2", http.send(counter, HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(Files.readString(dir.resolve("data/logs/counter.log")).contains("artifact changed"));
        }
    }
}
