package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.ApiException;
import java.util.concurrent.CompletableFuture;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** Log in or create an account. Errors from the API are shown under the field they name. */
public final class LoginView extends StackPane {

    private final AppContext app;
    private final Runnable onLoggedIn;
    private final TextField username = new TextField();
    private final PasswordField password = new PasswordField();
    private final Label usernameError = errorLabel("usernameError");
    private final Label passwordError = errorLabel("passwordError");
    private final Label formError = errorLabel("formError");
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final Button submit = new Button();
    private final Hyperlink switchMode = new Hyperlink();
    private final ProgressIndicator busy = new ProgressIndicator();
    private final Label backend = new Label();
    private final CompletableFuture<Void> connected;
    private boolean signUpMode;

    /**
     * @param connected completes when the API can be called; a form submitted before waits for it
     */
    public LoginView(AppContext app, CompletableFuture<Void> connected, String backendDescription,
                     Runnable onLoggedIn, Runnable onSettings, String notice) {
        this.app = app;
        this.connected = connected;
        this.onLoggedIn = onLoggedIn;
        getStyleClass().add("login-view");

        FontIcon logo = new FontIcon(Feather.HARD_DRIVE);
        logo.getStyleClass().add("login-logo");
        Label brand = new Label("Audmg Drive");
        brand.getStyleClass().add("title-2");
        title.getStyleClass().add("title-3");
        subtitle.getStyleClass().add("text-muted");
        subtitle.setWrapText(true);

        username.setId("username");
        username.setPromptText("Username");
        username.setText(app.settings().lastUsername);
        password.setId("password");
        password.setPromptText("Password");
        submit.setId("submit");
        submit.setDefaultButton(true);
        submit.getStyleClass().add("accent");
        submit.setMaxWidth(Double.MAX_VALUE);
        submit.setOnAction(e -> submit());
        switchMode.setId("switchMode");
        switchMode.setOnAction(e -> setMode(!signUpMode));
        busy.setMaxSize(22, 22);
        busy.setVisible(false);
        busy.managedProperty().bind(busy.visibleProperty());

        Label userLabel = new Label("Username");
        userLabel.setLabelFor(username);
        Label passLabel = new Label("Password");
        passLabel.setLabelFor(password);

        HBox actions = new HBox(8, submit, busy);
        HBox.setHgrow(submit, Priority.ALWAYS);
        actions.setAlignment(Pos.CENTER_LEFT);

        Hyperlink settings = new Hyperlink("Connection settings", new FontIcon(Feather.SETTINGS));
        settings.setId("connectionSettings");
        settings.setOnAction(e -> onSettings.run());
        backend.setText(backendDescription);
        backend.getStyleClass().addAll("text-muted", "text-small");
        backend.setId("backendLabel");

        VBox card = new VBox(6,
                new HBox(10, logo, brand), spacer(8), title, subtitle, spacer(6),
                userLabel, username, usernameError,
                passLabel, password, passwordError,
                formError, actions, switchMode, spacer(10), settings, backend);
        card.getStyleClass().add("login-card");
        card.setPadding(new Insets(32));
        card.setMaxWidth(380);
        card.setMaxHeight(Region.USE_PREF_SIZE);
        getChildren().add(card);
        setAlignment(Pos.CENTER);
        setMode(false);
        if (notice != null) {
            formError.setText(notice);
            formError.setVisible(true);
            formError.setManaged(true);
        }
    }

    private static Region spacer(double h) {
        Region r = new Region();
        r.setMinHeight(h);
        return r;
    }

    private static Label errorLabel(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("field-error");
        l.setWrapText(true);
        l.setVisible(false);
        l.setManaged(false);
        return l;
    }

    public void setBackendDescription(String description) {
        backend.setText(description);
    }

    public void focusFirstField() {
        if (username.getText().isEmpty()) {
            username.requestFocus();
        } else {
            password.requestFocus();
        }
    }

    private void setMode(boolean signUp) {
        signUpMode = signUp;
        title.setText(signUp ? "Create your account" : "Welcome back");
        subtitle.setText(signUp ? "Username: 3-32 letters, digits, '.', '_' or '-'. Password: at least 8 characters."
                : "Log in to see your images and audio.");
        submit.setText(signUp ? "Create account" : "Log in");
        switchMode.setText(signUp ? "I already have an account" : "New here? Create an account");
        clearErrors();
    }

    private void clearErrors() {
        for (Label l : new Label[] {usernameError, passwordError, formError}) {
            l.setText("");
            l.setVisible(false);
            l.setManaged(false);
        }
        username.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("danger"), false);
        password.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("danger"), false);
    }

    private void showError(Label label, TextField field, String message) {
        String text = message == null || message.isEmpty() ? "Something went wrong"
                : Character.toUpperCase(message.charAt(0)) + message.substring(1);
        label.setText(text.endsWith(".") ? text : text + ".");
        label.setVisible(true);
        label.setManaged(true);
        if (field != null) {
            field.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("danger"), true);
        }
    }

    private void submit() {
        clearErrors();
        String user = username.getText().trim();
        String pass = password.getText();
        boolean ok = true;
        if (user.isEmpty()) {
            showError(usernameError, username, "Enter a username");
            ok = false;
        }
        if (pass.isEmpty()) {
            showError(passwordError, password, "Enter a password");
            ok = false;
        }
        if (!ok) {
            return;
        }
        boolean signUp = signUpMode;
        setBusy(true);
        Fx.background(app.io(), () -> {
            connected.join();
            if (signUp) {
                app.client().signUp(user, pass);
            }
            app.client().login(user, pass);
            return null;
        }, v -> {
            setBusy(false);
            app.settings().lastUsername = user;
            app.saveSettings();
            password.clear();
            onLoggedIn.run();
        }, error -> {
            setBusy(false);
            handle(error);
        });
    }

    private void handle(Throwable error) {
        if (error instanceof ApiException api) {
            switch (api.code()) {
                case "invalid_request" -> {
                    String field = api.field("username", "password").orElse("");
                    if (field.equals("username")) {
                        showError(usernameError, username, api.getMessage());
                    } else if (field.equals("password")) {
                        showError(passwordError, password, api.getMessage());
                    } else {
                        showError(formError, null, api.getMessage());
                    }
                }
                case "username_taken" -> showError(usernameError, username,
                        "This username is taken. Choose another or log in.");
                case "invalid_credentials" -> showError(formError, null, "Wrong username or password.");
                case "too_many_attempts" -> showError(formError, null, "Too many attempts. Try again in "
                        + api.retryAfterSeconds().map(s -> Math.max(1, s / 60) + " min").orElse("a while") + ".");
                default -> showError(formError, null, api.getMessage());
            }
        } else {
            showError(formError, null, Notifier.describe(error));
        }
    }

    private void setBusy(boolean b) {
        busy.setVisible(b);
        submit.setDisable(b);
        username.setDisable(b);
        password.setDisable(b);
    }
}
