package com.audmg.drive.desktop.backend;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs the local cloud in this process. The backend description (serverless.yml) and the Lambda artifact travel
 * inside the app jar under {@code /backend/}; they are extracted into the data folder before starting.
 */
public final class EmbeddedBackend implements Backend {

    static final String CONFIG_RESOURCE = "/backend/serverless.yml";
    static final String ARTIFACT_RESOURCE = "/backend/audmg-functions.jar";
    /** The media processing functions' own artifact, extracted where serverless.yml's package.artifact names it. */
    static final String MEDIA_ARTIFACT_RESOURCE = "/backend/audmg-media.jar";
    static final String MEDIA_ARTIFACT_PATH = "functions/media/target/audmg-media.jar";

    private final Path dataDir;
    private LocalCloudHandle cloud;

    public EmbeddedBackend(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** True when this build carries the backend (the Lambda artifact may be absent in a partial build). */
    public static boolean isBundled() {
        return EmbeddedBackend.class.getResource(CONFIG_RESOURCE) != null
                && EmbeddedBackend.class.getResource(ARTIFACT_RESOURCE) != null
                && EmbeddedBackend.class.getResource(MEDIA_ARTIFACT_RESOURCE) != null
                && LocalCloudHandle.isAvailable();
    }

    @Override
    public synchronized URI start() throws BackendException {
        if (cloud != null) {
            return cloud.baseUrl();
        }
        try {
            Path backendDir = Files.createDirectories(dataDir.resolve("backend"));
            Path config = extract(CONFIG_RESOURCE, backendDir.resolve("serverless.yml"));
            Path artifact = extract(ARTIFACT_RESOURCE, backendDir.resolve("audmg-functions.jar"));
            Path media = backendDir.resolve(MEDIA_ARTIFACT_PATH);
            Files.createDirectories(media.getParent());
            extract(MEDIA_ARTIFACT_RESOURCE, media);
            Path storage = Files.createDirectories(dataDir.resolve("cloud"));
            cloud = LocalCloudHandle.start(config, artifact, storage);
            return cloud.baseUrl();
        } catch (BackendException e) {
            throw e;
        } catch (Exception e) {
            throw new BackendException("The local cloud did not start: " + e.getMessage(), e);
        }
    }

    private static Path extract(String resource, Path target) throws IOException, BackendException {
        try (InputStream in = EmbeddedBackend.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new BackendException("This build does not include " + resource
                        + "; build the whole project or choose a remote API in Settings", null);
            }
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }

    @Override
    public String describe() {
        return cloud == null ? "the built-in local cloud" : "Local cloud: " + cloud.baseUrl();
    }

    @Override
    public synchronized void close() {
        if (cloud != null) {
            cloud.close();
            cloud = null;
        }
    }
}
