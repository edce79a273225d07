package com.audmg.drive.desktop.ui;

import static com.audmg.drive.desktop.testing.Fx.fx;
import static com.audmg.drive.desktop.testing.Fx.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.DriveApp;
import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.UploadJob;
import com.audmg.drive.desktop.backend.Backend;
import com.audmg.drive.desktop.backend.BackendException;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import java.awt.Color;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.media.MediaPlayer;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import com.audmg.drive.desktop.model.PlayerModel;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;
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

/** The app end to end, headless, against the real local cloud started in-process with a temporary data folder. */
@ExtendWith(ApplicationExtension.class)
class DriveAppUiTest {

    @TempDir
    static Path cloudData;
    @TempDir
    static Path appData;
    @TempDir
    Path work;
    private static LocalCloudFixture cloud;
    private AppUi ui;
    private AppContext app;
    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void startCloud() {
        // Its own cloud: the sign-up limit (20 per client and hour) is counted per cloud.
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

    private void type(FxRobot robot, String query, String text) {
        AppUi.type(robot, query, text);
    }

    private void screenshot(String name) {
        ui.screenshot(name);
    }

    private void loginAs(FxRobot robot, String user, boolean signUp) throws Exception {
        ui.loginAs(robot, user, signUp);
    }

    /** Pauses (unless the track ended already: the null audio device may outrun a poll), then seeks. */
    private static void pauseAndSeek(PlayerModel model, double seconds) {
        fx(() -> {
            if (model.statusProperty().get() == PlayerModel.Status.PLAYING) {
                model.togglePlay();
            }
            return null;
        });
        waitFor("paused or ended", () -> model.statusProperty().get() == PlayerModel.Status.PAUSED
                || model.statusProperty().get() == PlayerModel.Status.ENDED);
        fx(() -> {
            model.seek(seconds);
            return null;
        });
    }

    /** Set once the model goes PLAYING: with ALSA's null device a short track can end between two polls. */
    private static AtomicBoolean whenPlaying(PlayerModel model) {
        AtomicBoolean saw = new AtomicBoolean();
        fx(() -> {
            model.statusProperty().addListener((o, before, now) -> {
                if (now == PlayerModel.Status.PLAYING) {
                    saw.set(true);
                }
            });
            return null;
        });
        return saw;
    }

    @Test
    void signUp_shouldShowFieldErrors_thenLogIn(FxRobot robot) throws Exception {
        waitFor("login view", () -> robot.lookup("#username").tryQuery().isPresent());
        screenshot("login");
        robot.clickOn("#switchMode");
        type(robot, "#username", "x!");
        type(robot, "#password", "short");
        robot.clickOn("#submit");
        waitFor("username error", () -> robot.lookup("#usernameError").queryAs(Label.class).isVisible());
        String message = fx(() -> robot.lookup("#usernameError").queryAs(Label.class).getText());
        assertTrue(message.toLowerCase().contains("username"), message);
        type(robot, "#username", "valid.name");
        robot.clickOn("#submit");
        waitFor("password error", () -> robot.lookup("#passwordError").queryAs(Label.class).isVisible());
        screenshot("signup-errors");
        // wrong password on the login form
        robot.clickOn("#switchMode");
        type(robot, "#username", "nobody-here");
        type(robot, "#password", "wrong-password-1");
        robot.clickOn("#submit");
        waitFor("form error", () -> robot.lookup("#formError").queryAs(Label.class).isVisible());
        // the focus goes back to the password (Enter must not open the sign-up form)
        waitFor("password focused", () -> robot.lookup("#password").query().isFocused());
        // then a good sign-up logs in and the username is remembered
        robot.clickOn("#switchMode");
        type(robot, "#username", "bob.ui");
        type(robot, "#password", "correct-horse-battery");
        robot.clickOn("#submit");
        waitFor("drive view", () -> window.drive() != null);
        assertEquals("bob.ui", app.settings().lastUsername);
    }

    @Test
    void drive_shouldUploadPreviewPlayDownloadFilterDeleteAndLogOut(FxRobot robot) throws Exception {
        // GIVEN a new account and a real PNG and WAV
        loginAs(robot, "alice.ui", true);
        Path png = TestMedia.png(work.resolve("sunset.png"), 800, 600, new Color(255, 140, 0), new Color(120, 40, 200));
        Path png2 = TestMedia.png(work.resolve("sea.png"), 600, 800, new Color(0, 120, 200), new Color(0, 200, 150));
        Path wav = TestMedia.wav(work.resolve("tone.wav"), 30, 440);
        DriveView drive = window.drive();

        // WHEN they are uploaded through the queue
        fx(() -> {
            drive.enqueue(List.of(png, png2, wav));
            return null;
        });
        waitFor("uploads done", () -> drive.uploads().jobs().stream().allMatch(UploadJob::isFinished));
        assertEquals(List.of("DONE", "DONE", "DONE"), fx(() -> drive.uploads().jobs().stream()
                .map(j -> j.state() == UploadJob.State.DONE ? "DONE" : j.state() + ": " + j.error()).toList()));
        // AND refused files fail on their own row with a readable reason: client-side type check, server-side sniffing
        Path text = Files.writeString(work.resolve("notes.txt"), "hello");
        Path fakePng = Files.writeString(work.resolve("fake.png"), "not really an image, just some text");
        fx(() -> {
            drive.enqueue(List.of(text, fakePng));
            return null;
        });
        waitFor("refused uploads", () -> drive.uploads().jobs().size() == 5
                && drive.uploads().jobs().stream().allMatch(UploadJob::isFinished));
        List<String> errors = fx(() -> drive.uploads().jobs().stream().filter(j -> j.state() == UploadJob.State.FAILED)
                .map(UploadJob::error).toList());
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("Unsupported type"), errors.get(0));
        assertTrue(errors.get(1).startsWith("Not an allowed image or audio file"), errors.get(1));
        // THEN the good ones appear without a refresh, with thumbnails
        waitFor("files listed", () -> drive.allFiles().size() == 3);
        waitFor("thumbnails", () -> robot.lookup(".thumbnail").queryAllAs(ImageView.class).stream()
                .filter(v -> v.getImage() != null && v.getImage().getProgress() >= 1 && !v.getImage().isError())
                .count() == 2);
        screenshot("drive");
        DriveFile image = fx(() -> drive.allFiles().stream().filter(f -> f.name().equals("sunset.png")).findFirst()
                .orElseThrow());
        DriveFile audio = fx(() -> drive.allFiles().stream().filter(DriveFile::isAudio).findFirst().orElseThrow());

        // preview: opens, zooms, next/previous with the keyboard, closes with Escape
        robot.doubleClickOn(AppUi.tile(image.id()));
        waitFor("preview image", () -> drive.preview().isVisible() && drive.preview().image() != null
                && drive.preview().image().getProgress() >= 1);
        assertEquals(800, fx(() -> drive.preview().image().getWidth()));
        fx(() -> {
            drive.preview().setZoom(2);
            return null;
        });
        assertEquals(2.0, fx(() -> drive.preview().zoom()), 0.01);
        fx(() -> {
            drive.preview().fit();
            return null;
        });
        screenshot("preview");
        DriveFile first = fx(() -> drive.preview().file());
        robot.type(KeyCode.RIGHT);
        waitFor("next image", () -> !drive.preview().file().equals(first));
        robot.type(KeyCode.LEFT);
        waitFor("previous image", () -> drive.preview().file().equals(first));
        robot.type(KeyCode.ESCAPE);
        waitFor("preview closed", () -> !drive.preview().isVisible());

        // audio: plays through the loopback proxy, position advances, seeking works
        PlayerModel model = drive.player().model();
        // With ALSA's null device the whole 30 s tone can play in less than a poll: the model having played it to
        // its end counts as the position having advanced.
        AtomicBoolean sawPlaying = whenPlaying(model);
        robot.doubleClickOn(AppUi.tile(audio.id()));
        // With ALSA's null device playback runs faster than real time and may reach the end between two polls,
        // so record the furthest position seen instead of sampling it.
        AtomicReference<Double> furthest = new AtomicReference<>(0.0);
        AtomicReference<MediaPlayer> watched = new AtomicReference<>();
        waitFor("player", () -> {
            MediaPlayer mp = drive.engine().lastPlayer();
            if (mp == null) {
                return false;
            }
            if (watched.getAndSet(mp) != mp) {
                mp.currentTimeProperty().addListener((o, a, t) -> furthest.accumulateAndGet(t.toSeconds(), Math::max));
            }
            furthest.accumulateAndGet(mp.getCurrentTime().toSeconds(), Math::max);
            return true;
        });
        waitFor("position advances", () -> {
            // The track may be opened again right after the first poll saw it (the queue is built from the files
            // shown as it starts): follow the newest player, as the user hears it.
            MediaPlayer mp = drive.engine().lastPlayer();
            if (watched.getAndSet(mp) != mp) {
                furthest.set(0.0);
                mp.currentTimeProperty().addListener((o, a, t) -> {
                    if (watched.get() == mp) {
                        furthest.accumulateAndGet(t.toSeconds(), Math::max);
                    }
                });
            }
            furthest.accumulateAndGet(mp.getCurrentTime().toSeconds(), Math::max);
            return furthest.get() > 0.2 || sawPlaying.get() && model.statusProperty().get() == PlayerModel.Status.ENDED;
        });
        assertEquals(30.0, fx(() -> watched.get().getTotalDuration().toSeconds()), 0.5);
        pauseAndSeek(model, 20);
        waitFor("seeked", () -> Math.abs(watched.get().getCurrentTime().toSeconds() - 20) < 1);
        // With ALSA's null device playback runs faster than real time: the last 10 s may end before a
        // poll sees PLAYING, so the transition itself is recorded.
        AtomicBoolean resumed = new AtomicBoolean();
        fx(() -> {
            watched.get().statusProperty().addListener((o, before, now) -> {
                if (now == MediaPlayer.Status.PLAYING) {
                    resumed.set(true);
                }
            });
            model.togglePlay();
            return null;
        });
        waitFor("playing again", resumed::get);
        screenshot("player");
        // the only track of the queue ends: Play shows (not Pause), at 0:00, and one click replays
        waitFor("end of the queue", () -> model.statusProperty().get() == PlayerModel.Status.ENDED);
        assertEquals(Feather.PLAY, fx(() -> ((FontIcon) robot.lookup("#playPause").queryAs(Button.class)
                .getGraphic()).getIconCode()));
        assertTrue(fx(() -> robot.lookup("#trackTime").queryAs(Label.class).getText()).startsWith("0:00 /"));
        AtomicBoolean replayed = new AtomicBoolean();
        fx(() -> {
            watched.get().statusProperty().addListener((o, before, now) -> {
                if (now == MediaPlayer.Status.PLAYING) {
                    replayed.set(true);
                }
            });
            return null;
        });
        robot.clickOn("#playPause");
        waitFor("replaying", replayed::get);
        fx(() -> {
            drive.player().stop();
            return null;
        });

        // download compares byte for byte
        Path target = work.resolve("downloaded.png");
        AtomicReference<Path> saved = new AtomicReference<>();
        fx(() -> {
            drive.download(image, target, saved::set);
            return null;
        });
        waitFor("download", () -> saved.get() != null);
        assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(target));

