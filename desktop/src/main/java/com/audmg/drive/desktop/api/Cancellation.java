package com.audmg.drive.desktop.api;

import java.util.concurrent.atomic.AtomicBoolean;

/** A flag a transfer checks between chunks. */
public final class Cancellation {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    void throwIfCancelled() throws TransferCancelledException {
        if (isCancelled()) {
            throw new TransferCancelledException();
        }
    }
}
