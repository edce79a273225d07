package com.audmg.drive.desktop.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.application.Platform;

/** Runs work off the FX thread and delivers the outcome on it. */
public final class Fx {

    /** Work that may throw. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    private Fx() {
    }

    public static <T> CompletableFuture<T> background(Executor executor, Work<T> work, Consumer<T> onSuccess,
                                                      Consumer<Throwable> onError) {
        try {
            return submit(executor, work, onSuccess, onError);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // A late callback of a closed window: nothing left to update.
            return new CompletableFuture<>();
        }
    }

    private static <T> CompletableFuture<T> submit(Executor executor, Work<T> work, Consumer<T> onSuccess,
                                                   Consumer<Throwable> onError) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).whenComplete((value, error) -> Platform.runLater(() -> {
            if (error != null) {
                onError.accept(unwrap(error));
            } else {
                onSuccess.accept(value);
            }
        }));
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    public static void later(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }
}
