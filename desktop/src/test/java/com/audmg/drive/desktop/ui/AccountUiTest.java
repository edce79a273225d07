package com.audmg.drive.desktop.ui;

import static com.audmg.drive.desktop.testing.Fx.fx;
import static com.audmg.drive.desktop.testing.Fx.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.DriveApp;
import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.api.TotpEnrolment;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.TestMedia;
import com.audmg.drive.desktop.testing.Totp;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Border;
import javafx.scene.layout.Region;
import javafx.scene.paint.Paint;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kordamp.ikonli.javafx.FontIcon;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Account journeys over the whole app on Monocle against the real local cloud: a login with a second factor and
 * "keep me signed in" followed by a restart that opens the drive without the login; the account dialog's TOTP
 * enrolment with its QR code; the preview's actual size, panning, hovered tools and EXIF line; the dark theme and
 * focus rings. Screenshots go to target/screenshots.
 */
@ExtendWith(ApplicationExtension.class)
class AccountUiTest {

    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    static Path cloudData;
    @TempDir
    Path appData;
    @TempDir
    Path work;
    private static LocalCloudFixture cloud;
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
    void start(Stage stage) {
        this.stage = stage;
        Theme.apply(false);
        stage.setScene(new Scene(new javafx.scene.layout.StackPane(), 1200, 760));
        stage.getScene().getStylesheets().add(DriveApp.stylesheet());
        stage.show();
    }

