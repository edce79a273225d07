package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.backend.Backend;
import java.net.URI;
import java.util.function.Supplier;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** Root of the window: starting screen, login or drive, with notifications on top. */
public final class MainWindow extends StackPane {

    private final AppContext app;
    private final Supplier<Backend> backendFactory;
    private final StackPane content = new StackPane();
    private Backend backend;
    private DriveView drive;
    private LoginView login;

    public MainWindow(AppContext app, Supplier<Backend> backendFactory) {
        this.app = app;
        this.backendFactory = backendFactory;
        setId("mainWindow");
        getChildren().addAll(content, app.notifier().node());
        StackPane.setAlignment(app.notifier().node(), Pos.BOTTOM_RIGHT);
    }

    /** Starts the backend in the background, then shows the login. */
    public void connect() {
        closeBackend();
        Backend b = backendFactory.get();
        backend = b;
        ProgressIndicator spinner = new ProgressIndicator();
        Label label = new Label("Connecting to " + b.describe() + "...");
        label.getStyleClass().add("text-muted");
        VBox box = new VBox(16, spinner, label);
        box.setAlignment(Pos.CENTER);
        box.setId("startingView");
        show(box);
        Fx.background(app.io(), b::start, (URI url) -> {
            timing("backend ready");
            app.connect(url);
            app.client().onSessionExpired(e -> Fx.later(() -> {
                if (drive != null) {
                    showLogin("Your session has ended. Please log in again.");
                }
            }));
            showLogin(null);
        }, error -> showConnectionProblem(Notifier.describe(error)));
    }

    private void showConnectionProblem(String message) {
        Label title = new Label("Cannot connect");
        title.getStyleClass().add("title-3");
        Label text = new Label(message);
        text.setWrapText(true);
        text.setMaxWidth(480);
        Button retry = new Button("Try again");
        retry.getStyleClass().add("accent");
        retry.setOnAction(e -> connect());
        Button settings = new Button("Connection settings...");
        settings.setOnAction(e -> openSettings());
        VBox box = new VBox(14, title, text, new javafx.scene.layout.HBox(8, retry, settings));
        box.setAlignment(Pos.CENTER_LEFT);
        box.setMaxWidth(520);
        box.setId("connectionProblem");
        show(new StackPane(box));
    }

    public void showLogin(String notice) {
        if (drive != null) {
            drive.stopAll();
            drive = null;
        }
        login = new LoginView(app, backend == null ? "" : backend.describe(), this::showDrive, this::openSettings,
                notice);
        show(login);
        login.focusFirstField();
        timing("login view shown");
    }

    /** With {@code -Daudmg.timing=true}: one stdout line per milestone, read by the desktop bench. */
    private static void timing(String milestone) {
        if (Boolean.getBoolean("audmg.timing")) {
            long sinceJvmStart = System.currentTimeMillis()
                    - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.println("audmg: " + milestone + " " + sinceJvmStart + " ms after JVM start");
        }
    }

    private void showDrive() {
        drive = new DriveView(app, () -> showLogin(null), this::openSettings);
        show(drive);
        drive.start();
    }

    private void openSettings() {
        if (SettingsDialog.edit(getScene().getWindow(), app.settings())) {
            app.saveSettings();
            connect();
        }
    }

    private void show(Parent node) {
        content.getChildren().setAll(node);
    }

    public DriveView drive() {
        return drive;
    }

    public LoginView login() {
        return login;
    }

    private void closeBackend() {
        if (backend != null) {
            Backend old = backend;
            backend = null;
            app.io().submit(old::close);
        }
    }

    /** Stops everything at window close. */
    public void shutdown() {
        if (drive != null) {
            drive.stopAll();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
