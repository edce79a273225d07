package com.audmg.drive.desktop.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.audmg.drive.desktop.backend.BackendException;
import com.audmg.drive.desktop.backend.EmbeddedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.jar.JarInputStream;

/**
 * Starts the real local cloud in-process, exactly as the app does, with a temporary data folder. Skips the calling
 * test (visibly) when this build does not carry a working backend yet.
 */
public final class LocalCloudFixture implements AutoCloseable {

    private final EmbeddedBackend backend;
    private final URI baseUrl;

    private LocalCloudFixture(EmbeddedBackend backend, URI baseUrl) {
        this.backend = backend;
        this.baseUrl = baseUrl;
    }

    public static LocalCloudFixture start(Path dataDir) {
        assumeTrue(EmbeddedBackend.isBundled(), "local cloud or bundled backend not on the classpath");
        assumeTrue(artifactHasHandlers(), "bundled Lambda artifact has no handlers (functions/lambda not built)");
        EmbeddedBackend backend = new EmbeddedBackend(dataDir);
        try {
            return new LocalCloudFixture(backend, backend.start());
        } catch (BackendException e) {
            backend.close();
            throw new IllegalStateException("local cloud did not start", e);
        }
    }

    private static boolean artifactHasHandlers() {
        try (InputStream in = LocalCloudFixture.class.getResourceAsStream("/backend/audmg-functions.jar");
             JarInputStream jar = in == null ? null : new JarInputStream(in)) {
            if (jar == null) {
                return false;
            }
            for (var e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                if (e.getName().startsWith("com/audmg/drive/") && e.getName().endsWith("Handler.class")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        backend.close();
    }
}
