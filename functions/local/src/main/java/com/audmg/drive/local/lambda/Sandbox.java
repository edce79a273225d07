package com.audmg.drive.local.lambda;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where one generation of a function runs: its own worker JVM, or its class loader in the shared worker JVM of
 * lite mode. {@link FunctionWorker} starts, watches and ends it through this.
 */
interface Sandbox {
    boolean isAlive();

    /** Completes with an exit status when the sandbox ends, whatever the reason. */
    CompletableFuture<Integer> exited();

    /** Ends at once whatever runs in it: for a shared JVM that is every function in it. */
    void kill();

    /** Ends this function's sandbox after its init failed (a worker JVM of its own exits by itself). */
    void release();

    /** Stops it for good, gracefully where that is quick. */
    void stop();

    /**
     * Whether a timed-out invocation is ended by killing this sandbox (a JVM of its own), or goes on in a thread
     * that is interrupted at its deadline (a shared JVM, where killing would take every function down).
     */
    boolean killsTimedOutInvocations();

    /** A worker JVM of the function's own. */
    static Sandbox of(Process process) {
        CompletableFuture<Integer> exited = process.onExit().thenApply(Process::exitValue);
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        return new Sandbox() {
            @Override
            public boolean isAlive() {
                // Killed counts at once: the JVM may take a while to be gone, and must get no work meanwhile.
                return !killed.get() && process.isAlive();
            }

            @Override
            public CompletableFuture<Integer> exited() {
                return exited;
            }

            @Override
            public void kill() {
                killed.set(true);
                process.destroyForcibly();
            }

            @Override
            public void release() {
                // The JVM exits by itself after an init error.
            }

            @Override
            public void stop() {
                process.destroy();
                try {
                    if (!process.waitFor(2, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean killsTimedOutInvocations() {
                return true;
            }
        };
    }

    /** Starts a sandbox for generation {@code generation} of a function. */
    @FunctionalInterface
    interface Factory {
        Sandbox start(com.audmg.drive.local.config.FunctionConfig function, int generation, WorkerSecrets secrets,
                      FunctionLog log) throws java.io.IOException;
    }
}
