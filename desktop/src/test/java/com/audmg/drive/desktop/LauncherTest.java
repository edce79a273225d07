package com.audmg.drive.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LauncherTest {

    @Test
    void displayProblem_shouldNameTheMissingDisplay_onlyWhereOneIsNeeded() {
        assertTrue(Launcher.displayProblem("Linux", Map.of(), null).contains("DISPLAY"));
        assertNull(Launcher.displayProblem("Linux", Map.of("DISPLAY", ":0"), null));
        assertNull(Launcher.displayProblem("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0"), null));
        assertNull(Launcher.displayProblem("Linux", Map.of(), "Monocle"));
        assertNull(Launcher.displayProblem("Windows 11", Map.of(), null));
        assertNull(Launcher.displayProblem("Mac OS X", Map.of(), null));
    }

    @Test
    void main_withoutADisplay_shouldPrintOneLineAndExit() throws Exception {
        // GIVEN the app started as a user would, in a fresh JVM with no display in its environment
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName()));
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        // THEN it ends at once with one line and no stack trace
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        String text = out.toString(StandardCharsets.UTF_8).strip();
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertEquals(2, p.exitValue());
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("Audmg Drive needs a graphical display"), text);
            assertFalse(text.contains("Exception"), text);
        }
    }
}
