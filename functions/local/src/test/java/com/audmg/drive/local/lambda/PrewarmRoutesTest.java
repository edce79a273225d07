package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code LocalCloud.prewarmRoutes}: an app starts only the functions behind the routes its first screen calls. */
class PrewarmRoutesTest {
    @TempDir
    Path dir;

    static List<String> workerFunctions() {
        return ProcessHandle.current().descendants()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("com.audmg.drive.local.lambda.bootstrap.WorkerMain"))
                .map(c -> c.replaceAll(".*-Daudmg\\.function=(\\S+).*", "$1"))
                .toList();
    }

    @Test
    void prewarmRoutes_shouldStartOnlyTheFunctionsBehindThem_andRefuseUnknownRoutes() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.resource("lite-serverless.yml"))
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(null)
                .build())) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> cloud.prewarmRoutes(List.of("GET /whoami", "GET /nowhere")));
            assertTrue(unknown.getMessage().contains("GET /nowhere"), unknown.getMessage());
            assertEquals(List.of(), workerFunctions(), "nothing started for a refused list");

            cloud.prewarmRoutes(List.of("GET /whoami"));

            long until = System.nanoTime() + 60_000_000_000L;
            while (workerFunctions().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            Thread.sleep(1000); // anything else it would start, it starts at once
            assertEquals(List.of("whoami"), workerFunctions());
        }
    }
}