        // filter and search
        robot.clickOn("#filterImages");
        waitFor("images only", () -> drive.shownFiles().size() == 2 && drive.shownFiles().stream()
                .allMatch(DriveFile::isImage));
        robot.clickOn("#filterAudio");
        waitFor("audio only", () -> drive.shownFiles().size() == 1 && drive.shownFiles().get(0).isAudio());
        robot.clickOn("#filterAll");
        type(robot, "#search", "SUN");
        waitFor("search", () -> drive.shownFiles().size() == 1
                && drive.shownFiles().get(0).name().equals("sunset.png"));
        type(robot, "#search", "");
        waitFor("all again", () -> drive.shownFiles().size() == 3);

        // Delete moves to the trash at once; the notice's Undo brings the file back
        robot.clickOn(AppUi.tile(image.id()));
        robot.type(KeyCode.DELETE);
        waitFor("trashed", () -> drive.allFiles().size() == 2);
        assertTrue(fx(() -> app.client().listTrashed()).stream().anyMatch(f -> f.id().equals(image.id())));
        robot.clickOn("#toastAction");
        waitFor("undone", () -> drive.allFiles().size() == 3);
        assertTrue(fx(() -> app.client().listAll(com.audmg.drive.desktop.api.FileQuery.all())).stream()
                .anyMatch(f -> f.id().equals(image.id())));
        robot.clickOn(AppUi.tile(image.id()));
        robot.type(KeyCode.DELETE);
        waitFor("trashed again", () -> drive.allFiles().size() == 2);

