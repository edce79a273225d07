package com.audmg.drive.local.lambda;

import java.util.concurrent.CompletableFuture;

/** One queued or running invocation of a function. */
final class Invocation {
    final String requestId;
    final byte[] payload;
    final CompletableFuture<Long> dispatched = new CompletableFuture<>();
    final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    volatile long deadlineEpochMillis;
    volatile int generation;

    /** Ends the invocation, whether or not a worker picked it up. */
    void finish(InvocationResult outcome) {
        dispatched.complete(System.nanoTime());
        result.complete(outcome);
    }

    Invocation(String requestId, byte[] payload) {
        this.requestId = requestId;
        this.payload = payload;
    }
}
