package com.audmg.drive.desktop.model;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Where a model's work runs: blocking calls on {@code io}, state changes on {@code ui} (the FX thread in the app, the
 * calling or a test thread in tests). A command's future completes after its state change has been applied.
 */
public record Background(Executor io, Executor ui) {

    /** Work that may throw. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** Runs {@code work} on io, then {@code apply} on ui; the future carries apply's result (or the failure). */
    public <T, R> CompletableFuture<R> run(Work<T> work, Function<T, R> apply) {
        CompletableFuture<T> done;
        try {
            done = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, io);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            return new CompletableFuture<>();
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        done.whenComplete((value, error) -> ui.execute(() -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
                return;
            }
            try {
                result.complete(apply.apply(value));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }));
        return result;
    }

    /**
     * A command that reports how it went: {@code work} on io, then {@code apply} on ui; on failure (unwrapped)
     * {@code onError} on ui instead. The future says whether it succeeded and completes after either ran.
     */
    public <T> CompletableFuture<Boolean> attempt(Work<T> work, java.util.function.Consumer<T> apply,
                                                 java.util.function.Consumer<Throwable> onError) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        run(work, value -> {
            apply.accept(value);
            return true;
        }).whenComplete((ok, error) -> {
            if (error == null) {
                result.complete(true);
                return;
            }
            ui.execute(() -> {
                onError.accept(unwrap(error));
                result.complete(false);
            });
        });
        return result;
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