    /** An app start on {@link #appData} (settings from its settings.json, as DriveApp does). */
    private void launch() throws Exception {
        if (window != null) {
            MainWindow old = window;
            WaitForAsyncUtils.asyncFx(old::shutdown).get(10, TimeUnit.SECONDS);
            app.close();
        }
        app = new AppContext(appData, Settings.load(appData));
        window = new MainWindow(app, () -> new RemoteBackend(cloud.baseUrl()));
        fx(() -> {
            stage.getScene().setRoot(window);
            window.connect();
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (window != null) {
            WaitForAsyncUtils.asyncFx(() -> window.shutdown()).get(10, TimeUnit.SECONDS);
            app.close();
        }
        fx(() -> Theme.apply(false));
    }

    private void screenshot(Scene scene, String name) {
        com.audmg.drive.desktop.testing.Fx.screenshot(scene, name);
    }

    private void set(FxRobot robot, String query, String text) {
        AppUi.type(robot, query, text);
    }

    private boolean visible(FxRobot robot, String query) {
        return robot.lookup(query).tryQuery().map(n -> n.isVisible() && n.getScene() != null).orElse(false);
    }

    @Test
    void mfaLogin_withKeepMeSignedIn_shouldAskForTheCode_andARestartShouldOpenTheDriveAtOnce(FxRobot robot)
            throws Exception {
        // An account with two-factor authentication on, made through the API.
        DriveClient api = signedUp("mfa.ui");
        TotpEnrolment enrolment = api.startTotp();
        byte[] secret = Totp.base32(enrolment.secret());
        long step = Totp.stepNow();
        api.confirmTotp(Totp.code(secret, step));

        launch();
        waitFor("login view", () -> window.login() != null && visible(robot, "#username"));

        // Settings: a plain-http remote API on the LAN is refused with a sentence; the theme applies at once, and
        // Cancel puts the old one back.
        robot.clickOn("#connectionSettings");
        waitFor("settings", () -> robot.lookup("#settingsDialog").tryQuery().isPresent());
        robot.clickOn("#connectionRemote");
        set(robot, "#remoteUrl", "http://192.168.1.10:4566/restapis/x/local/_user_request_");
        Node settings = robot.lookup("#settingsDialog").query();
        robot.clickOn(fx(() -> ((javafx.scene.control.DialogPane) settings).lookupButton(
                javafx.scene.control.ButtonType.OK)));
        waitFor("refusal", () -> visible(robot, "#remoteUrlError")
                && robot.lookup("#remoteUrlError").queryAs(Label.class).getText().startsWith("Use https"));
        assertTrue(fx(() -> settings.getScene().getWindow().isShowing()), "the dialog stays open");
        robot.clickOn("#themeDark");
        waitFor("dark at once", () -> Theme.isDark()
                && window.getPseudoClassStates().contains(javafx.css.PseudoClass.getPseudoClass("dark")));
        screenshot(settings.getScene(), "settings-refused-dark");
        javafx.stage.Window settingsWindow = fx(() -> settings.getScene().getWindow());
        fx(() -> {
            ((Button) ((javafx.scene.control.DialogPane) settings).lookupButton(javafx.scene.control.ButtonType.CANCEL))
                    .fire();
            return null;
        });
        waitFor("settings closed", () -> !settingsWindow.isShowing());
        assertFalse(fx(Theme::isDark), "Cancel restores the light theme");
        assertEquals("", fx(() -> app.settings().remoteApiUrl));

        set(robot, "#username", "mfa.ui");
        set(robot, "#password", PASSWORD);
        robot.clickOn("#keepSignedIn");
        assertTrue(fx(() -> robot.lookup("#keepSignedIn").queryAs(CheckBox.class).isSelected()));
        screenshot(stage.getScene(), "login-keep");
        robot.clickOn("#submit");
        waitFor("code step", () -> visible(robot, "#mfaStep"));
        assertFalse(fx(() -> visible(robot, "#passwordStep")), "the password form is replaced by the code step");
        waitFor("code field focused", () -> robot.lookup("#mfaCode").query().isFocused());

        // A wrong code: a sentence under the code field, focus stays there.
        robot.write(Totp.wrongCode(secret, step));
        robot.type(KeyCode.ENTER);
        waitFor("code error", () -> visible(robot, "#codeError"));
        assertTrue(fx(() -> robot.lookup("#codeError").queryAs(Label.class).getText())
                .startsWith("This code is not right"));
        screenshot(stage.getScene(), "login-mfa");

        set(robot, "#mfaCode", Totp.code(secret, step + 1));
        robot.type(KeyCode.ENTER);
        waitFor("drive", () -> window.drive() != null);
        Path kept = appData.resolve("session.properties");
        assertTrue(Files.isRegularFile(kept), "keep me signed in: the refresh token is kept");
        assertFalse(Files.readString(kept).contains(PASSWORD));

        // Restart: the drive opens from the kept session, the login form never shows.
        launch();
        waitFor("drive after restart", () -> window.drive() != null);
        assertNull(window.login(), "no login screen");
        waitFor("user name", () -> robot.lookup("#userMenu").tryQuery().isPresent());

        // Sign-out forgets it: the next start shows the login.
        fx(() -> {
            window.drive().logout();
            return null;
        });
        waitFor("login after sign-out", () -> window.login() != null);
        waitFor("kept token removed", () -> !Files.exists(kept));
        launch();
        waitFor("login view after restart", () -> window.login() != null && visible(robot, "#username"));
        assertNull(window.drive());
    }

    @Test
    void accountDialog_preview_andDarkTheme(FxRobot robot) throws Exception {
        DriveClient api = signedUp("qr.ui");
        Path photo = TestMedia.jpegWithExif(work.resolve("harbour.jpg"), 2400, 1600, "Canon", "Canon EOS R6",
                "2024:06:15 19:42:07");
        DriveFile jpeg = api.upload(photo, "image/jpeg", Progress.NONE, new Cancellation());
        api.upload(TestMedia.png(work.resolve("meadow.png"), 640, 480, new Color(40, 160, 90), new Color(20, 60, 140)),
                "image/png", Progress.NONE, new Cancellation());
        // The server reads the EXIF in the background.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (api.getFile(jpeg.id()).file().media() == null
                || api.getFile(jpeg.id()).file().media().takenAt() == null) {
            assertTrue(System.nanoTime() < deadline, "media processed");
            Thread.sleep(250);
        }

        launch();
        waitFor("login view", () -> window.login() != null && visible(robot, "#username"));
        set(robot, "#username", "qr.ui");
        set(robot, "#password", PASSWORD);
        robot.clickOn("#submit");
        waitFor("drive", () -> window.drive() != null);
        DriveView drive = window.drive();
        waitFor("files", () -> drive.allFiles().size() == 2);
        waitFor("thumbnails", () -> robot.lookup(".thumbnail").queryAllAs(ImageView.class).stream()
                .filter(v -> v.getImage() != null && v.getImage().getProgress() >= 1 && !v.getImage().isError())
                .count() == 2);

        // Preview: EXIF line, "1" keeps the centre, dragging pans, hovered tools keep white icons.
        robot.doubleClickOn(AppUi.tile(jpeg.id()));
        waitFor("preview image", () -> drive.preview().isVisible() && drive.preview().image() != null
                && drive.preview().image().getProgress() >= 1);
        String details = fx(() -> robot.lookup("#previewDetails").queryAs(Label.class).getText());
        assertTrue(details.contains("Taken ") && details.contains("Canon EOS R6"), details);
        robot.type(KeyCode.DIGIT1);
        assertEquals(1.0, fx(() -> drive.preview().zoom()), 0.01);
        // The scroll pane lays out the zoomed image on a later pulse: wait for the view to settle on its centre
        // (it never does if "1" does not keep the centre, and the assertions below then say where it went).
        try {
            waitFor("actual size laid out around the centre", () -> {
                Rectangle2D r = fx(() -> drive.preview().visibleFraction());
                return Math.abs(r.getMinX() + r.getWidth() / 2 - 0.5) < 0.02
                        && Math.abs(r.getMinY() + r.getHeight() / 2 - 0.5) < 0.02;
            });
        } catch (AssertionError notCentred) {
            // reported with the fraction seen by the assertions below
        }
        Rectangle2D seen = fx(() -> drive.preview().visibleFraction());
        assertEquals(0.5, seen.getMinX() + seen.getWidth() / 2, 0.02, "actual size keeps the centre: " + seen);
        assertEquals(0.5, seen.getMinY() + seen.getHeight() / 2, 0.02, "actual size keeps the centre: " + seen);
        robot.drag("#previewImage").dropBy(-150, -100);
        Rectangle2D panned = fx(() -> drive.preview().visibleFraction());
        assertEquals(150.0 / 2400, panned.getMinX() - seen.getMinX(), 0.01, "dragged left: the view moves right");
        assertEquals(100.0 / 1600, panned.getMinY() - seen.getMinY(), 0.01, "dragged up: the view moves down");
        robot.type(KeyCode.F);
        robot.moveTo("#previewActual");
        waitFor("hover", () -> robot.lookup("#previewActual").query().isHover());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(javafx.scene.paint.Color.WHITE, fx(() -> ((FontIcon) robot.lookup("#previewActual")
                .queryAs(Button.class).getGraphic()).getIconColor()), "a hovered tool keeps its white icon");
        screenshot(stage.getScene(), "preview-exif");
        robot.clickOn("#previewClose");
        waitFor("preview closed", () -> !drive.preview().isVisible());

        // Account dialog: TOTP enrolment with the QR code, confirmed with a code computed here.
        Platform.runLater(() -> AccountDialog.show(stage, app));
        waitFor("account dialog", () -> robot.lookup("#accountDialog").tryQuery().isPresent());
        Node pane = robot.lookup("#accountDialog").query();
        fx(() -> {
            robot.lookup("#accountTabs").queryAs(TabPane.class).getSelectionModel().select(3);
            return null;
        });
        waitFor("mfa start", () -> visible(robot, "#mfaStart") && !robot.lookup("#mfaStart").query().isDisabled());
        robot.clickOn("#mfaStart");
        waitFor("QR code", () -> robot.lookup("#mfaQr").queryAs(ImageView.class).getImage() != null
                && visible(robot, "#mfaQr"));
        String secretText = fx(() -> robot.lookup("#mfaSecret").queryAs(TextField.class).getText());
        assertFalse(secretText.isBlank());
        screenshot(pane.getScene(), "account-totp");
        set(robot, "#mfaConfirmCode", Totp.code(Totp.base32(secretText), Totp.stepNow()));
        robot.clickOn("#mfaConfirmCode");
        robot.type(KeyCode.ENTER);
        try {
            waitFor("recovery codes", () -> visible(robot, "#recoveryCodes")
                    && robot.lookup("#recoveryCodes").queryAs(TextArea.class).getText().lines().count() == 10);
        } catch (AssertionError e) {
            screenshot(pane.getScene(), "account-totp-failed");
            throw e;
        }
        screenshot(pane.getScene(), "account-recovery");
        assertTrue(api.me().mfa(), "two-factor authentication is on");
        fx(() -> {
            pane.getScene().getWindow().hide();
            return null;
        });

        // Focus rings, light then dark: a focused button gets a visible outline.
        Button refresh = robot.lookup("#refresh").queryAs(Button.class);
        assertNull(ringOf(refresh), "no ring without the focus");
        fx(() -> {
            refresh.requestFocus();
            return null;
        });
        waitFor("focus", refresh::isFocused);
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(ringOf(refresh), "a focused button shows a ring");
        screenshot(stage.getScene(), "focus-light");
        javafx.scene.paint.Color[] lightWave = fx(() -> ((WaveformBar) robot.lookup("#waveform").query()).colours());
        assertEquals(javafx.scene.paint.Color.web("#0969da"), lightWave[0], "Primer Light's accent");
        fx(() -> Theme.apply(true));
        WaitForAsyncUtils.waitForFxEvents();
        // The waveform seek bar's colours follow the theme (read from CSS)
        javafx.scene.paint.Color[] darkWave = fx(() -> ((WaveformBar) robot.lookup("#waveform").query()).colours());
        assertNotEquals(lightWave[0], darkWave[0]);
        assertNotEquals(lightWave[1], darkWave[1]);
        assertNotNull(ringOf(refresh), "and in the dark theme");
        assertTrue(fx(() -> window.getPseudoClassStates().contains(javafx.css.PseudoClass.getPseudoClass("dark"))));
        // The dark theme is applied at once: the toolbar's background turned dark.
        javafx.scene.paint.Color bg = fx(() -> (javafx.scene.paint.Color) ((Region) robot.lookup(".drive-toolbar")
                .query()).getBackground().getFills().get(0).getFill());
        assertTrue(bg.getBrightness() < 0.3, "dark toolbar: " + bg);
        screenshot(stage.getScene(), "focus-dark");
        fx(() -> {
            window.requestFocus();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        screenshot(stage.getScene(), "drive-dark");

        // Delete account: password, confirmation, then the login with a plain notice; local data forgotten.
        assertTrue(Files.isDirectory(appData.resolve("thumbnails")), "thumbnails were cached");
        Platform.runLater(() -> AccountDialog.show(stage, app));
        waitFor("account dialog again", () -> robot.lookup("#deleteTab").tryQuery().isPresent()
                || robot.lookup("#accountTabs").tryQuery().isPresent());
        fx(() -> {
            robot.lookup("#accountTabs").queryAs(TabPane.class).getSelectionModel().select(4);
            return null;
        });
        waitFor("delete tab", () -> visible(robot, "#deletePassword"));
        set(robot, "#deletePassword", "not-my-password");
        robot.clickOn("#deleteAccount");
        waitFor("confirmation", () -> robot.lookup("#deleteConfirm").tryQuery().isPresent());
        robot.clickOn("Delete for good");
        waitFor("wrong password refused", () -> robot.lookup(".field-error").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.isVisible() && l.getText().equals("That password is not right.")));
        assertTrue(api.me() != null, "the account is still there");
        set(robot, "#deletePassword", PASSWORD);
        robot.clickOn("#deleteAccount");
        waitFor("confirmation again", () -> robot.lookup("#deleteConfirm").tryQuery().map(Node::isVisible)
                .orElse(false));
        robot.clickOn("Delete for good");
        waitFor("login after deletion", () -> window.login() != null && visible(robot, "#formError"));
        assertEquals("Your account was deleted.", fx(() -> robot.lookup("#formError").queryAs(Label.class).getText()));
        assertEquals("", fx(() -> app.settings().lastUsername));
        waitFor("thumbnails removed", () -> !Files.exists(appData.resolve("thumbnails")));
        com.audmg.drive.desktop.api.ApiException gone = org.junit.jupiter.api.Assertions.assertThrows(
                com.audmg.drive.desktop.api.ApiException.class,
                () -> new DriveClient(cloud.baseUrl()).login("qr.ui", PASSWORD));
        assertEquals("invalid_credentials", gone.code());
    }

    /**
     * A new account, logged in through the API. A gateway error (a cold Lambda worker past its timeout on a loaded
     * machine) is answered by sending again, up to three times: the account screens are what is tested here.
     */
    static DriveClient signedUp(String user) throws Exception {
        DriveClient api = new DriveClient(cloud.baseUrl());
        com.audmg.drive.desktop.testing.Accounts.signUpAndLogIn(api, user, PASSWORD);
        return api;
    }

    /** The stroke paint of a node's border when it is visible (not transparent), else null. */
    private static Paint ringOf(Region r) {
        return fx(() -> {
            Border b = r.getBorder();
            if (b == null || b.getStrokes().isEmpty()) {
                return null;
            }
            Paint p = b.getStrokes().get(0).getTopStroke();
            return p instanceof javafx.scene.paint.Color c && c.getOpacity() == 0 ? null : p;
        });
    }
}
