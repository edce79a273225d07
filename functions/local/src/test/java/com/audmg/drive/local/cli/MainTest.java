package com.audmg.drive.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertOneLineError(String expectedPart) {
        String e = error();
        assertTrue(e.startsWith("error: ") && e.contains(expectedPart), e);
        assertEquals(1, e.strip().lines().count(), "one line, no stack trace: " + e);
    }

    @Test
    void help_shouldPrintUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--data-dir"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--lite"));
    }

    @Test
    void bench_shouldNotBeACommand_becauseTheBenchmarksLiveInTheirOwnModule() {
        assertEquals(2, run("bench", "--quick"));
        assertOneLineError("unknown option bench");
    }

    @Test
    void badOptions_shouldFailWithOneLine() {
        assertEquals(2, run("--port", "70000"));
        assertOneLineError("--port");
    }

    @Test
    void takenPort_shouldFailWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertEquals(1, run("--port", Integer.toString(port), "--data-dir", dir.resolve("d").toString(),
                    "--config", TestFixtures.fixtureConfig().toString(),
                    "--artifact", TestFixtures.fixtureJar(dir.resolve("build")).toString()));
            assertOneLineError("port " + port + " is already in use");
        }
    }

    @Test
    void unusableDataDir_shouldFailWithOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertEquals(1, run("--port", "0", "--data-dir", file.resolve("sub").toString(),
                "--config", TestFixtures.fixtureConfig().toString()));
        assertOneLineError("data folder");
    }

    @Test
    void badServerlessYml_shouldFailWithOneLine() throws Exception {
        Path yml = Files.writeString(dir.resolve("serverless.yml"), "service: x\nfunctions: [oops\n");
        assertEquals(1, run("--port", "0", "--data-dir", dir.resolve("d").toString(), "--config", yml.toString()));
        assertOneLineError("not valid YAML");
    }

    @Test
    void missingArtifact_shouldFailWithOneLine() {
        assertEquals(1, run("--port", "0", "--data-dir", dir.resolve("d").toString(),
                "--config", TestFixtures.fixtureConfig().toString(), "--artifact", dir.resolve("no.jar").toString()));
        assertOneLineError("handler artifact not found");
    }
}
