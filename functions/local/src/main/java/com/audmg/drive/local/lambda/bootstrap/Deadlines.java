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

    /** An armed interrupt of one invocation's thread. */
    static final class Interrupt {
        private final Thread invoking = Thread.currentThread();
        private ScheduledFuture<?> task;
        private boolean finished;

        private synchronized void fire() {
            if (!finished) {
                invoking.interrupt();
            }
        }

        /**
         * The invocation is over (call on its thread): no interrupt can come after this returns, and one that
         * came too late for the invocation is cleared, so that it cannot hit the thread's next invocation.
         */
        void finish() {
            synchronized (this) {
                finished = true;
                task.cancel(false);
            }
            Thread.interrupted();
        }
    }

    /** Interrupts the calling thread at {@code deadlineEpochMillis} unless {@link Interrupt#finish()} comes first. */
    static Interrupt interruptAt(long deadlineEpochMillis) {
        Interrupt interrupt = new Interrupt();
        synchronized (interrupt) {
            interrupt.task = TIMER.schedule(interrupt::fire,
                    Math.max(0, deadlineEpochMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
        return interrupt;
    }
}
