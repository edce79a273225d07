package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.backend.Backend;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.model.StaySignedIn;
import com.audmg.drive.desktop.model.TokenStore;
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
        app.onAccountDeleted(this::accountDeleted);
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
        String remote = app.settings().remoteApiUrl;
        java.util.Optional<String> refused = remote == null || remote.isBlank() ? java.util.Optional.empty()
                : com.audmg.drive.desktop.model.RemoteUrlPolicy.refusal(remote);
        if (refused.isPresent()) {
            // A settings file from an older version (or edited by hand) may name a plain-http remote API.
            connection = new CompletableFuture<>();
            showConnectionProblem(refused.get());
            return;
        }
        Backend b = backendFactory.get();
        backend = b;
        CompletableFuture<Void> connected = new CompletableFuture<>();
        connection = connected;
        boolean resuming = app.settings().keepSignedIn;
        // The account signed in at the last close: its library shows at once, from the cache, before the backend
        // answers (or when it never does); a kept session signs it in meanwhile. Otherwise the login.
        var cached = app.libraryCache().lastAccount();
        if (cached.isPresent()) {
            showDriveFromCache(cached.get());
            afterFirstLayout(() -> timing("cached library shown"));
        } else {
            if (resuming) {
                showSigningIn();
            } else {
                showLogin(null);
            }
            afterFirstLayout(() -> timing("login view shown"));
        }
        String connectionKey = connectionKey();
        // Where a kept session lives, found while the backend starts (probing a keyring takes up to a second).
        CompletableFuture<TokenStore> tokenStore = CompletableFuture.supplyAsync(() -> TokenStore.open(app.dataDir()),
                app.io());
        // The API client is built off the FX thread too: its HttpClient loads the default TLS context.
        Fx.background(app.io(), () -> {
            DriveClient c = new DriveClient(b.start());
            // Device tokens live beside kept sessions (keyring or the 0600 file), per connection and username.
            c.deviceTokens(new TokenStore.DeviceTokens(tokenStore.join(), connectionKey));
            StaySignedIn stay = new StaySignedIn(tokenStore.join(), connectionKey, app.settings().keepSignedIn);
            stay.follow(c);
            app.staySignedIn(stay);
            return new Started(c, resuming ? stay.resume(c) : new StaySignedIn.NotKept());
        }, started -> {
            DriveClient client = started.client();
            if (backend != b) {
                return; // reconnected meanwhile
            }
            timing("backend ready");
            app.connect(client);
            client.onSessionExpired(e -> Fx.later(() -> {
                if (drive != null) {
                    app.settings().keepSignedIn = false;
                    app.saveSettings();
                    showLogin("Your session has ended. Please log in again.");
                }
            }));
            connected.complete(null);
            app.io().submit(app::audioProxy); // ready before the first play, off the FX thread
            if (login != null) {
                login.setBackendDescription(b.describe());
            }
            if (resuming) {
                resumed(started.outcome());
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

    private record Started(DriveClient client, StaySignedIn.Outcome outcome) {
    }

    /** What a kept session belongs to: the built-in local cloud, or the remote API's URL. */
    private String connectionKey() {
        String remote = app.settings().remoteApiUrl;
        return remote == null || remote.isBlank() ? "local" : remote.trim();
    }

    private void showSigningIn() {
        if (drive != null) {
            drive.stopAll();
            drive = null;
        }
        login = null;
        javafx.scene.control.ProgressIndicator busy = new javafx.scene.control.ProgressIndicator();
        busy.setMaxSize(40, 40);
        Label text = new Label("Signing you in...");
        text.getStyleClass().add("text-muted");
        VBox box = new VBox(12, busy, text);
        box.setAlignment(Pos.CENTER);
        box.setId("signingIn");
        StackPane pane = new StackPane(box);
        pane.getStyleClass().add("login-view");
        show(pane);
    }

    private void resumed(StaySignedIn.Outcome outcome) {
        if (outcome instanceof StaySignedIn.SignedIn in) {
            app.settings().lastUsername = in.me().username();
            showDrive();
        } else if (outcome instanceof StaySignedIn.Ended ended) {
            app.settings().keepSignedIn = false;
            app.saveSettings();
            showLogin(ended.message());
        } else if (outcome instanceof StaySignedIn.Failed failed) {
            if (drive != null) {
                drive.serverUnreachable(); // the cached library stays, marked offline; the kept session too
            } else {
                showLogin(failed.message());
            }
        } else {
            showLogin(null);
        }
    }

    /** After the account was deleted: its kept session, cached thumbnails and name are forgotten. */
    private void accountDeleted() {
        StaySignedIn stay = app.staySignedIn();
        if (stay != null) {
            stay.forget();
        }
        app.settings().keepSignedIn = false;
        app.settings().lastUsername = "";
        app.saveSettings();
        app.libraryCache().deleteAccount(); // its offline library
        java.nio.file.Path thumbs = app.dataDir().resolve("thumbnails");
        app.io().submit(() -> deleteTree(thumbs));
        showLogin("Your account was deleted.");
    }

    /**
     * DriveView logged out (it deleted the account's offline library; the client's refresh-token listener has
     * forgotten the kept session): the cached thumbnails go too, the username stays for the login form, and the login
     * screen says the local copy was removed. From the offline banner's "sign in again" nothing is deleted.
     */
    private void loggedOut() {
        app.settings().keepSignedIn = false;
        app.saveSettings();
        if (drive == null || !drive.loggedOutByUser()) {
            showLogin(null); // "sign in again" from the offline banner: the cached library and thumbnails stay
            return;
        }
        java.nio.file.Path thumbs = app.dataDir().resolve("thumbnails");
        app.io().submit(() -> deleteTree(thumbs));
        showLogin(LOGGED_OUT);
    }

    /** What the login screen says after Log out: the user may expect the offline copy to stay, and it does not. */
    static final String LOGGED_OUT = "You are logged out. The copy of your library kept on this computer for offline "
            + "use was removed; it comes back when you log in again.";

    private static void deleteTree(java.nio.file.Path root) {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var all = java.nio.file.Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    java.nio.file.Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    System.err.println("Could not delete " + p + ": " + e.getMessage());
                }
            });
        } catch (java.io.IOException e) {
            System.err.println("Could not delete " + root + ": " + e.getMessage());
        }
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
        drive = new DriveView(app, this::loggedOut, this::openSettings);
        show(drive);
        drive.start();
    }

    private void showDriveFromCache(com.audmg.drive.desktop.library.LibraryCache.Account account) {
        drive = new DriveView(app, this::loggedOut, this::openSettings);
        show(drive);
        drive.startFromCache(account);
    }

    private void openSettings() {
        boolean changed = SettingsDialog.edit(getScene().getWindow(), app.settings());
        app.saveSettings(); // the appearance too
        if (changed) {
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

    /**
     * Stops everything at window close. A connection still starting is dropped: its callbacks find no backend and do
     * nothing (they would otherwise submit work to the app's io threads after they stopped).
     */
    public void shutdown() {
        if (drive != null) {
            drive.stopAll();
        }
        Backend b = backend;
        backend = null;
        if (b != null) {
            b.close();
        }
    }
}
