package com.audmg.drive.desktop.backend;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.lambda.WorkerMode;
import java.net.URI;
import java.nio.file.Path;

/** The one place that knows the local cloud's API. */
final class LocalCloudHandle implements AutoCloseable {

    private final LocalCloud cloud;

    private LocalCloudHandle(LocalCloud cloud) {
        this.cloud = cloud;
    }

    static boolean isAvailable() {
        try {
            Class.forName("com.audmg.drive.local.LocalCloud", false, LocalCloudHandle.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * {@code -Daudmg.backend.workers=per-function} runs a worker JVM per function as the developers' local cloud
     * does; by default the app runs them all in one shared JVM (lite mode), which takes much less memory.
     */
    static final String WORKERS_PROPERTY = "audmg.backend.workers";

    static WorkerMode workerMode() {
        return "per-function".equals(System.getProperty(WORKERS_PROPERTY)) ? WorkerMode.PER_FUNCTION
                : WorkerMode.SHARED;
    }

    /**
     * What the app calls from the login to its first screen (sign-in, session refresh, the account, the library
     * feed and listing, a file's thumbnail): in lite mode only these functions (and their authorizer) start while
     * the user types the password. Each function in the shared JVM holds its own copy of its classes (some 15 MB
     * with its heap), so the others (sign-up, uploads, deletion, renaming) start on their first use, as on Lambda.
     */
    static final java.util.List<String> FIRST_SCREEN_ROUTES = java.util.List.of("POST /auth/login",
            "POST /auth/refresh", "GET /me", "GET /changes", "GET /files", "GET /files/{id}");

    static LocalCloudHandle start(Path config, Path artifact, Path dataDir) {
        WorkerMode mode = workerMode();
        // The backend's worker JVMs start at a lower CPU priority than the window (unless set on the command line):
        // on two cores a starting worker otherwise takes the CPU from the first scrolls of the grid.
        if (System.getProperty(com.audmg.drive.local.lambda.LambdaRuntime.WORKER_NICE_PROPERTY) == null) {
            System.setProperty(com.audmg.drive.local.lambda.LambdaRuntime.WORKER_NICE_PROPERTY, "10");
        }
        LocalCloudOptions options = LocalCloudOptions.builder()
                .port(0)
                .dataDir(dataDir)
                .stage(LocalCloudOptions.DEFAULT_STAGE)
                .config(config)
                .artifact(artifact)
                // Functions start while the user types the password, so the first call is warm.
                .prewarm(mode == WorkerMode.PER_FUNCTION)
                .workerMode(mode)
                // Logs go to files in the data folder; the app's console stays quiet.
                .console(null)
                .build();
        LocalCloud cloud = LocalCloud.start(options);
        if (mode == WorkerMode.SHARED) {
            try {
                cloud.prewarmRoutes(FIRST_SCREEN_ROUTES);
            } catch (IllegalArgumentException e) { // the bundled serverless.yml lacks one: a build error
                cloud.close();
                throw e;
            }
        }
        return new LocalCloudHandle(cloud);
    }

    URI baseUrl() {
        return cloud.baseUrl();
    }

    @Override
    public void close() {
        cloud.close();
    }
}
