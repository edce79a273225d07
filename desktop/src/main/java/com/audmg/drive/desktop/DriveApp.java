package com.audmg.drive.desktop;

import com.audmg.drive.desktop.backend.Backend;
import com.audmg.drive.desktop.backend.EmbeddedBackend;
import com.audmg.drive.desktop.backend.RemoteBackend;
import com.audmg.drive.desktop.ui.AppContext;
import com.audmg.drive.desktop.ui.MainWindow;
import java.net.URI;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

/** The Audmg Drive desktop application. */
public final class DriveApp extends Application {

    private AppContext app;
    private MainWindow window;

    @Override
    public void start(Stage stage) throws Exception {
        Path dataDir = Settings.dataDir();
        Settings settings = Settings.load(dataDir);
        app = new AppContext(dataDir, settings);
        com.audmg.drive.desktop.ui.Theme.apply(settings.theme);
        com.audmg.drive.desktop.ui.Theme.followSystem();
        window = new MainWindow(app, () -> backendFor(app));
        // The backend starts now, in the background, while the window is built and shown.
        window.connect();
        Scene scene = new Scene(window, settings.windowWidth, settings.windowHeight);
        scene.getStylesheets().add(stylesheet());
        window.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("dark"),
                com.audmg.drive.desktop.ui.Theme.isDark());
        stage.setTitle("Audmg Drive");
        stage.setScene(scene);
        stage.setMinWidth(760);
        stage.setMinHeight(520);
        // The window's own size as saved (the stage's width and height, which rememberGeometry keeps).
        stage.setWidth(settings.windowWidth);
        stage.setHeight(settings.windowHeight);
        restoreGeometry(stage, settings);
        stage.setOnCloseRequest(e -> rememberGeometry(stage, settings));
        stage.show();
        com.audmg.drive.desktop.ui.WindowGeometry.hold(stage); // else openbox showed it at the minimum size
    }

    static Backend backendFor(AppContext app) {
        String remote = app.settings().remoteApiUrl;
        if (remote != null && !remote.isBlank()) {
            return new RemoteBackend(URI.create(remote.trim()));
        }
        return new EmbeddedBackend(app.dataDir());
    }

    public static String stylesheet() {
        return DriveApp.class.getResource("app.css").toExternalForm();
    }

    private static void restoreGeometry(Stage stage, Settings s) {
        if (!Double.isNaN(s.windowX) && !Double.isNaN(s.windowY)) {
            Rectangle2D r = new Rectangle2D(s.windowX, s.windowY, s.windowWidth, s.windowHeight);
            boolean visible = Screen.getScreens().stream().anyMatch(sc -> sc.getVisualBounds().intersects(r));
            if (visible) {
                stage.setX(s.windowX);
                stage.setY(s.windowY);
            }
        }
        stage.setMaximized(s.windowMaximized);
    }

    private static void rememberGeometry(Stage stage, Settings s) {
        s.windowMaximized = stage.isMaximized();
        if (!stage.isMaximized()) {
            s.windowX = stage.getX();
            s.windowY = stage.getY();
            s.windowWidth = stage.getWidth();
            s.windowHeight = stage.getHeight();
        }
    }

    @Override
    public void stop() {
        if (app != null) {
            app.saveSettings();
        }
        if (window != null) {
            window.shutdown();
        }
        if (app != null) {
            app.close();
        }
        // Background threads are daemons; the embedded cloud may hold non-daemon ones.
        Runtime.getRuntime().halt(0);
    }
}
