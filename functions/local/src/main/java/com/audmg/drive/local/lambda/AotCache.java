package com.audmg.drive.local.lambda;

import com.audmg.drive.local.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * JDK 25's AOT cache (JEP 483/514/515) for function workers: the classes a function loads to build its handler and
 * run its SnapStart priming hooks, loaded and linked ahead of time, with their profiles. A worker's cold start then
 * skips most of its class loading.
 *
 * <p>One cache per function, in the data folder's {@code aot/}, named by the function and a key over everything the
 * JVM checks (the {@code java} command and its JDK, the JVM options, the class path entries with their sizes and
 * times, {@code JAVA_TOOL_OPTIONS}): a rebuilt artifact, another JDK or other options get a new cache, and the old
 * one is deleted when the new one is made. A worker with no cache starts as before; once it has asked for work, a
 * training run (the worker's own command with {@code -XX:AOTCacheOutput}, building the handler and running its
 * {@code org.crac} priming hooks, then exiting) makes the cache in the background, one function at a time, for the
 * workers started after it. The JVM ignores a cache it cannot use (warning on the worker's stderr) and starts
 * without it. Only JDK 25 or newer, and only for a jar artifact (the JDK caches classes from jars only).
 */
final class AotCache implements AutoCloseable {
    /** System property: {@code false} turns the AOT cache off (workers start as before, no training runs). */
    static final String ENABLED_PROPERTY = "audmg.aotCache";
    /** How long a training run may take (building the handler, its hooks, writing the cache). */
    private static final long TRAINING_TIMEOUT_SECONDS = 300;

    private final Path dir;
    private final boolean enabled;
    /** One training at a time, in the background: it costs about a cold start and a half of CPU. */
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aot-training");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> trainingKeys = ConcurrentHashMap.newKeySet();
    private final Map<Process, Boolean> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    AotCache(Path dir) {
        this(dir, !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true")));
    }

    AotCache(Path dir, boolean enabled) {
        this.dir = dir;
        this.enabled = enabled;
    }

    /** Whether workers on {@code java} running {@code artifact} can have a cache (and so run it on the class path). */
    boolean applies(String java, Path artifact) {
        return enabled && Files.isRegularFile(artifact) && JdkLocator.featureVersion(java) >= 25;
    }

    /** The cache file of {@code function} for this exact worker command and environment (it may not exist yet). */
    Path fileFor(String function, List<String> command, Map<String, String> env, List<Path> classPath) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : command) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            Path java = Path.of(command.get(0));
            sha.update(stamp(java).getBytes(StandardCharsets.UTF_8));
            Path home = java.toAbsolutePath().getParent() == null ? null : java.toAbsolutePath().getParent().getParent();
            if (home != null) {
                sha.update(stamp(home.resolve("release")).getBytes(StandardCharsets.UTF_8));
                sha.update(stamp(home.resolve("lib").resolve("modules")).getBytes(StandardCharsets.UTF_8));
            }
            for (Path entry : classPath) {
                sha.update(stamp(entry).getBytes(StandardCharsets.UTF_8));
            }
            sha.update(String.valueOf(env.get("JAVA_TOOL_OPTIONS")).getBytes(StandardCharsets.UTF_8));
            String key = HexFormat.of().formatHex(sha.digest()).substring(0, 20);
            return dir.resolve(function + "-" + key + ".aot");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache at {@code file}, when a training run made it. */
    Optional<Path> existing(Path file) {
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * Makes {@code file} in the background unless it exists or is being made: {@code training} starts the training
     * process with its {@code -XX:AOTCacheOutput} option pointing at the temporary file it is given.
     */
    void trainInBackground(String function, Path file, Training training, FunctionLog log) {
        if (closed || Files.isRegularFile(file) || !trainingKeys.add(file.toString())) {
            return;
        }
        trainer.execute(() -> {
            try {
                train(function, file, training, log);
            } catch (IOException | RuntimeException e) {
                log.line("AOT cache not made: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                trainingKeys.remove(file.toString());
            }
        });
    }

    private void train(String function, Path file, Training training, FunctionLog log)
            throws IOException, InterruptedException {
        if (closed || Files.isRegularFile(file)) {
            return;
        }
        PrivateFiles.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Path output = dir.resolve(file.getFileName() + ".training.log");
        Files.deleteIfExists(tmp);
        PrivateFiles.write(output, new byte[0]); // 0600 before the process appends to it
        long t0 = System.nanoTime();
        Process p = training.start(tmp, output);
        running.put(p, Boolean.TRUE);
        try {
            if (!p.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the training run took over " + TRAINING_TIMEOUT_SECONDS + " s");
            }
        } finally {
            running.remove(p);
        }
        if (closed) {
            Files.deleteIfExists(tmp);
            return;
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
            Files.deleteIfExists(tmp);
            throw new IOException("the training run exited with " + p.exitValue() + " (see " + output + ")");
        }
        PrivateFiles.makePrivate(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (java.util.stream.Stream<String> lines = Files.lines(output, StandardCharsets.UTF_8)) {
            lines.filter(l -> l.startsWith("priming hook failed")).forEach(l -> log.line("AOT training: " + l));
        } catch (IOException | java.io.UncheckedIOException e) {
            // the log is only for telling
        }
        Files.deleteIfExists(output);
        // Older caches of this function (another artifact, JDK or options) are of no use any more.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, function + "-*.aot")) {
            for (Path o : old) {
                if (!o.equals(file)) {
                    Files.deleteIfExists(o);
                }
            }
        }
        log.line(String.format(java.util.Locale.ROOT, "AOT cache made in %.1f s (%.1f MB): workers started from now on"
                + " use it", (System.nanoTime() - t0) / 1e9, Files.size(file) / 1048576.0));
    }

    private static String stamp(Path p) {
        try {
            return p.toAbsolutePath() + ":" + Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis() + ";";
        } catch (IOException e) {
            return p + ":missing;";
        }
    }

    /** Stops making caches: a running training ends (its partial cache is deleted). */
    @Override
    public void close() {
        closed = true;
        trainer.shutdownNow();
        for (Process p : running.keySet()) {
            p.destroyForcibly();
        }
    }

    /** Starts a training run that writes its cache to {@code output} and appends its console to {@code log}. */
    interface Training {
        Process start(Path output, Path log) throws IOException;
    }
}
