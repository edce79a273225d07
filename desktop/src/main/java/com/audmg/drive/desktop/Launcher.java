package com.audmg.drive.desktop;

import javafx.application.Application;

/**
 * Plain main for the shaded jar: JavaFX refuses to start an Application subclass as the jar's main class.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        HeapErgonomics.apply(); // ~20 ms; from the start, as if given on the command line
        Application.launch(DriveApp.class, args);
    }
}
