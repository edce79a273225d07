package com.audmg.drive.local.lambda;

/** How the local cloud runs the functions' code. */
public enum WorkerMode {
    /**
     * One worker JVM per function, each with exactly the environment Lambda gives it (the default, for
     * developers: it is what makes the emulator faithful).
     */
    PER_FUNCTION,
    /**
     * Lite mode: one worker JVM shared by every function, each function in its own class loader with its own
     * runtime token (the desktop app's embedded backend). Needs one environment and one Java for all functions
     * ({@link LiteMode#refusals}).
     */
    SHARED
}
