package com.audmg.drive.local.lambda.bootstrap;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Main class of the shared worker JVM (lite mode): every function of the project in one JVM, each in its own
 * class loader (its own static state, SDK clients and handler instance) and with its own Runtime API token.
 *
 * <p>The local cloud attaches a function by writing one line to this JVM's stdin (never its environment or
 * command line): {@code attach <function> <generation> <token> <deployed name> <memory MB> <handler>}, tab
 * separated. Each attached function then polls {@code /fn/<function>/<generation>/...} with its own token on
 * {@code audmg.concurrency} threads. What a function prints is tagged with its name (see {@link FunctionOutput})
 * so that the local cloud files it under that function's log.
 */
public final class SharedWorkerMain {
    /** The stdin command that adds a function. */
    public static final String ATTACH = "attach";

    private SharedWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(System.getProperty("audmg.concurrency", "4"));
        String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (api == null) {
            System.err.println("shared worker: missing AWS_LAMBDA_RUNTIME_API");
            System.exit(2);
        }
        FunctionOutput.install();
        IdleCollector.start();
        BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = control.readLine()) != null) {
            String[] f = line.split("\t");
            // attach, function, generation, runtime token, deployed name, memory, handler, artifact
            if (f.length != 8 || !f[0].equals(ATTACH)) {
                System.err.println("shared worker: ignoring a malformed control line");
                continue;
            }
            String function = f[1];
            String runtimeApi = api + "/fn/" + function + "/" + f[2];
            WorkerMain worker = new WorkerMain(function, f[4], Integer.parseInt(f[5]), runtimeApi, f[3], true);
            IdleCollector.begin();
            Thread init = new Thread(() -> {
                FunctionOutput.setFunction(function);
                try {
                    worker.run(f[6], Path.of(f[7]), threads);
                } catch (Exception e) {
                    System.out.println("INIT_ERROR " + e);
                } finally {
                    IdleCollector.end();
                }
            }, "init-" + function);
            init.start();
        }
        // stdin closed: the local cloud is gone (or stopping this JVM).
        System.exit(0);
    }
}
