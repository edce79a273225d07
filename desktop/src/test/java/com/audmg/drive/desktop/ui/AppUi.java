package com.audmg.drive.desktop.ui;

import static com.audmg.drive.desktop.testing.Fx.fx;
import static com.audmg.drive.desktop.testing.Fx.waitFor;

import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.DriveApp;
import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.testing.Accounts;
import com.audmg.drive.desktop.testing.Fx;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * What the TestFX journeys share: the whole app on TestFX's stage (1200 x 760, Primer Light, the app's stylesheet)
 * connected to a local cloud, at the login; screenshots; typing into fields; an account signed up through the API
 * and logged in through the form.
 */
final class AppUi {

    static final String PASSWORD = "correct-horse-battery";

    final AppContext app;
    final MainWindow window;
    final Stage stage;
    private final URI cloud;

    private AppUi(AppContext app, MainWindow window, Stage stage, URI cloud) {
        this.app = app;
        this.window = window;
        this.stage = stage;
        this.cloud = cloud;
    }

    /** Call from the test's {@code @Start}: the app's data in {@code appData}, starting at the login. */
    static AppUi start(Stage stage, Path appData, URI cloud) throws java.io.IOException {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        AppContext app = new AppContext(appData, new Settings());
        // A data folder shared by a class's tests: each starts at the login, not on the last account's library.
        app.libraryCache().forget();
        MainWindow window = new MainWindow(app, () -> new RemoteBackend(cloud));
        Scene scene = new Scene(window, 1200, 760);
        scene.getStylesheets().add(DriveApp.stylesheet());
        stage.setScene(scene);
        // TestFX hands every test the same stage: undo the size an earlier test gave it.
        stage.setWidth(1200);
        stage.setHeight(760);
        stage.show();
        window.connect();
        return new AppUi(app, window, stage, cloud);
    }

    /** Call from the test's {@code @AfterEach}. */
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(window::shutdown).get(10, TimeUnit.SECONDS);
        app.close();
    }

    /** The grid's tile showing file {@code id} (tiles carry their file, not an id: see FileGrid.Tile). */
    static javafx.scene.Node tile(String id) {
        return fx(() -> FileGrid.tileOf(new FxRobot().lookup(".tile").queryAll(), id))
                .orElseThrow(() -> new AssertionError("no tile shows file " + id));
    }

    void screenshot(String name) {
        Fx.screenshot(stage.getScene(), name);
    }

    static void type(FxRobot robot, String query, String text) {
        fx(() -> {
            TextField f = robot.lookup(query).queryAs(TextField.class);
            f.setText(text);
            f.positionCaret(text.length());
            return null;
        });
    }

    /** A new account made through the API (repeated on a gateway error), with a client logged in to it. */
    DriveClient signedUp(String user) throws Exception {
        DriveClient api = new DriveClient(cloud);
        Accounts.signUpAndLogIn(api, user, PASSWORD);
        return api;
    }

    /**
     * Logs in through the form (signing up first through the API when asked). A failed attempt (a cold Lambda worker
     * past its timeout on a loaded machine) is answered by pressing Log in again, up to three times: the form itself
     * is tested elsewhere.
     */
    DriveView loginAs(FxRobot robot, String user, boolean signUp) throws Exception {
        if (signUp) {
            Accounts.signUp(new DriveClient(cloud), user, PASSWORD);
        }
        waitFor("login view", () -> window.login() != null && robot.lookup("#username").tryQuery().isPresent());
        type(robot, "#username", user);
        type(robot, "#password", PASSWORD);
        for (int attempt = 1; window.drive() == null; attempt++) {
            robot.clickOn("#submit");
            try {
                waitFor("drive view or an error", () -> window.drive() != null
                        || robot.lookup("#formError").queryAs(Label.class).isVisible());
            } catch (AssertionError e) {
                screenshot("timeout-" + user);
                throw e;
            }
            if (window.drive() == null && attempt == 3) {
                screenshot("login-failed-" + user);
                throw new AssertionError("login failed: " + fx(() -> robot.lookup("#formError")
                        .queryAs(Label.class).getText()));
            }
            if (window.drive() == null) {
                type(robot, "#password", PASSWORD);
            }
        }
        return window.drive();
    }
}
