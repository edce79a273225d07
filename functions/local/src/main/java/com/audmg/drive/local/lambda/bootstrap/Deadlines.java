package com.audmg.drive.local.lambda.bootstrap;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Interrupts an invocation's thread at its deadline (shared worker JVM only). */
final class Deadlines {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "invocation-deadlines");
        t.setDaemon(true);
        return t;
    });

    private Deadlines() {
    }

    /** Interrupts the calling thread at {@code deadlineEpochMillis} unless the returned future is cancelled. */
    static ScheduledFuture<?> interruptAt(long deadlineEpochMillis) {
        Thread invoking = Thread.currentThread();
        return TIMER.schedule(invoking::interrupt, Math.max(0, deadlineEpochMillis - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS);
    }
}
