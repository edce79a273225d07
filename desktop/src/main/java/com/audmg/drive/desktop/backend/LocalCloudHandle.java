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

    static LocalCloudHandle start(Path config, Path artifact, Path dataDir) {
        LocalCloudOptions options = LocalCloudOptions.builder()
                .port(0)
                .dataDir(dataDir)
                .stage(LocalCloudOptions.DEFAULT_STAGE)
                .config(config)
                .artifact(artifact)
                // Functions start while the user types the password, so the first call is warm.
                .prewarm(true)
                .workerMode(workerMode())
                // Logs go to files in the data folder; the app's console stays quiet.
                .console(null)
                .build();
        return new LocalCloudHandle(LocalCloud.start(options));
    }

    URI baseUrl() {
        return cloud.baseUrl();
    }

    @Override
    public void close() {
        cloud.close();
    }
}
