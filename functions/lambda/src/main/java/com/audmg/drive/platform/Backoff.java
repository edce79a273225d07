package com.audmg.drive.platform;

import java.util.concurrent.ThreadLocalRandom;

/** Short randomized pauses between retries of a lost compare-and-swap. */
public final class Backoff {

    private Backoff() {
    }

    public static void pause(int attempt) {
        long maxMillis = Math.min(200, 10L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying", e);
        }
    }
}
