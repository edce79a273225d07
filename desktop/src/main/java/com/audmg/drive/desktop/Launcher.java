package com.audmg.drive.desktop;

import javafx.application.Application;

/**
 * Plain main for the shaded jar: JavaFX refuses to start an Application subclass as the jar's main class.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        String noDisplay = displayProblem(System.getProperty("os.name", ""), System.getenv(),
                System.getProperty("glass.platform"));
        if (noDisplay != null) {
            System.err.println(noDisplay);
            System.exit(2);
        }
        HeapErgonomics.apply(); // ~20 ms; from the start, as if given on the command line
        try {
            Application.launch(DriveApp.class, args);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // GTK refused the display named in DISPLAY (gone, or no access): one line, not a stack trace.
            System.err.println("Audmg Drive cannot open a window: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * One plain line when a Linux or BSD desktop app cannot have a window: neither {@code DISPLAY} nor
     * {@code WAYLAND_DISPLAY} is set (a server session, ssh without X forwarding). Null when a window may open.
     */
    static String displayProblem(String osName, java.util.Map<String, String> env, String glassPlatform) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.contains("win") || os.contains("mac") || glassPlatform != null) {
            return null;
        }
        if (isSet(env.get("DISPLAY")) || isSet(env.get("WAYLAND_DISPLAY"))) {
            return null;
        }
        return "Audmg Drive needs a graphical display, and none is set (DISPLAY and WAYLAND_DISPLAY are empty): "
                + "start it in a desktop session, or under xvfb-run.";
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank();
    }
}
