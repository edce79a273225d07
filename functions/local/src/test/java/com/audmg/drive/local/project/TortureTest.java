package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torture test of issue 10: the real serverless.yml and artifact on the local cloud, several users and
 * many concurrent workers creating, uploading, completing, cancelling, deleting, listing and downloading
 * over real HTTP, then every invariant checked through the API and the embedded S3 (see {@link Torture}).
 *
 * <p>The default is short (about 20 s, small bodies) so that it runs in {@code ./mvnw -B verify}. The long
 * run, as a command (see functions/local/README.md):
 * <pre>
 * ./mvnw -B -pl functions/local -am verify -Dtest='TortureTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtorture.seconds=600 -Dtorture.workers=16 -Dtorture.minBytes=1048576 -Dtorture.maxBytes=10485760
 * </pre>
 */
@EnabledIf(value = "com.audmg.drive.local.project.RealProjectTest#artifactExists",
        disabledReason = "functions/lambda/target/audmg-functions.jar not built")
class TortureTest {

    @TempDir
    Path dataDir;

    /** Every worker works on its own files; the files of one user still change concurrently. */
    @Test
    void randomLoad_shouldKeepEveryInvariant_whenEachFileHasOneClientAtATime() throws Exception {
        Torture.Result result = run(Torture.Settings.fromSystemProperties().withSameFileRaces(false));
        assertTrue(result.clean(), result.summary());
    }

    /** Two completes of one upload at once, completes racing DELETEs, and the two completes + DELETE. */
    @Test
    void randomLoad_shouldKeepEveryInvariant_whenRequestsOnOneFileRace() throws Exception {
        Torture.Result result = run(Torture.Settings.fromSystemProperties().withSameFileRaces(true));
        assertTrue(result.clean(), result.summary());
    }

    private Torture.Result run(Torture.Settings settings) throws Exception {
        // -Dtorture.dataDir=DIR keeps the data folder (function logs, objects) for a look afterwards.
        Path dir = System.getProperty("torture.dataDir") == null ? dataDir : Path.of(System.getProperty("torture.dataDir"));
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dir)
                .config(RealProjectTest.CONFIG).artifact(RealProjectTest.ARTIFACT)
                .console(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .prewarm(true).build())) {
            return new Torture(cloud.baseUrl(), dir.resolve("s3-credentials.properties"), settings, System.out).run();
        }
    }
}
