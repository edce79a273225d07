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
import com.audmg.drive.desktop.model.PlayerModel;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Popup;
import javafx.stage.Stage;
import javafx.stage.Window;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
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
 * The player's queue and the upload panel's duplicate question over the whole app, headless, against the real local
 * cloud: keep both of a duplicate, "play next" from the file menu, the queue popup (current track marked, click to
 * jump, remove), repeat, the waveform seek bar, the seek and mute keys.
 */
@ExtendWith(ApplicationExtension.class)
class PlayerUiTest {

    @TempDir
    Path appData;
    @TempDir
    Path work;
    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    private AppUi ui;
    private AppContext app;
    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void startCloud() {
        cloud = LocalCloudFixture.start(cloudData);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        ui = AppUi.start(stage, appData, cloud.baseUrl());
        app = ui.app;
        window = ui.window;
    }

    @AfterEach
    void stop() throws Exception {
        ui.stop();
    }

    private void screenshot(String name) {
        ui.screenshot(name);
    }

    private static DriveFile named(DriveView drive, String name) {
        return fx(() -> drive.allFiles().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null));
    }

    private static ContextMenu openMenu() {
        return fx(() -> Window.getWindows().stream().filter(w -> w instanceof ContextMenu && w.isShowing())
                .map(w -> (ContextMenu) w).findFirst().orElse(null));
    }

    private static boolean queueShowing() {
        return fx(() -> Window.getWindows().stream().anyMatch(w -> w instanceof Popup && w.isShowing()
                && ((Popup) w).getContent().stream().anyMatch(n -> "queueView".equals(n.getId()))));
    }

    /** Set-up calls, repeated on a gateway error (a cold worker on a loaded machine can exceed its timeout). */
    private static <T> T retrying(java.util.concurrent.Callable<T> call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (com.audmg.drive.desktop.api.ApiException e) {
                if (e.status() < 500 || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Test
    void queueRepeatAndDuplicates_shouldWorkFromTheUi(FxRobot robot) throws Exception {
        // GIVEN an account with three tracks (processed: they have waveforms) and a photo
        String user = "player" + System.nanoTime() % 100000;
        DriveClient api = ui.signedUp(user);
        Path photo = TestMedia.png(work.resolve("photo.png"), 64, 48, Color.ORANGE, Color.MAGENTA);
        retrying(() -> api.upload(photo, "image/png", Progress.NONE, new Cancellation()));
        for (String name : List.of("one", "two", "three")) {
            Path wav = TestMedia.wav(work.resolve(name + ".wav"), 30, 330 + name.length() * 50);
            DriveFile f = retrying(() -> api.upload(wav, "audio/wav", Progress.NONE, new Cancellation()));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ("pending".equals(retrying(() -> api.getFile(f.id())).file().processing())) {
                assertTrue(System.nanoTime() < deadline, "processing of " + name);
                Thread.sleep(50);
            }
        }
        DriveView drive = ui.loginAs(robot, user, false);
        waitFor("four files", () -> drive.allFiles().size() == 4);

        // Duplicates: photo.png again asks, and "Keep both" uploads it as "photo (2).png"
        fx(() -> {
            drive.enqueue(List.of(photo));
            return null;
        });
        waitFor("duplicate question", () -> robot.lookup("#duplicatePrompt").queryAs(javafx.scene.Node.class)
                .isVisible());
        assertTrue(fx(() -> robot.lookup("#duplicateText").queryAs(Label.class).getText())
                .startsWith("\"photo.png\""));
        screenshot("upload-duplicate");
        robot.clickOn("#duplicateKeepBoth");
        waitFor("kept both", () -> named(drive, "photo (2).png") != null);
        assertTrue(fx(() -> !robot.lookup("#duplicatePrompt").queryAs(javafx.scene.Node.class).isVisible()));

        PlayerModel player = drive.player().model();
        // Repeat: off -> all -> one, shown on the button. Repeat one first: playback with no sound card runs many
        // times faster than real time, and the track must stay current while the test clicks.
        robot.clickOn("#repeat");
        assertEquals(PlayerModel.Repeat.ALL, fx(() -> player.repeatProperty().get()));
        robot.clickOn("#repeat");
        assertEquals(PlayerModel.Repeat.ONE, fx(() -> player.repeatProperty().get()));
        assertEquals("Repeat: this track", fx(() -> robot.lookup("#repeat").queryAs(javafx.scene.control.Button.class)
                .getTooltip().getText()));

        // Play "one": the audio files shown become the queue
        DriveFile one = named(drive, "one.wav");
        DriveFile two = named(drive, "two.wav");
        DriveFile three = named(drive, "three.wav");
        fx(() -> {
            drive.open(one);
            return null;
        });
        waitFor("playing", () -> player.statusProperty().get() == PlayerModel.Status.PLAYING);
        assertEquals(3, fx(() -> player.queue().size()));
        // the waveform seek bar replaces the plain slider once the peaks are in
        waitFor("waveform", () -> robot.lookup("#waveform").queryAs(javafx.scene.Node.class).isVisible());
        assertTrue(fx(() -> !robot.lookup("#seek").queryAs(javafx.scene.Node.class).isVisible()));

        // "Play next" from the file menu moves three right after one (the grid shows the newest first)
        ContextMenu menu = fx(() -> drive.contextMenu(List.of(three)));
        fx(() -> {
            MenuItem next = menu.getItems().stream().filter(i -> "menuPlayNext".equals(i.getId())).findFirst()
                    .orElseThrow();
            next.fire();
            return null;
        });
        assertEquals(List.of(two.id(), one.id(), three.id()), fx(() -> player.queue().stream().map(DriveFile::id)
                .toList()));

        // The queue popup lists it with the current track marked; a click jumps, X removes
        robot.clickOn("#queueButton");
        waitFor("queue popup", PlayerUiTest::queueShowing);
        waitFor("queue rows", () -> robot.lookup("#queue-" + two.id()).tryQuery().isPresent());
        screenshot("player-queue");
        robot.clickOn("#queue-" + two.id());
        waitFor("jumped to two", () -> two.sameFile(player.currentProperty().get()));
        assertEquals(3, fx(() -> player.queue().size()));
        robot.clickOn("#queueRemove-" + three.id());
        waitFor("three removed", () -> player.queue().size() == 2);
        assertEquals(two, fx(() -> player.currentProperty().get()));
        robot.clickOn("#queueButton");
        waitFor("queue popup closed", () -> !queueShowing());

        // Repeat: one -> off -> all; all wraps round from the first track to the last
        assertTrue(fx(() -> !player.hasPrevious()));
        robot.clickOn("#repeat");
        assertEquals(PlayerModel.Repeat.OFF, fx(() -> player.repeatProperty().get()));
        assertEquals("Repeat: off", fx(() -> robot.lookup("#repeat").queryAs(javafx.scene.control.Button.class)
                .getTooltip().getText()));
        robot.clickOn("#repeat");
        assertEquals(PlayerModel.Repeat.ALL, fx(() -> player.repeatProperty().get()));
        assertTrue(fx(() -> player.hasPrevious()), "two is first, but repeat all wraps round to one");

        // Keys: M mutes, Ctrl+Right seeks 5 s (the grid keeps its arrows)
        robot.clickOn(AppUi.tile(one.id()));
        robot.type(KeyCode.M);
        assertTrue(fx(() -> player.mutedProperty().get()));
        robot.clickOn("#repeat"); // back to one: the track stays current
        robot.clickOn(AppUi.tile(one.id()));
        // pause (once the track has loaded), so that the position only moves by the key; with playback faster than
        // real time the queue may have ended meanwhile (repeat was off for a moment), which stops as well
        waitFor("paused", () -> {
            if (player.statusProperty().get() == PlayerModel.Status.PLAYING) {
                player.togglePlay();
            }
            return player.statusProperty().get() == PlayerModel.Status.PAUSED
                    || player.statusProperty().get() == PlayerModel.Status.ENDED;
        });
        fx(() -> {
            player.seek(10);
            return null;
        });
        robot.press(KeyCode.CONTROL).type(KeyCode.RIGHT).release(KeyCode.CONTROL);
        assertEquals(15.0, fx(() -> player.positionProperty().get()), 0.01);
        assertEquals(List.of(one.id()), fx(() -> drive.selectedFiles().stream().map(DriveFile::id).toList()));
        screenshot("player-waveform");

        // Albums: the untagged tracks make "Unknown album"; its Play makes them the queue, in title order
        robot.clickOn("#musicButton");
        waitFor("albums", () -> robot.lookup("#play-album-0").tryQuery().isPresent());
        assertEquals(List.of("Unknown album"), fx(() -> robot.lookup("#albumList")
                .queryListView().getItems().stream().map(a -> ((com.audmg.drive.desktop.model.MusicLibrary.Album) a)
                        .title()).toList()));
        robot.clickOn("#play-album-0");
        waitFor("album queued", () -> player.queue().size() == 3);
        assertEquals(List.of(one.id(), three.id(), two.id()), fx(() -> player.queue().stream().map(DriveFile::id)
                .toList()));
        assertEquals(one, fx(() -> player.currentProperty().get()));
    }
}
