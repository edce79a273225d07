package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.config.FunctionConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which worker gets an invocation, with sandboxes that stand in for worker JVMs (what is under test is the
 * dispatch, not the JVMs): a worker that is dead or being killed, but whose exit has not been noticed yet, must not
 * take work through a poll of its that is still waiting at the runtime endpoint.
 */
class FunctionWorkerDispatchTest {

    @TempDir
    Path dir;

    /** A JVM as the local cloud sees it: alive until it dies; its exit is noticed later, when told. */
    static final class StandInJvm implements Sandbox {
        volatile boolean dead;
        final CompletableFuture<Integer> exited = new CompletableFuture<>();

        @Override
        public boolean isAlive() {
            return !dead && !exited.isDone();
        }

        @Override
        public CompletableFuture<Integer> exited() {
            return exited;
        }

        @Override
        public boolean killsTimedOutInvocations() {
            return true;
        }

        @Override
        public void kill() {
            dead = true;
        }

        /** Neither is called here: the stand-in's exit is noticed only when a test completes {@link #exited}. */
        @Override
        public void release() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop() {
            throw new UnsupportedOperationException();
        }
    }

    private final List<StandInJvm> started = new CopyOnWriteArrayList<>();
    /** How many sandboxes may start; a start beyond them fails as a JVM that cannot be launched. */
    private int startable = Integer.MAX_VALUE;

    private FunctionWorker worker() throws Exception {
        Path artifact = Files.writeString(dir.resolve("fn.jar"), "jar");
        FunctionConfig fn = new FunctionConfig("fn", "example.Handler", 5, 256, Map.of());
        WorkerLauncher launcher = new WorkerLauncher(dir.resolve("worker.jar"), f -> artifact, "eu-west-1",
                "000000000000", () -> null, "127.0.0.1:1", new JdkLocator(List.of()), new AotCache(dir, false));
        return new FunctionWorker(fn, launcher, (f, gen, secrets, log) -> {
            if (started.size() >= startable) {
                throw new java.io.IOException("Cannot run program \"java\": error=24, Too many open files");
            }
            StandInJvm jvm = new StandInJvm();
            started.add(jvm);
            return jvm;
        }, new FunctionLog("fn", dir.resolve("logs"), null));
    }

    /**
     * Worker 1 of {@code worker} takes {@code inv} and has a second poll waiting at the runtime endpoint; then it dies
     * before its exit is noticed, and the endpoint, unable to hand it the invocation, puts the invocation back.
     * Returns that waiting poll.
     */
    private CompletableFuture<Invocation> diesHoldingAnInvocation(FunctionWorker worker, Invocation inv)
            throws Exception {
        assertSame(inv, worker.next(1));
        CompletableFuture<Invocation> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return worker.next(1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        started.get(0).dead = true;
        worker.requeue(inv);
        return poll;
    }

    @Test
    void aRequeuedInvocation_shouldGoToANewWorker_notToAWaitingPollOfTheDeadOne() throws Exception {
        // GIVEN a function whose worker (generation 1) took an invocation and has a second poll waiting
        FunctionWorker worker = worker();
        Invocation inv = worker.submit(new Invocation("req-1", "{}".getBytes(StandardCharsets.UTF_8)));

        // WHEN the worker dies before its exit is noticed, and the invocation is put back
        CompletableFuture<Invocation> waitingPoll = diesHoldingAnInvocation(worker, inv);

        // THEN the waiting poll of the dead worker gets nothing, a new worker starts at once, and its poll gets the
        // invocation (before: the dead worker's poll took it again, and it waited out its timeout)
        assertNull(waitingPoll.get(5, TimeUnit.SECONDS));
        assertEquals(2, started.size(), "a new worker for the queued invocation");
        assertSame(inv, worker.next(2));
        assertEquals(2, inv.generation);
    }

    @Test
    void aRequeuedInvocation_shouldFailAtOnce_whenNoNewWorkerCanStart() throws Exception {
        // GIVEN the same, on a machine where no further worker can be launched
        FunctionWorker worker = worker();
        startable = 1;
        Invocation inv = worker.submit(new Invocation("req-1", "{}".getBytes(StandardCharsets.UTF_8)));

        // WHEN the worker dies and the invocation is put back
        CompletableFuture<Invocation> waitingPoll = diesHoldingAnInvocation(worker, inv);

        // THEN it fails now, with the runtime's error, rather than waiting until its caller gives up
        assertNull(waitingPoll.get(5, TimeUnit.SECONDS));
        InvocationResult result = inv.result.get(5, TimeUnit.SECONDS);
        assertEquals(InvocationResult.Outcome.ERROR, result.outcome());
        assertTrue(new String(result.payload(), StandardCharsets.UTF_8).contains("Runtime failed to start"));
    }

    @Test
    void queuedInvocations_shouldFailAtOnce_whenNoWorkerCanReplaceOneThatTimedOut() throws Exception {
        // GIVEN a worker running an invocation, another invocation queued behind it, and no further worker launchable
        FunctionWorker worker = worker();
        startable = 1;
        Invocation running = worker.submit(new Invocation("req-1", "{}".getBytes(StandardCharsets.UTF_8)));
        assertSame(running, worker.next(1));
        Invocation queued = worker.submit(new Invocation("req-2", "{}".getBytes(StandardCharsets.UTF_8)));

        // WHEN the running one times out, so its worker is killed and replaced
        worker.restartAfterTimeout(running, InvocationResult.functionTimedOut("req-1", 5));

        // THEN the queued one fails now with the runtime's error (before: it waited until its caller gave up)
        InvocationResult result = queued.result.get(5, TimeUnit.SECONDS);
        assertEquals(InvocationResult.Outcome.ERROR, result.outcome());
        assertTrue(new String(result.payload(), StandardCharsets.UTF_8).contains("Runtime failed to start"));
        assertTrue(started.get(0).dead, "the timed-out worker was killed");
    }
}
