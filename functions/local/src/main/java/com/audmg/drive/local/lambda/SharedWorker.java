package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.lambda.bootstrap.FunctionOutput;
import com.audmg.drive.local.lambda.bootstrap.SharedWorkerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lite mode: one worker JVM for every function, each function attached to it in its own class loader with its
 * own generation and runtime token. The JVM starts with the first function that needs it; functions attach as
 * they are first used (or prewarmed). If it dies, every function in it ends, and each starts again on its next
 * invocation (or at once, if invocations wait).
 */
final class SharedWorker implements AutoCloseable {
    private final WorkerLauncher launcher;
    private final java.util.List<FunctionConfig> functions;
    private final FunctionLog sharedLog;
    private final Map<String, FunctionLog> logs;
    private Process process;
    /** Set when {@link #process} is killed: from then on it counts as gone, though it may take a while to exit. */
    private java.util.concurrent.atomic.AtomicBoolean processKilled = new java.util.concurrent.atomic.AtomicBoolean();
    private OutputStream control;
    private int jvmGeneration;
    private WorkerSecrets ssmSecrets;
    private boolean closed;

    /**
     * @param logs each function's log, by function name: what the function's threads print goes there
     * @param sharedLog where lines of no particular function go (the JVM's own)
     */
    SharedWorker(WorkerLauncher launcher, java.util.List<FunctionConfig> functions, Map<String, FunctionLog> logs,
                 FunctionLog sharedLog) {
        this.launcher = launcher;
        this.functions = java.util.List.copyOf(functions);
        this.logs = logs;
        this.sharedLog = sharedLog;
    }

    /** Attaches generation {@code gen} of {@code fn}, starting the shared JVM first if it is not running. */
    synchronized Sandbox attach(FunctionConfig fn, int gen, WorkerSecrets secrets, FunctionLog log)
            throws IOException {
        if (closed) {
            throw new IOException("local cloud is shutting down");
        }
        if (process == null || processKilled.get() || !process.isAlive()) {
            start();
        }
        String line = String.join("\t", SharedWorkerMain.ATTACH, fn.name(), Integer.toString(gen),
                secrets.runtimeToken(), fn.deployedName(), Integer.toString(fn.memorySizeMb()), fn.handler(),
                launcher.artifactOf(fn).toString()) + "\n";
        try {
            // UTF-8: an artifact's path may name a user's folder in any script.
            control.write(line.getBytes(StandardCharsets.UTF_8));
            control.flush();
        } catch (IOException e) {
            processKilled.set(true);
            process.destroyForcibly();
            throw e;
        }
        return new Attached(process, processKilled);
    }

    private void start() throws IOException {
        ssmSecrets = WorkerSecrets.random();
        int gen = ++jvmGeneration;
        Process started = launcher.launchShared(functions, gen, ssmSecrets);
        process = started;
        processKilled = new java.util.concurrent.atomic.AtomicBoolean();
        control = started.getOutputStream();
        pump(started.getInputStream(), "shared-worker-stdout");
        pump(started.getErrorStream(), "shared-worker-stderr");
        started.onExit().thenRun(() -> {
            synchronized (SharedWorker.this) {
                if (process == started) {
                    process = null;
                    ssmSecrets = null;
                }
            }
            if (!closed && started.exitValue() != 0) {
                sharedLog.line("shared worker JVM exited with status " + started.exitValue());
            }
        });
        sharedLog.line("shared worker JVM started (lite mode), pid " + started.pid());
    }

    /** Whether {@code token} is the SSM token of the running shared JVM {@code gen}. */
    synchronized boolean isSsmCaller(int gen, String token) {
        return process != null && gen == jvmGeneration && ssmSecrets != null && ssmSecrets.ssmTokenIs(token);
    }

    /** The running shared JVM's process id, if any (tests, measurements). */
    synchronized java.util.OptionalLong pid() {
        return process == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(process.pid());
    }

    /** Files each line under the function that printed it (see {@link FunctionOutput}). */
    private void pump(InputStream stream, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    FunctionLog target = sharedLog;
                    if (l.length() > 2 && l.charAt(0) == FunctionOutput.TAG) {
                        int end = l.indexOf(FunctionOutput.TAG, 1);
                        FunctionLog owner = end < 0 ? null : logs.get(l.substring(1, end));
                        if (owner != null) {
                            target = owner;
                            l = l.substring(end + 1);
                        }
                    }
                    target.line(l);
                }
            } catch (IOException e) {
                // The JVM is gone.
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closed = true;
            p = process;
            process = null;
            processKilled.set(true);
        }
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        sharedLog.close();
    }

    /** One function's generation in the shared JVM: it ends when the JVM does, or when it is released. */
    private static final class Attached implements Sandbox {
        private final Process jvm;
        /** Shared by every function in the JVM: killing it through one ends it for all at once. */
        private final java.util.concurrent.atomic.AtomicBoolean killed;
        private final CompletableFuture<Integer> exited = new CompletableFuture<>();

        Attached(Process jvm, java.util.concurrent.atomic.AtomicBoolean killed) {
            this.jvm = jvm;
            this.killed = killed;
            jvm.onExit().thenRun(() -> exited.complete(jvm.exitValue()));
        }

        @Override
        public boolean isAlive() {
            return !killed.get() && !exited.isDone() && jvm.isAlive();
        }

        @Override
        public CompletableFuture<Integer> exited() {
            return exited;
        }

        @Override
        public void kill() {
            killed.set(true);
            jvm.destroyForcibly();
        }

        @Override
        public void release() {
            // Its token is revoked when it counts as exited: its loops in the JVM end on their next poll.
            exited.complete(1);
        }

        @Override
        public void stop() {
            exited.complete(0);
        }

        @Override
        public boolean killsTimedOutInvocations() {
            return false;
        }
    }
}