        // log out: the account's offline library goes, and the login screen says so
        String userId = app.client().me().userId();
        Path db = com.audmg.drive.desktop.library.LibraryStore.fileFor(app.dataDir().resolve("library"),
                app.libraryCache().server(), userId);
        assertTrue(Files.exists(db), "the offline library was kept while signed in: " + db);
        robot.clickOn("#userMenu");
        robot.clickOn("Log out");
        waitFor("login again", () -> window.drive() == null && window.login() != null);
        waitFor("offline library deleted", () -> !Files.exists(db));
        Label notice = robot.lookup("#formError").queryAs(Label.class);
        assertEquals(MainWindow.LOGGED_OUT, fx(notice::getText));
        assertTrue(fx(() -> notice.isVisible() && notice.getScene() != null), "the notice shows");
        assertTrue(fx(notice::getText).contains("removed"));
        screenshot("logged-out");
        assertEquals("alice.ui", fx(() -> robot.lookup("#username").queryAs(TextField.class).getText()));
        loginAs(robot, "alice.ui", false);
        waitFor("files after login", () -> window.drive().allFiles().size() == 2);
    }

    @Test
    void flac_shouldPlayThroughTheServersPlayableRendition_withSeek(FxRobot robot) throws Exception {
        // GIVEN a real FLAC (3 s, 44.1 kHz stereo: the media module's fixture), uploaded through the queue
        loginAs(robot, "flac.ui", true);
        Path flac = Files.copy(mediaFixture("tone.flac"), work.resolve("track.flac"));
        DriveView drive = window.drive();
        fx(() -> {
            drive.enqueue(List.of(flac));
            return null;
        });
        waitFor("upload done", () -> drive.uploads().jobs().stream().allMatch(UploadJob::isFinished));
        // WHEN the server has made its playable rendition (JavaFX cannot decode FLAC) and the app has synced it
        var api = new com.audmg.drive.desktop.api.DriveClient(cloud.baseUrl());
        api.login("flac.ui", "correct-horse-battery");
        String id = fx(() -> drive.allFiles().get(0).id());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (api.getFile(id).file().media() == null || !api.getFile(id).file().media().hasPlayable()) {
            assertTrue(System.nanoTime() < deadline, "no playable rendition after 90 s");
            Thread.sleep(250);
        }
        fx(() -> drive.library().syncNow());
        waitFor("rendition synced", () -> drive.allFiles().size() == 1 && drive.allFiles().get(0).media() != null
                && drive.allFiles().get(0).media().hasPlayable());
        DriveFile track = fx(() -> drive.allFiles().get(0));
        assertEquals("audio/flac", track.contentType());
        PlayerModel model = drive.player().model();
        AtomicBoolean sawPlaying = whenPlaying(model);
        robot.doubleClickOn(AppUi.tile(track.id()));
        // THEN it plays (JavaFX Media reports the rendition's 3 s), with no "can't play" message
        waitFor("playing", sawPlaying::get);
        waitFor("duration known", () -> drive.engine().lastPlayer().getTotalDuration().toSeconds() > 0);
        assertEquals(3.0, fx(() -> drive.engine().lastPlayer().getTotalDuration().toSeconds()), 0.1);
        assertEquals("", fx(() -> model.problemProperty().get()));
        assertEquals(track.id(), fx(() -> model.currentProperty().get().id()));
        // WHEN paused (or ended: the null audio device may play 3 s faster than a poll) and sought to 2 s
        pauseAndSeek(model, 2.0);
        // THEN the rendition's player is at 2 s and plays on from there
        waitFor("sought", () -> Math.abs(drive.engine().lastPlayer().getCurrentTime().toSeconds() - 2.0) < 0.3);
        assertEquals(2.0, fx(() -> model.positionProperty().get()), 0.3);
        AtomicBoolean resumed = new AtomicBoolean();
        fx(() -> {
            drive.engine().lastPlayer().statusProperty().addListener((o, before, now) -> {
                if (now == MediaPlayer.Status.PLAYING) {
                    resumed.set(true);
                }
            });
            model.togglePlay();
            return null;
        });
        waitFor("playing again", resumed::get);
        waitFor("end", () -> model.statusProperty().get() == PlayerModel.Status.ENDED);
    }

    @Test
    void mp3M4aOggOpusAndRawAac_shouldEachPlay_theLastThreeThroughTheServersPlayableRendition(FxRobot robot)
            throws Exception {
        // GIVEN the media module's real MP3 and M4A (which JavaFX Media decodes) and OGG Vorbis, Opus and raw ADTS AAC
        // (which it does not), uploaded through the queue (WAV and FLAC have journeys of their own above)
        loginAs(robot, "formats.ui", true);
        List<String> names = List.of("tone.mp3", "tone.m4a", "tone.ogg", "tone.opus", "tone.aac");
        List<Path> tracks = new ArrayList<>();
        for (String name : names) {
            tracks.add(Files.copy(mediaFixture(name), work.resolve(name)));
        }
        DriveView drive = window.drive();
        fx(() -> {
            drive.enqueue(tracks);
            return null;
        });
        waitFor("uploads done", () -> drive.uploads().jobs().size() == names.size()
                && drive.uploads().jobs().stream().allMatch(UploadJob::isFinished));
        // WHEN the server has processed each (and made a playable rendition of the last three) and the app has synced
        var api = new com.audmg.drive.desktop.api.DriveClient(cloud.baseUrl());
        api.login("formats.ui", "correct-horse-battery");
        waitFor("every file listed", () -> drive.allFiles().size() == names.size());
        List<String> ids = fx(() -> drive.allFiles().stream().map(DriveFile::id).toList());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String id : ids) {
            while (!processedForPlayback(api.getFile(id).file())) {
                assertTrue(System.nanoTime() < deadline, "not processed for playback after 120 s: " + id);
                Thread.sleep(250);
            }
        }
        fx(() -> drive.library().syncNow());
        waitFor("processing synced", () -> drive.allFiles().stream().allMatch(DriveAppUiTest::processedForPlayback));
        PlayerModel model = drive.player().model();
        // Repeat one: ALSA's null device may play a 2-3 s track to its end between two polls, and the queue would
        // then move on to the next file before this one's player is looked at.
        fx(() -> {
            model.repeatProperty().set(PlayerModel.Repeat.ONE);
            return null;
        });
        for (String id : ids) {
            DriveFile track = fx(() -> drive.allFiles().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow());
            AtomicBoolean sawPlaying = whenPlaying(model);
            robot.doubleClickOn(AppUi.tile(track.id()));
            // THEN each plays, for as long as the server measured the original, with no "can't play" message
            waitFor(track.name() + " playing", sawPlaying::get);
            waitFor(track.name() + " in its own player", () -> model.currentProperty().get() != null
                    && model.currentProperty().get().id().equals(id)
                    && drive.engine().lastPlayer().getTotalDuration().toSeconds() > 0);
            assertEquals(track.media().durationSeconds(),
                    fx(() -> drive.engine().lastPlayer().getTotalDuration().toSeconds()), 0.2, track.name());
            assertEquals("", fx(() -> model.problemProperty().get()), track.name());
            fx(() -> {
                if (model.statusProperty().get() == PlayerModel.Status.PLAYING) {
                    model.togglePlay();
                }
                return null;
            });
        }
    }

    /** Processed, and playable: MP3 and M4A as they are, every other audio type through a rendition. */
    private static boolean processedForPlayback(DriveFile file) {
        if (file.media() == null || file.media().durationMs() == null) {
            return false;
        }
        boolean javaFxDecodes = file.contentType().equals("audio/mpeg") || file.contentType().equals("audio/mp4");
        return javaFxDecodes || file.media().hasPlayable();
    }

    /** A fixture of the media module's tests, read where it lies (the desktop module's working folder is desktop/). */
    private static Path mediaFixture(String name) {
        Path path = Path.of("..", "functions", "media", "src", "test", "resources", "media", name);
        assertTrue(Files.isRegularFile(path), path.toAbsolutePath() + " missing");
        return path;
    }

    @Test
    void expiredSession_shouldReturnToLogin(FxRobot robot) throws Exception {
        loginAs(robot, "carol.ui", true);
        // the drive's first listing must have gone out with the token, or it is what meets the expired session
        waitFor("first listing", () -> !window.drive().busyProperty().get());
        fx(() -> {
            app.client().logout();
            return null;
        });
        fx(() -> {
            window.drive().refresh();
            return null;
        });
        waitFor("back at login", () -> window.drive() == null && window.login() != null);
        Node notice = robot.lookup("#formError").query();
        assertTrue(fx(notice::isVisible));
    }

    @Test
    void login_shouldShowBeforeTheBackendHasStarted_andWaitForItOnSubmit(FxRobot robot) throws Exception {
        // GIVEN a backend whose start is held back until released
        CountDownLatch release = new CountDownLatch(1);
        Backend held = new Backend() {
            @Override
            public URI start() throws BackendException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackendException("interrupted", e);
                }
                return cloud.baseUrl();
            }

            @Override
            public String describe() {
                return "the held-back cloud";
            }

            @Override
            public void close() {
                release.countDown();
            }
        };
        MainWindow slow = fx(() -> {
            MainWindow w = new MainWindow(app, () -> held);
            stage.getScene().setRoot(w);
            w.connect();
            return w;
        });
        try {
            // THEN the login form is there while the backend is still starting
            waitFor("login view", () -> slow.login() != null && robot.lookup("#username").tryQuery().isPresent());
            assertEquals("Connecting to the held-back cloud...",
                    fx(() -> robot.lookup("#backendLabel").queryAs(Label.class).getText()));
            // WHEN the user signs up before it has started
            robot.clickOn("#switchMode");
            type(robot, "#username", "dave.ui");
            type(robot, "#password", "correct-horse-battery");
            robot.clickOn("#submit");
            // THEN the form waits for the backend
            waitFor("form busy", () -> robot.lookup("#submit").queryAs(Button.class).isDisabled());
            assertNull(fx(slow::drive));
            // WHEN the backend has started THEN the sign-up goes through
            release.countDown();
            waitFor("drive view", () -> slow.drive() != null);
        } finally {
            release.countDown();
            fx(() -> {
                slow.shutdown();
                return null;
            });
        }
    }
}
