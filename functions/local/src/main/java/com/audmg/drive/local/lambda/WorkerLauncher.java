package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.lambda.bootstrap.WorkerMain;
import com.audmg.drive.local.s3.S3Settings;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a function's worker JVM with exactly the environment Lambda would give it. */
final class WorkerLauncher {
    private final Path workerJar;
    private final java.util.function.Function<FunctionConfig, Path> artifacts;
    /** Endpoints of the other local services (SQS, SNS), set once they are bound. */
    private volatile Map<String, String> serviceEndpoints = Map.of();
    private final String region;
    private final String accountId;
    private final java.util.function.Supplier<S3Settings> s3Settings;
    private final String runtimeHostPort;
    private final JdkLocator jdks;
    private final AotCache aot;
    /** Training runs to start once the worker generation they were made for asks for work. */
    private final Map<String, Runnable> pendingTraining = new java.util.concurrent.ConcurrentHashMap<>();

    WorkerLauncher(Path workerJar, java.util.function.Function<FunctionConfig, Path> artifacts, String region, String accountId,
                   java.util.function.Supplier<S3Settings> s3Settings, String runtimeHostPort, JdkLocator jdks,
                   AotCache aot) {
        this.aot = aot;
        this.workerJar = workerJar;
        this.artifacts = artifacts;
        this.region = region;
        this.accountId = accountId;
        this.s3Settings = s3Settings;
        this.runtimeHostPort = runtimeHostPort;
        this.jdks = jdks;
    }

