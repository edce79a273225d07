package com.audmg.drive.desktop;

import javafx.application.Application;

/**
 * Plain main for the shaded jar: JavaFX refuses to start an Application subclass as the jar's main class.
 * {@code bench} as the first argument runs the desktop benchmark instead of the app.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(com.audmg.drive.desktop.bench.DesktopBench.run(rest, System.out, System.err));
        }
        HeapErgonomics.apply(); // ~20 ms; from the start, as if given on the command line
        Application.launch(DriveApp.class, args);
    }
}
