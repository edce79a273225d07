package com.audmg.drive.desktop.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.DriveApp;
import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Memory with 1,000 files listed and the whole grid scrolled through. Opt-in (slow):
 * {@code ./mvnw -pl desktop test -Dtest=ThousandFilesMeasurement -Daudmg.measure=true}.
 */
@EnabledIfSystemProperty(named = "audmg.measure", matches = "true")
@ExtendWith(ApplicationExtension.class)
class ThousandFilesMeasurement {

    @TempDir
    static Path cloudData;
    @TempDir
    static Path appData;
    @TempDir
    static Path work;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static String rss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("?").replaceAll("\\s+", " ");
    }

    private static long thumbnailsCached() throws java.io.IOException {
        try (var files = Files.list(appData.resolve("thumbnails"))) {
            return files.filter(p -> p.toString().endsWith(".img")).count();
        }
    }

    @Test
    void measure() throws Exception {
        try (LocalCloudFixture cloud = LocalCloudFixture.start(cloudData)) {
            DriveClient seed = new DriveClient(cloud.baseUrl());
            seed.signUp("thousand", "correct-horse-battery");
            seed.login("thousand", "correct-horse-battery");
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    Path png = TestMedia.png(work.resolve("img-" + n + ".png"), 96, 72,
                            Color.getHSBColor(n / 1000f, 0.8f, 0.9f), Color.getHSBColor(n / 333f, 0.6f, 0.5f));
                    return seed.upload(png, "image/png", Progress.NONE, new Cancellation());
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("MEASURE seeded 1000 files in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            long baseline = usedHeapAfterGc();
            System.out.println("MEASURE before app: heap used " + baseline / (1024 * 1024) + " MB, " + rss());
            AppContext app = new AppContext(appData, new Settings());
            AtomicBoolean ready = new AtomicBoolean();
            MainWindow[] window = new MainWindow[1];
            WaitForAsyncUtils.asyncFx(() -> {
                Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
                window[0] = new MainWindow(app, () -> new RemoteBackend(cloud.baseUrl()));
                Scene scene = new Scene(window[0], 1200, 760);
                scene.getStylesheets().add(DriveApp.stylesheet());
                stage.setScene(scene);
                stage.show();
                window[0].connect();
            }).get();
            // the login view shows before the backend is connected
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window[0].login() != null && app.client() != null);
            app.client().login("thousand", "correct-horse-battery");
            long t1 = System.nanoTime();
            WaitForAsyncUtils.asyncFx(() -> {
                app.settings().lastUsername = "thousand";
                window[0].showLogin(null);
            }).get();
            // log in through the form
            WaitForAsyncUtils.asyncFx(() -> {
                var user = (javafx.scene.control.TextField) stage.getScene().lookup("#username");
                var pass = (javafx.scene.control.TextField) stage.getScene().lookup("#password");
                user.setText("thousand");
                pass.setText("correct-horse-battery");
                ((javafx.scene.control.Button) stage.getScene().lookup("#submit")).fire();
            }).get();
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window[0].drive() != null
                    && window[0].drive().allFiles().size() == 1000);
            System.out.printf("MEASURE login to 1000 files listed: %.2f s%n", (System.nanoTime() - t1) / 1e9);
            Thread.sleep(2000);
            long listed = usedHeapAfterGc();
            System.out.println("MEASURE with 1000 files listed (first screen of thumbnails): heap used "
                    + listed / (1024 * 1024) + " MB (app share ~" + (listed - baseline) / (1024 * 1024) + " MB), "
                    + rss());
            FileGrid grid = window[0].drive().grid();
            int rows = WaitForAsyncUtils.asyncFx(() -> grid.getItems().size()).get();
            for (int r = 0; r < rows; r += 3) {
                int row = r;
                WaitForAsyncUtils.asyncFx(() -> grid.scrollTo(row)).get();
                Thread.sleep(15);
            }
            long t2 = System.nanoTime();
            try {
                WaitForAsyncUtils.waitFor(240, TimeUnit.SECONDS, () -> thumbnailsCached() >= 1000);
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("MEASURE not all thumbnails cached in time");
            }
            System.out.printf("MEASURE %d thumbnails fetched and cached in %.1f s%n", thumbnailsCached(),
                    (System.nanoTime() - t2) / 1e9);
            Thread.sleep(1000);
            long after = usedHeapAfterGc();
            System.out.println("MEASURE with 1000 files listed and grid scrolled: heap used " + after / (1024 * 1024)
                    + " MB (app share ~" + (after - baseline) / (1024 * 1024) + " MB), " + rss());
            ready.set(true);
            assertEquals(1000, window[0].drive().allFiles().size());
            WaitForAsyncUtils.asyncFx(() -> window[0].shutdown()).get();
            app.close();
        }
    }
}