    private static final Path NICE = java.util.stream.Stream.of("/usr/bin/nice", "/bin/nice").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);

    /**
     * {@code command} prefixed with {@code nice -n N} when {@link LambdaRuntime#WORKER_NICE_PROPERTY} asks for it
     * (nice execs it: the process is the command's).
     */
    static List<String> withPriority(List<String> command) {
        int nice = Integer.getInteger(LambdaRuntime.WORKER_NICE_PROPERTY, 0);
        if (nice <= 0 || nice > 19 || NICE == null) {
            return command;
        }
        List<String> niced = new ArrayList<>(List.of(NICE.toString(), "-n", Integer.toString(nice)));
        niced.addAll(command);
        return niced;
    }

    /** The Java that workers of {@code fn} run on: a JDK of its runtime's version when one is installed. */
    JdkLocator.Choice java(FunctionConfig fn) {
        return jdks.choose(fn.runtime());
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().startsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts worker {@code generation} of {@code fn}. Its runtime token is written to the worker's stdin
     * (read once by the bootstrap); its SSM token is in the path of {@code AWS_ENDPOINT_URL_SSM}.
     */
    Process launch(FunctionConfig fn, int generation, WorkerSecrets secrets, FunctionLog log) throws IOException {
        String java = java(fn).executable();
        Path artifact = artifacts.apply(fn).toAbsolutePath();
        boolean onClassPath = aot.applies(java, artifact);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + fn.memorySizeMb() + "m"));
        command.addAll(jvmOptions(fn));
        command.addAll(List.of(
                "-Daudmg.function=" + fn.name(),
                "-Daudmg.handler=" + fn.handler(),
                "-Daudmg.artifact=" + artifact,
                "-Daudmg.memory=" + fn.memorySizeMb()));
        List<Path> classPath = onClassPath ? List.of(workerJar.toAbsolutePath(), artifact)
                : List.of(workerJar.toAbsolutePath());
        if (onClassPath) {
            // What JDK 25's AOT cache can hold: the function on the application class path, after the bootstrap.
            command.add("-D" + WorkerMain.APP_CLASS_PATH_PROPERTY + "=true");
        }
        command.addAll(List.of("-cp", String.join(File.pathSeparator,
                classPath.stream().map(Path::toString).toList()), WorkerMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = commonEnvironment(builder, fn);
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn.deployedName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memorySizeMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.deployedName());
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeHostPort + "/fn/" + fn.name() + "/" + generation);
        env.put("AWS_ENDPOINT_URL_SSM", "http://" + runtimeHostPort + LambdaRuntime.ssmPath(fn.name(), generation,
                secrets.ssmToken()));
        env.put("AWS_ENDPOINT_URL_SESV2", "http://" + runtimeHostPort + LambdaRuntime.sesPath(fn.name(), generation,
                secrets.ssmToken()));
        env.put("_HANDLER", fn.handler());
        if (onClassPath) {
            Path cache = aot.fileFor(fn.name(), command, env, classPath);
            if (aot.existing(cache).isPresent()) {
                // -Xshare cannot be given with an AOT cache (which holds the JDK's own classes too).
                command.remove("-Xshare:auto");
                command.add(1, "-XX:AOTCache=" + cache);
                builder.command(command);
                log.line("starting with the AOT cache " + cache.getFileName());
            } else {
                List<String> trainingCommand = new ArrayList<>(command);
                trainingCommand.remove("-Xshare:auto");
                int main = trainingCommand.indexOf("-cp");
                trainingCommand.addAll(main, List.of("-D" + WorkerMain.AOT_TRAINING_PROPERTY + "=true",
                        "-Dorg.crac.Core.Compat=" + WorkerMain.CRAC_COMPAT_PACKAGE));
                Map<String, String> trainingEnv = Map.copyOf(env);
                pendingTraining.put(fn.name() + "/" + generation, () -> aot.trainInBackground(fn.name(), cache,
                        (output, console) -> {
                            List<String> c = new ArrayList<>(trainingCommand);
                            c.add(1, "-XX:AOTCacheOutput=" + output);
                            ProcessBuilder training = new ProcessBuilder(withPriority(c))
                                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                                    .redirectErrorStream(true);
                            training.environment().clear();
                            training.environment().putAll(trainingEnv);
                            Process p = training.start();
                            try (OutputStream stdin = p.getOutputStream()) {
                                // No runtime token: a training run never asks for work.
                                stdin.write("training\n".getBytes(StandardCharsets.US_ASCII));
                            }
                            return p;
                        }, log));
            }
        }
        builder.redirectErrorStream(false);
        builder.command(withPriority(builder.command()));
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((secrets.runtimeToken() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        log.pump(process.getInputStream(), fn.name() + "-stdout");
        log.pump(process.getErrorStream(), fn.name() + "-stderr");
        return process;
    }

    /**
     * Worker {@code generation} of {@code function} asked for work (its start is over): when it started without an
     * AOT cache it could have, the cache is made now, in the background.
     */
    void workerReady(String function, int generation) {
        Runnable training = pendingTraining.remove(function + "/" + generation);
        if (training != null) {
            training.run();
        }
    }

    /** Stops the AOT training runs. */
    void close() {
        aot.close();
    }

    /** Threads polling for each function's invocations in the shared JVM (lite mode). */
    static final int SHARED_CONCURRENCY = 4;
    /** Initial heap of the shared JVM. */
    static final int SHARED_INITIAL_HEAP_MB = 64;
    /** Free share of the shared JVM's heap below which it grows, and above which a full collection shrinks it. */
    static final int SHARED_MIN_HEAP_FREE_PERCENT = 20;
    static final int SHARED_MAX_HEAP_FREE_PERCENT = 40;

    /**
     * Starts the shared worker JVM of lite mode for {@code functions}, which {@link LiteMode#refusals} found
     * compatible: one Java, one environment. Its environment is that common one plus what Lambda sets the same for
     * every function; what Lambda sets per function ({@code AWS_LAMBDA_FUNCTION_NAME},
     * {@code AWS_LAMBDA_LOG_GROUP_NAME}, {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, {@code _HANDLER}) cannot be
     * told apart in one process and is left out: each function has it from its {@code Context}. Functions
     * attach later through stdin ({@link SharedWorker}), each with its own runtime token.
     */
    Process launchShared(List<FunctionConfig> functions, int generation, WorkerSecrets ssm) throws IOException {
        FunctionConfig first = functions.get(0);
        int heapMb = functions.stream().mapToInt(FunctionConfig::memorySizeMb).max().orElse(1024);
        List<String> command = new ArrayList<>(List.of(java(first).executable(),
                "-Xmx" + heapMb + "m",
                // The default initial heap is 1/64 of the machine's memory (384 MB on 24 GB), a third of it young
                // generation that every minor GC cycle touches: start small and grow as the functions need.
                "-Xms" + SHARED_INITIAL_HEAP_MB + "m",
                // What a full collection leaves free is given back down to this share (IdleCollector runs one
                // after each burst of work): the heap of an idle desktop backend stays near what it holds.
                "-XX:MinHeapFreeRatio=" + SHARED_MIN_HEAP_FREE_PERCENT,
                "-XX:MaxHeapFreeRatio=" + SHARED_MAX_HEAP_FREE_PERCENT));
        command.addAll(jvmOptions(first));
        command.addAll(List.of(
                "-Daudmg.shared=true",
                "-Daudmg.concurrency=" + SHARED_CONCURRENCY,
                "-cp", workerJar.toAbsolutePath().toString(),
                "com.audmg.drive.local.lambda.bootstrap.SharedWorkerMain"));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = commonEnvironment(builder, first);
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeHostPort);
        env.put("AWS_ENDPOINT_URL_SSM", "http://" + runtimeHostPort + LambdaRuntime.sharedSsmPath(generation,
                ssm.ssmToken()));
        env.put("AWS_ENDPOINT_URL_SESV2", "http://" + runtimeHostPort + LambdaRuntime.sharedSesPath(generation,
                ssm.ssmToken()));
        builder.command(withPriority(builder.command()));
        return builder.start();
    }

    /**
     * The JVM options of a worker JVM, one function's or the shared one: Lambda's defaults that the function's
     * {@code JAVA_TOOL_OPTIONS} does not change ({@link RuntimeDefaults}), then what every worker gets.
     */
    private static List<String> jvmOptions(FunctionConfig fn) {
        List<String> options = new ArrayList<>(RuntimeDefaults.jvmOptions(fn.environment()));
        options.addAll(List.of(
                "-Xshare:auto",
                // What a function prints is UTF-8 (Lambda's LANG is en_US.UTF-8), whatever this machine's locale.
                "-Dsun.stdout.encoding=UTF-8",
                "-Dsun.stderr.encoding=UTF-8"));
        return options;
    }

    /**
     * Replaces the builder's environment by what every worker of this service gets: {@code fn}'s resolved
     * environment, then region, runtime, credentials and the local endpoints; returns it for the rest.
     */
    private Map<String, String> commonEnvironment(ProcessBuilder builder, FunctionConfig fn) {
        S3Settings s3 = s3Settings.get();
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(fn.environment());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + (fn.runtime() == null ? "java17" : fn.runtime()));
        env.put("AWS_ACCESS_KEY_ID", s3.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretAccessKey());
        env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
        env.putAll(serviceEndpoints);
        env.put("TZ", ":UTC");
        return env;
    }

    /** Sets environment variables such as {@code AWS_ENDPOINT_URL_SQS} for workers launched from now on. */
    void serviceEndpoints(Map<String, String> endpoints) {
        this.serviceEndpoints = Map.copyOf(endpoints);
    }

    /** The jar (or classes folder) {@code fn} runs from: its own {@code package.artifact}, else the service's. */
    Path artifactOf(FunctionConfig fn) {
        return artifacts.apply(fn).toAbsolutePath();
    }

    /** Changes when {@code fn}'s artifact is rebuilt (size and modification time). */
    String artifactStamp(FunctionConfig fn) {
        return stamp(artifacts.apply(fn));
    }

    private static String stamp(Path artifact) {
        try {
            return Files.size(artifact) + "@" + Files.getLastModifiedTime(artifact).toMillis();
        } catch (IOException e) {
            return "missing";
        }
    }

    /** The ARN of a function by its deployed name ({@link FunctionConfig#deployedName()}). */
    String functionArn(String deployedName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + deployedName;
    }
}
