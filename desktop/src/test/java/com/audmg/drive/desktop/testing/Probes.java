package com.audmg.drive.desktop.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A probe run in a process of its own (a real window manager's display, a D-Bus session): its output goes to a file
 * (a daemon started inside could hold a pipe open), and what it saw comes back as {@code PROBE key=value} lines.
 */
public final class Probes {

    private Probes() {
    }

    /** Runs {@code pb} to its end (killed after {@code seconds}); its {@code PROBE} lines, in order. */
    public static Map<String, String> run(ProcessBuilder pb, Path log, int seconds) throws Exception {
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the probe ends: " + out);
        Map<String, String> seen = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("PROBE ") && line.indexOf('=') > 0) {
                int eq = line.indexOf('=');
                seen.put(line.substring(6, eq), line.substring(eq + 1).strip());
            }
        }
        seen.put("exit", Integer.toString(p.exitValue()));
        seen.put("output", out);
        return seen;
    }
}
