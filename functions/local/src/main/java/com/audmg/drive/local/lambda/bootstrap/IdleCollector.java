package com.audmg.drive.local.lambda.bootstrap;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lite mode's shared JVM: once a burst of work (functions attaching, invocations) is over and nothing has run for
 * {@link #QUIET_MILLIS}, one full collection, so that the heap shrinks back (the JVM's {@code MaxHeapFreeRatio})
 * instead of keeping what the burst's garbage made it grow to. The serial collector shrinks the heap only at a full
 * collection, and an idle JVM has none: the desktop app's whole process tree carries this JVM.
 */
final class IdleCollector {
    static final long QUIET_MILLIS = 3000;

    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final AtomicLong LAST = new AtomicLong(System.nanoTime());
    private static final AtomicBoolean DIRTY = new AtomicBoolean();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private IdleCollector() {
    }

    /** Starts the watching thread (once). */
    static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(IdleCollector::watch, "idle-collector");
        t.setDaemon(true);
        t.start();
    }

    static void begin() {
        RUNNING.incrementAndGet();
        DIRTY.set(true);
    }

    static void end() {
        LAST.set(System.nanoTime());
        RUNNING.decrementAndGet();
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            if (DIRTY.get() && RUNNING.get() == 0
                    && System.nanoTime() - LAST.get() > QUIET_MILLIS * 1_000_000L && DIRTY.compareAndSet(true, false)) {
                System.gc();
            }
        }
    }
}
