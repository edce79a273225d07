package com.audmg.drive.desktop.ui;

import static com.audmg.drive.desktop.testing.Fx.fx;
import static com.audmg.drive.desktop.testing.Fx.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.DriveApp;
import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.library.LibraryCache;
import com.audmg.drive.desktop.media.ThumbnailCache;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Offline start: an account's library was synced (and its thumbnails cached) while the server ran; the server is
 * gone; the app starts on that data folder and shows the library from the cache, thumbnails included, with the
 * offline banner, and signing in fails plainly.
 */
@ExtendWith(ApplicationExtension.class)
class OfflineStartUiTest {

    @TempDir
    static Path cloudData;
    @TempDir
    static Path appData;
    private static URI deadServer;
    private static List<DriveFile> uploaded;
    private AppContext app;
    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void syncThenStopTheServer(@TempDir Path work) throws Exception {
        LocalCloudFixture cloud = LocalCloudFixture.start(cloudData);
        ExecutorService io = Executors.newFixedThreadPool(2);
        try {
            deadServer = cloud.baseUrl();
            DriveClient client = new DriveClient(cloud.baseUrl());
            com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(client, "offline.ui", "correct-horse-battery");
            DriveFile red = client.upload(TestMedia.png(work.resolve("red.png"), 320, 240, Color.RED, Color.ORANGE),
                    "image/png", Progress.NONE, new Cancellation());
            DriveFile blue = client.upload(TestMedia.png(work.resolve("blue.png"), 240, 320, Color.BLUE, Color.CYAN),
                    "image/png", Progress.NONE, new Cancellation());
            uploaded = List.of(red, blue);
            // The thumbnails the app showed, then its own sync, as a signed-in session would have run them.
            ThumbnailCache thumbs = new ThumbnailCache(appData.resolve("thumbnails"), (k, t) -> { }, io);
            for (DriveFile f : uploaded) {
                DriveFile processed = waitForThumbnail(client, f.id());
                thumbs.get(Thumbnails.key(processed), (key, target) -> client.downloadUrl(
                        URI.create(processed.thumbnailUrl()), -1, target, Progress.NONE, new Cancellation()))
                        .get(30, TimeUnit.SECONDS);
            }
            LibraryCache cache = new LibraryCache(appData.resolve("library"), serverKey());
            cache.open(client.me().userId()).sync(client);
            cache.remember(new LibraryCache.Account(client.me().userId(), "offline.ui"));
            cache.close();
        } finally {
            cloud.close();
            io.shutdownNow();
        }
    }

    private static String serverKey() {
        return deadServer.toString();
    }

    private static DriveFile waitForThumbnail(DriveClient client, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            DriveFile f = client.getFile(id).file();
            if (f.hasThumbnail()) {
                return f;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no thumbnail for " + f.name() + " (processing " + f.processing() + ")");
            }
            Thread.sleep(200);
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Settings settings = new Settings();
        settings.remoteApiUrl = serverKey();
        app = new AppContext(appData, settings);
        window = new MainWindow(app, () -> new RemoteBackend(deadServer));
        Scene scene = new Scene(window, 1000, 700);
        scene.getStylesheets().add(DriveApp.stylesheet());
        stage.setScene(scene);
        stage.show();
        window.connect();
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.shutdown()).get(10, TimeUnit.SECONDS);
        app.close();
    }

    @Test
    void start_withTheServerGone_shouldShowTheCachedLibraryWithThumbnails_andTheBanner(FxRobot robot)
            throws Exception {
        // THEN the drive opens on the cached library, not the login
        waitFor("cached files", () -> window.drive() != null && window.drive().allFiles().size() == 2);
        assertEquals(List.of("blue.png", "red.png"), fx(() -> window.drive().allFiles().stream().map(DriveFile::name)
                .sorted().toList()));
        // AND the banner says why nothing can change
        waitFor("banner", () -> robot.lookup("#offlineBanner").query().isVisible());
        String text = fx(() -> robot.lookup("#offlineText").queryAs(Label.class).getText());
        assertTrue(text.startsWith("Not signed in: showing your library as of"), text);
        // AND the thumbnails come from the disk cache
        waitFor("two thumbnails", () -> robot.lookup(".thumbnail").queryAllAs(ImageView.class).stream()
                .filter(v -> v.getImage() != null && !v.getImage().isError() && v.getImage().getProgress() >= 1)
                .count() == 2);
        // AND search runs locally
        fx(() -> {
            window.drive().library().queryProperty().set("red");
            return null;
        });
        assertEquals(List.of("red.png"), fx(() -> window.drive().shownFiles().stream().map(DriveFile::name)
                .toList()));
        fx(() -> {
            window.drive().library().queryProperty().set("");
            return null;
        });
        // AND the timeline groups the grid by month (no EXIF here: the upload month)
        fx(() -> {
            window.drive().library().sortProperty().set(com.audmg.drive.desktop.model.LibraryModel.Sort.TAKEN);
            return null;
        });
        String month = com.audmg.drive.desktop.model.LibraryModel.monthHeading(uploaded.get(0));
        waitFor("month heading", () -> robot.lookup(".timeline-heading").queryAllAs(Label.class).stream()
                .filter(Node::isVisible).map(Label::getText).toList().equals(List.of(month)));
        screenshot("offline-start");
        // WHEN the user asks to sign in, with the server still gone
        robot.clickOn("#offlineSignIn");
        waitFor("login view", () -> window.login() != null && robot.lookup("#username").tryQuery().isPresent());
        fx(() -> {
            robot.lookup("#username").queryAs(javafx.scene.control.TextField.class).setText("offline.ui");
            robot.lookup("#password").queryAs(javafx.scene.control.TextField.class).setText("correct-horse-battery");
            return null;
        });
        robot.clickOn("#submit");
        // THEN it fails with a plain message
        waitFor("form error", () -> robot.lookup("#formError").queryAs(Label.class).isVisible());
        String error = fx(() -> robot.lookup("#formError").queryAs(Label.class).getText());
        assertTrue(error.toLowerCase().contains("offline") || error.toLowerCase().contains("reach"), error);
        Node anything = robot.lookup("#formError").query();
        assertTrue(anything.isVisible());
    }

    private void screenshot(String name) {
        Path dir = Path.of(System.getProperty("audmg.screenshots", "target/screenshots"));
        fx(() -> {
            WritableImage img = stage.getScene().snapshot(null);
            Files.createDirectories(dir);
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(name + ".png").toFile());
            return null;
        });
    }
}
