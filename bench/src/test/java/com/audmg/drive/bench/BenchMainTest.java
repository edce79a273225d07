package com.audmg.drive.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void run_shouldDispatchToEachBenchmark_withItsOwnOptions() {
        assertEquals(0, run("cloud", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--cloud-jar"), out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--cold-functions"), out.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("desktop", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("audmg-bench.jar desktop"));
        assertEquals(2, run("cloud", "--no-such-option"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no-such-option"));
    }

    @Test
    void run_shouldRefuse_whenNoBenchmarkIsNamed() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cloud or desktop"));
    }

    @Test
    void cloud_shouldRefuse_whenTheProductJarIsMissing() {
        // tests run in bench/: the default functions/local/target/audmg-local-cloud.jar is not there
        assertEquals(2, run("cloud", "--config", "../serverless.yml"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--cloud-jar"), err.toString(StandardCharsets.UTF_8));
    }
}
