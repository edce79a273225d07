package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.backend.Backend;
import com.audmg.drive.desktop.api.DriveClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** Root of the window: starting screen, login or drive, with notifications on top. */
public final class MainWindow extends StackPane {

    private final AppContext app;
    private final Supplier<Backend> backendFactory;
    private final StackPane content = new StackPane();
    private Backend backend;
    /** Completes when the current backend has started and the API client is connected. */
    private CompletableFuture<Void> connection = new CompletableFuture<>();
    private DriveView drive;
    private LoginView login;

    public MainWindow(AppContext app, Supplier<Backend> backendFactory) {
        this.app = app;
        this.backendFactory = backendFactory;
        setId("mainWindow");
        getChildren().addAll(content, app.notifier().node());
        StackPane.setAlignment(app.notifier().node(), Pos.BOTTOM_RIGHT);
    }

    /**
     * Shows the login at once and starts the backend in the background: the built-in local cloud takes seconds to
     * start, which the user spends typing. A submitted form waits for the connection; a backend that fails to start
     * replaces the login with the connection problem. May be called before this window is in a scene, so that the
     * backend starts while the window is being built.
     */
    public void connect() {
        closeBackend();
        Backend b = backendFactory.get();
        backend = b;
        CompletableFuture<Void> connected = new CompletableFuture<>();
        connection = connected;
        // The account signed in at the last close: its library shows at once, from the cache, before the backend
        // answers (or when it never does). Otherwise the login.
        var cached = app.libraryCache().lastAccount();
        if (cached.isPresent()) {
            showDriveFromCache(cached.get());
            afterFirstLayout(() -> timing("cached library shown"));
        } else {
            showLogin(null);
            afterFirstLayout(() -> timing("login view shown"));
        }
        // The API client is built off the FX thread too: its HttpClient loads the default TLS context.
        Fx.background(app.io(), () -> new DriveClient(b.start()), client -> {
            if (backend != b) {
                return; // reconnected meanwhile
            }
            timing("backend ready");
            app.connect(client);
            client.onSessionExpired(e -> Fx.later(() -> {
                if (drive != null) {
                    showLogin("Your session has ended. Please log in again.");
                }
            }));
            connected.complete(null);
            app.io().submit(app::audioProxy); // ready before the first play, off the FX thread
            if (login != null) {
                login.setBackendDescription(b.describe());
            }
        }, error -> {
            connected.completeExceptionally(error);
            if (backend == b && drive != null) {
                drive.serverUnreachable(); // keep showing the cached library, marked offline
            } else if (backend == b) {
                showConnectionProblem(Notifier.describe(error));
            }
        });
    }

    /** Runs {@code r} on the FX thread once a pulse has applied CSS and layout to this window in its scene. */
    private void afterFirstLayout(Runnable r) {
        Scene scene = getScene();
        if (scene == null) {
            ChangeListener<Scene> onScene = new ChangeListener<>() {
                @Override
                public void changed(ObservableValue<? extends Scene> o, Scene old, Scene now) {
                    if (now != null) {
                        sceneProperty().removeListener(this);
                        afterFirstLayout(r);
                    }
                }
            };
            sceneProperty().addListener(onScene);
            return;
        }
        Runnable[] listener = new Runnable[1];
        listener[0] = () -> Platform.runLater(() -> {
            if (listener[0] != null) {
                scene.removePostLayoutPulseListener(listener[0]);
                listener[0] = null;
                r.run();
            }
        });
        scene.addPostLayoutPulseListener(listener[0]);
        Platform.requestNextPulse();
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
        login = new LoginView(app, connection, backend == null ? "" : describeConnection(), this::showDrive,
                this::openSettings, notice);
        show(login);
        login.focusFirstField();
    }

    /**
     * With {@code -Daudmg.timing=true}: one stdout line per milestone, read by the desktop bench. The process CPU time
     * beside the wall time tells slow code from a busy machine.
     */
    private static void timing(String milestone) {
        if (Boolean.getBoolean("audmg.timing")) {
            long sinceJvmStart = System.currentTimeMillis()
                    - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            String cpu = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os
                    ? " (process CPU " + os.getProcessCpuTime() / 1_000_000 + " ms)" : "";
            System.out.println("audmg: " + milestone + " " + sinceJvmStart + " ms after JVM start" + cpu);
        }
    }

    private String describeConnection() {
        return connection.isDone() ? backend.describe() : "Connecting to " + backend.describe() + "...";
    }

    private void showDrive() {
        drive = new DriveView(app, () -> showLogin(null), this::openSettings);
        show(drive);
        drive.start();
    }

    private void showDriveFromCache(com.audmg.drive.desktop.library.LibraryCache.Account account) {
        drive = new DriveView(app, () -> showLogin(null), this::openSettings);
        show(drive);
        drive.startFromCache(account);
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
