package com.audmg.drive.desktop.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.testfx.util.WaitForAsyncUtils;

/** Runs checks and reads on the FX thread from a TestFX test. */
public final class Fx {

    private Fx() {
    }

    /** Waits (up to 60 s) until the condition, evaluated on the FX thread, holds. */
    public static void waitFor(String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
                AtomicReference<Boolean> r = new AtomicReference<>(false);
                WaitForAsyncUtils.asyncFx(() -> {
                    try {
                        r.set(condition.call());
                    } catch (Exception e) {
                        r.set(false);
                    }
                }).get();
                return r.get();
            });
        } catch (Exception e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    /** The value of c, computed on the FX thread. */
    public static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Writes a snapshot of a scene to {@code target/screenshots/<name>.png} ({@code -Daudmg.screenshots=DIR}). */
    public static void screenshot(javafx.scene.Scene scene, String name) {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("audmg.screenshots", "target/screenshots"));
        fx(() -> {
            javafx.scene.image.WritableImage img = scene.snapshot(null);
            java.nio.file.Files.createDirectories(dir);
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img, null), "png",
                    dir.resolve(name + ".png").toFile());
            return null;
        });
    }
}
