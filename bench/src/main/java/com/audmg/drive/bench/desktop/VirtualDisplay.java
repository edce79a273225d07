package com.audmg.drive.bench.desktop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An X display for the app processes: one Xvfb server for the whole run (started once, so its own start-up is not
 * part of any launch figure), or the display this process already has. The shaded jar carries no Monocle, so the
 * app cannot run without an X server.
 */
final class VirtualDisplay implements AutoCloseable {

    private final String display;
    private final Process xvfb;

    private VirtualDisplay(String display, Process xvfb) {
        this.display = display;
        this.xvfb = xvfb;
    }

    /** Xvfb when installed, else the current DISPLAY; null when there is neither. */
    static VirtualDisplay open(boolean preferCurrent) throws IOException, InterruptedException {
        String current = System.getenv("DISPLAY");
        if (preferCurrent && current != null && !current.isBlank()) {
            return new VirtualDisplay(current, null);
        }
        if (onPath("Xvfb")) {
            // -displayfd 1: Xvfb picks a free display and writes its number to stdout once it accepts clients.
            Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<String> number = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            try {
                String n = number.get(20, TimeUnit.SECONDS);
                if (n != null && n.trim().matches("\\d+")) {
                    return new VirtualDisplay(":" + n.trim(), p);
                }
            } catch (Exception e) {
                // fall through: no Xvfb display
            }
            p.destroyForcibly();
        }
        return current == null || current.isBlank() ? null : new VirtualDisplay(current, null);
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    String display() {
        return display;
    }

    String describe() {
        return xvfb == null ? "display " + display : "Xvfb " + display + " (1280x1024x24, started once for the run)";
    }

    @Override
    public void close() {
        if (xvfb != null) {
            xvfb.destroy();
            try {
                if (!xvfb.waitFor(5, TimeUnit.SECONDS)) {
                    xvfb.destroyForcibly();
                }
            } catch (InterruptedException e) {
                xvfb.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
