package com.audmg.drive.desktop.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.audmg.drive.desktop.model.SystemTheme;
import com.audmg.drive.desktop.testing.Probes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's windows under real window managers (openbox, and xfwm4, Xfce's), each on its own Xvfb: the app on real
 * glass (not Monocle) in its own JVM ({@link WindowManagerProbe}), what the window manager did read back with xdotool
 * and xprop. The first window opens at its saved or default size (not the minimum), a modal dialog opens centred on
 * the main window, and a dialog leaves the main window maximised. Each case is skipped, saying which tool is missing,
 * when Xvfb, the window manager, xdotool or xprop is ({@code apt-get install xvfb openbox xfwm4 xdotool x11-utils};
 * {@code .ci/run} installs them).
 */
class WindowManagerTest {

    @TempDir
    static Path dir;
    /** The displays started, by window manager: Xvfb and the window manager on it. */
    private static final Map<String, Process[]> running = new java.util.HashMap<>();
    private static final Map<String, String> displays = new java.util.HashMap<>();

    /** The command that starts a window manager without a session manager. */
    private static List<String> command(String wm) {
        return switch (wm) {
            case "openbox" -> List.of("openbox", "--sm-disable");
            case "xfwm4" -> List.of("xfwm4", "--compositor=off");
            default -> throw new IllegalArgumentException(wm);
        };
    }

    /** A display managed by {@code wm} (started on first use), or a skip naming the missing tool. */
    private static synchronized String display(String wm) throws Exception {
        for (String tool : List.of("Xvfb", wm, "xdotool", "xprop")) {
            assumeTrue(SystemTheme.onPath(tool), tool + " not installed: the window manager check does not run");
        }
        if (displays.containsKey(wm)) {
            return displays.get(wm);
        }
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String n = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertTrue(n != null && n.strip().matches("\\d+"), "Xvfb tells its display number");
        String display = ":" + n.strip();
        Path log = dir.resolve(wm + ".log");
        ProcessBuilder pb = new ProcessBuilder(command(wm)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DISPLAY", display);
        pb.environment().put("HOME", Files.createDirectories(dir.resolve("home-" + wm)).toString());
        pb.environment().remove("SESSION_MANAGER");
        Process manager = pb.start();
        running.put(wm, new Process[] {manager, xvfb});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!run(display, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK").contains("window id")) {
            assertTrue(System.nanoTime() < deadline, () -> wm + " manages the display (alive: " + manager.isAlive()
                    + "): " + log(log));
            Thread.sleep(100);
        }
        displays.put(wm, display);
        return display;
    }

    @AfterAll
    static void stopDisplays() {
        for (Process[] ps : running.values()) {
            for (Process p : ps) {
                p.destroy();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openbox", "xfwm4"})
    void defaultSize_centredDialogs_andMaximisedStateKeptAcrossDialogs(String wm) throws Exception {
        Map<String, String> seen = launch(wm, "default", null);
        // THEN the first window has the default size (1100 x 720 with the window manager's frame), not the minimum
        // (760 x 520)
        assertEquals("1100x720", seen.get("first.size"), seen.toString());
        assertCentred(seen.get("dialog"), seen);
        // AND a dialog leaves the maximised main window maximised, while it shows and after it closed
        for (String when : List.of("maximized.before", "maximized.during", "maximized.after")) {
            String state = seen.get(when);
            assertTrue(state != null && state.startsWith("true ") && state.contains("_NET_WM_STATE_MAXIMIZED_VERT")
                    && state.contains("_NET_WM_STATE_MAXIMIZED_HORZ"), when + ": " + seen);
        }
        assertCentred(seen.get("maximized.dialog"), seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openbox", "xfwm4"})
    void savedSize_shouldBeTheFirstWindowsSize(String wm) throws Exception {
        Map<String, String> seen = launch(wm, "saved", "\"windowX\":60,\"windowY\":50,\"windowWidth\":900,"
                + "\"windowHeight\":640,");
        assertEquals("900x640", seen.get("first.size"), seen.toString());
        assertTrue(seen.get("first.maximized").startsWith("false"), seen.toString());
    }

    /** A dialog's centre within a few pixels of the main window's (window decorations may shift it a little). */
    private static void assertCentred(String dialog, Map<String, String> seen) {
        assertTrue(dialog != null, seen.toString());
        String[] offset = dialog.split(" ")[0].split(",");
        assertTrue(Math.abs(Double.parseDouble(offset[0])) <= 16 && Math.abs(Double.parseDouble(offset[1])) <= 32,
                "the dialog's centre is the main window's: " + dialog);
    }

    /** One launch of the app under {@code wm} on a fresh data folder (with {@code settingsJson} fields), its probe's report. */
    private Map<String, String> launch(String wm, String name, String settingsJson) throws Exception {
        String display = display(wm);
        Path data = Files.createDirectories(dir.resolve(wm + "-" + name));
        // A remote URL nothing answers at: the app starts at its login screen without the built-in local cloud.
        Files.writeString(data.resolve("settings.json"), "{" + (settingsJson == null ? "" : settingsJson)
                + "\"remoteApiUrl\":\"http://127.0.0.1:9\"}");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Daudmg.dataDir=" + data, "-Dprism.order=sw",
                "-cp", System.getProperty("java.class.path"), WindowManagerProbe.class.getName());
        pb.environment().put("DISPLAY", display);
        Map<String, String> seen = Probes.run(pb, dir.resolve(wm + "-" + name + ".log"), 180);
        String out = seen.get("output");
        assertEquals("true", seen.get("done"), out);
        return seen;
    }

    private static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String run(String display, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPLAY", display);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
