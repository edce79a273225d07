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

    private static LocalCloudFixture shared;

    /**
     * One local cloud for the test classes of this JVM that share it (each uses its own accounts): its Lambda
     * workers start cold once instead of once per class. Stopped when the JVM exits. Sign-ups are limited to 20 per
     * client and hour per cloud, so only classes with few sign-ups share it (the model tests and FilesUiTest).
     */
    public static synchronized LocalCloudFixture shared() {
        if (shared == null) {
            Path dir;
            try {
                dir = java.nio.file.Files.createTempDirectory("audmg-desktop-cloud");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            LocalCloudFixture started = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteTree(dir);
            }));
            shared = started;
        }
        return shared;
    }

    private static void deleteTree(Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary folder left behind is only disk space
        }
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
