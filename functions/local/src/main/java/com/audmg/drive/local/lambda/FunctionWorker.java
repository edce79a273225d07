package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox of a function (its own worker JVM, or its class loader in lite mode's shared JVM): started lazily
 * (or prewarmed), fed from a queue through the runtime endpoint, killed and replaced when an invocation times
 * out. A generation number in the runtime URL keeps a killed sandbox's late requests away from its successor's
 * work.
 */
final class FunctionWorker {
    /**
     * In a shared JVM, how long a timed-out invocation may go on after the interrupt at its deadline before the
     * shared JVM is restarted to end it (with every function in it): the function's timeout once more, at least
     * {@value #MIN_LATE_GRACE_MILLIS} ms. CPU-bound work (bcrypt) ignores interrupts but ends: on a loaded machine a
     * 2 s grace restarted the shared JVM for a login that needed a few seconds more, and every function with it.
     */
    static long lateGraceMillis(int timeoutSeconds) {
        return Math.max(MIN_LATE_GRACE_MILLIS, timeoutSeconds * 1000L);
    }

    static final long MIN_LATE_GRACE_MILLIS = 2000;

    private final FunctionConfig function;
    private final WorkerLauncher launcher;
    private final Sandbox.Factory sandboxes;
    private final FunctionLog log;
    private final BlockingDeque<Invocation> queue = new LinkedBlockingDeque<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    /** The secrets of every worker JVM of this function that is still alive, by generation. */
    private final Map<Integer, WorkerSecrets> liveSecrets = new ConcurrentHashMap<>();
    /** Timed-out invocations still running in a shared JVM, by request id: their late answer is awaited. */
    private final Map<String, Integer> lateRunning = new ConcurrentHashMap<>();
    private Sandbox process;
    private volatile int generation;
    private volatile boolean closed;
    private volatile int readyGeneration;
    private String artifactStamp = "";

    FunctionWorker(FunctionConfig function, WorkerLauncher launcher, FunctionLog log) {
        this(function, launcher, (fn, gen, secrets, l) -> Sandbox.of(launcher.launch(fn, gen, secrets, l)), log);
    }

    FunctionWorker(FunctionConfig function, WorkerLauncher launcher, Sandbox.Factory sandboxes, FunctionLog log) {
        this.function = function;
        this.launcher = launcher;
        this.sandboxes = sandboxes;
        this.log = log;
    }

    FunctionConfig function() {
        return function;
    }

    FunctionLog log() {
        return log;
    }

    synchronized void ensureStarted() throws IOException {
        if (closed) {
            throw new IOException("local cloud is shutting down");
        }
        String stamp = launcher.artifactStamp(function);
        if (process != null && process.isAlive()) {
            if (stamp.equals(artifactStamp)) {
                return;
            }
            retire(process);
        }
        artifactStamp = stamp;
        int gen = ++generation;
        WorkerSecrets secrets = WorkerSecrets.random();
        liveSecrets.put(gen, secrets);
        Sandbox started;
        try {
            started = sandboxes.start(function, gen, secrets, log);
        } catch (IOException | RuntimeException e) {
            liveSecrets.remove(gen);
            throw e;
        }
        process = started;
        started.exited().thenAccept(status -> onExit(started, gen, status));
    }

    /**
     * Waits until the current worker has finished its init and asks for work, it died, or the time
     * is up; returns whether it is ready.
     */
    boolean awaitReady(java.time.Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (System.nanoTime() < deadline) {
            Sandbox p;
            int gen;
            synchronized (this) {
                p = process;
                gen = generation;
            }
            if (p == null || !p.isAlive()) {
                return false;
            }
            if (readyGeneration == gen) {
                return true;
            }
            Thread.sleep(25);
        }
        return false;
    }

    /** Whether {@code token} is the runtime token of this function's live worker {@code gen}. */
    boolean isRuntimeCaller(int gen, String token) {
        WorkerSecrets s = liveSecrets.get(gen);
        return s != null && s.runtimeTokenIs(token);
    }

    /** Whether {@code token} is the SSM token of this function's live worker {@code gen}. */
    boolean isSsmCaller(int gen, String token) {
        WorkerSecrets s = liveSecrets.get(gen);
        return s != null && s.ssmTokenIs(token);
    }

    /**
     * The artifact was rebuilt: the old worker stops taking work (its next poll gets 410 Gone), finishes
     * what it runs, and exits; a new worker loads the new jar. A hung one is killed after the timeout.
     */
    private void retire(Sandbox old) {
        log.line("artifact changed: starting a new worker with the new code");
        if (old.killsTimedOutInvocations()) {
            java.util.concurrent.CompletableFuture.delayedExecutor(function.timeoutSeconds() + 5L, TimeUnit.SECONDS)
                    .execute(old::kill);
        }
        // In a shared JVM the old generation's loops get 410 Gone on their next poll and end; what they run
        // finishes in the old class loader.
    }

    private void onExit(Sandbox exited, int gen, int status) {
        // A dead worker's secrets open nothing any more.
        liveSecrets.remove(gen);
        synchronized (this) {
            if (process == exited) {
                process = null;
            }
        }
        if (!closed && status != 0 && gen == generation) {
            log.line("worker exited with status " + status);
        }
        String error = "{\"errorMessage\":\"Runtime exited with error: exit status " + status
                + "\",\"errorType\":\"Runtime.ExitError\"}";
        failInFlight(gen, error);
        if (!closed && gen == generation && readyGeneration != gen) {
            // Died before asking for work (bad JVM option, missing class...): fail what waits for it.
            failQueued(error);
        } else if (!closed && gen == generation && !queue.isEmpty()) {
            // Crashed while serving (killed, System.exit, out of memory): what it ran failed above; what
            // waits in the queue gets a new worker now rather than when the next request happens to come.
            log.line("restarting the worker for " + queue.size() + " queued invocation(s)");
            startForQueued(error);
        }
    }

    private void failInFlight(int gen, String errorJson) {
        List<Invocation> lost = new ArrayList<>();
        inFlight.values().removeIf(inv -> {
            if (inv.generation == gen) {
                lost.add(inv);
                return true;
            }
            return false;
        });
        for (Invocation inv : lost) {
            inv.finish(InvocationResult.error(errorJson));
        }
    }

    private void failQueued(String errorJson) {
        List<Invocation> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        for (Invocation inv : waiting) {
            inv.finish(InvocationResult.error(errorJson));
        }
    }

    Invocation submit(Invocation invocation) throws IOException {
        ensureStarted();
        queue.add(invocation);
        return invocation;
    }

    /** Long poll of the runtime endpoint; null when the caller is a stale worker generation. */
    Invocation next(int gen) throws InterruptedException {
        if (readyGeneration != gen) {
            readyGeneration = gen;
            launcher.workerReady(function.name(), gen);
        }
        while (gen == generation && !closed) {
            Invocation inv = queue.poll(500, TimeUnit.MILLISECONDS);
            if (inv == null) {
                continue;
            }
            boolean taken;
            // Under the lock that a restart takes to move to a new generation (whose in-flight invocations it then
            // fails): an invocation is either dispatched to a live worker before that, or not at all.
            synchronized (this) {
                taken = gen == generation && process != null && process.isAlive();
                if (taken) {
                    inv.generation = gen;
                    inv.deadlineEpochMillis = System.currentTimeMillis() + function.timeoutSeconds() * 1000L;
                    inFlight.put(inv.requestId, inv);
                }
            }
            if (!taken) {
                // A newer worker took over, or this one is dead or being killed (its poll was still waiting here):
                // the invocation goes back, and a worker starts for it unless a live one is there.
                queue.offerFirst(inv);
                startForQueued(RUNTIME_FAILED_TO_START);
                return null;
            }
            inv.dispatched.complete(System.nanoTime());
            return inv;
        }
        return null;
    }

    private static final String RUNTIME_FAILED_TO_START =
            "{\"errorMessage\":\"Runtime failed to start\",\"errorType\":\"Runtime.Unknown\"}";

    /**
     * Starts a worker for what waits in the queue unless a live one is there. When none can start, what waits fails
     * at once with {@code errorJson}, as when a worker dies before it is ready, rather than until its caller gives up.
     */
    private void startForQueued(String errorJson) {
        if (closed) {
            return;
        }
        try {
            ensureStarted();
        } catch (IOException e) {
            log.line("cannot restart worker: " + e.getMessage());
            failQueued(errorJson);
        }
    }

    /** API Gateway gave up before a worker took {@code inv}: it must not run later. */
    boolean cancelIfQueued(Invocation inv) {
        return queue.remove(inv);
    }

    /** The runtime endpoint could not hand {@code inv} to the worker: give it to the next poll. */
    void requeue(Invocation inv) {
        if (inFlight.remove(inv.requestId) != null) {
            queue.offerFirst(inv);
        }
    }

    /** A worker of generation {@code gen} answered {@code requestId}; only the worker that took it may. */
    void complete(int gen, String requestId, InvocationResult result) {
        if (lateRunning.remove(requestId) != null) {
            log.line(requestId + " ended after its timeout; its result was discarded");
            return;
        }
        Invocation inv = inFlight.get(requestId);
        if (inv != null && inv.generation == gen && inFlight.remove(requestId, inv)) {
            inv.result.complete(result);
        }
    }

    void initFailed(int gen, String errorJson) {
        if (gen != generation) {
            return;
        }
        // As in Lambda, every invocation waiting for this sandbox fails with the init error.
        List<Invocation> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        for (Invocation inv : waiting) {
            inv.finish(InvocationResult.error(errorJson));
        }
        failInFlight(gen, errorJson);
        Sandbox failed;
        synchronized (this) {
            failed = process;
        }
        if (failed != null) {
            failed.release();
        }
    }

    /**
     * After a timeout: a worker JVM of the function's own is killed, and the next invocation (or a queued one)
     * starts a new one. In a shared JVM the invocation's thread was interrupted at the deadline; if it has not
     * ended {@link #lateGraceMillis} later, the shared JVM is restarted, since nothing else can stop it.
     */
    void restartAfterTimeout(Invocation timedOut, InvocationResult outcome) {
        Sandbox current;
        synchronized (this) {
            current = timedOut.generation == generation ? process : null;
        }
        boolean lingers = current != null && !current.killsTimedOutInvocations();
        if (lingers) {
            // Before it leaves inFlight: a late answer arriving now is recognised as late.
            lateRunning.put(timedOut.requestId, timedOut.generation);
        }
        inFlight.remove(timedOut.requestId);
        timedOut.result.complete(outcome);
        log.line(java.time.Instant.now() + " " + timedOut.requestId + " Task timed out after "
                + function.timeoutSeconds() + ".00 seconds");
        if (lingers) {
            long grace = lateGraceMillis(function.timeoutSeconds());
            java.util.concurrent.CompletableFuture.delayedExecutor(grace, TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (lateRunning.remove(timedOut.requestId) != null && current.isAlive()) {
                            log.line(timedOut.requestId + " still runs " + grace + " ms after its"
                                    + " timeout and ignored the interrupt: restarting the shared worker JVM");
                            current.kill();
                        }
                    });
            return;
        }
        Sandbox old;
        synchronized (this) {
            if (timedOut.generation != generation) {
                // Another timeout already replaced the worker this invocation ran in.
                return;
            }
            old = process;
            process = null;
            generation++;
        }
        liveSecrets.remove(timedOut.generation);
        if (old != null) {
            old.kill();
            failInFlight(generation - 1, "{\"errorMessage\":\"Runtime restarted after a timeout\","
                    + "\"errorType\":\"Runtime.ExitError\"}");
        }
        if (!queue.isEmpty()) {
            startForQueued(RUNTIME_FAILED_TO_START);
        }
    }

    boolean isCurrent(int gen) {
        return gen == generation;
    }

    void close() {
        Sandbox p;
        synchronized (this) {
            closed = true;
            p = process;
            process = null;
        }
        liveSecrets.clear();
        if (p != null) {
            p.stop();
        }
        log.close();
    }

}
