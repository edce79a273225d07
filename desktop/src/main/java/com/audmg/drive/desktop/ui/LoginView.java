package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.model.SessionModel;
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

    private final SessionModel model;
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

    /**
     * @param connected completes when the API can be called; a form submitted before waits for it
     */
    public LoginView(AppContext app, CompletableFuture<Void> connected, String backendDescription,
                     Runnable onLoggedIn, Runnable onSettings, String notice) {
        this.model = new SessionModel(app::client, connected, app.background(), app.settings().lastUsername,
                user -> {
                    app.settings().lastUsername = user;
                    app.saveSettings();
                    onLoggedIn.run();
                });
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
        username.textProperty().bindBidirectional(model.usernameProperty());
        password.textProperty().bindBidirectional(model.passwordProperty());
        password.setId("password");
        password.setPromptText("Password");
        submit.setId("submit");
        submit.setDefaultButton(true);
        submit.getStyleClass().add("accent");
        submit.setMaxWidth(Double.MAX_VALUE);
        submit.setOnAction(e -> model.submit());
        switchMode.setId("switchMode");
        switchMode.setOnAction(e -> model.signUpModeProperty().set(!model.signUpModeProperty().get()));
        busy.setMaxSize(22, 22);
        busy.visibleProperty().bind(model.busyProperty());
        busy.managedProperty().bind(busy.visibleProperty());
        submit.disableProperty().bind(model.busyProperty());
        username.disableProperty().bind(model.busyProperty());
        password.disableProperty().bind(model.busyProperty());
        bindError(usernameError, model.usernameErrorProperty(), username);
        bindError(passwordError, model.passwordErrorProperty(), password);
        bindError(formError, model.formErrorProperty(), null);
        model.focusProperty().addListener((o, a, field) -> {
            if (field != null) {
                // After the busy state has released the fields (a disabled field cannot take the focus).
                javafx.application.Platform.runLater(() -> focus(field));
            }
        });
        model.signUpModeProperty().addListener((o, a, signUp) -> showMode(signUp));

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
        showMode(false);
        if (notice != null) {
            model.notice(notice);
        }
    }

    private static void bindError(Label label, javafx.beans.value.ObservableStringValue message, TextField field) {
        label.textProperty().bind(message);
        javafx.beans.binding.BooleanBinding shown = javafx.beans.binding.Bindings.isNotEmpty(message);
        label.visibleProperty().bind(shown);
        label.managedProperty().bind(shown);
        if (field != null) {
            shown.addListener((o, a, on) -> field.pseudoClassStateChanged(DANGER, on));
        }
    }

    private static final javafx.css.PseudoClass DANGER = javafx.css.PseudoClass.getPseudoClass("danger");

    private void focus(SessionModel.Field field) {
        TextField target = field == SessionModel.Field.USERNAME ? username : password;
        target.requestFocus();
        target.selectAll();
    }

    SessionModel model() {
        return model;
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

    private void showMode(boolean signUp) {
        title.setText(signUp ? "Create your account" : "Welcome back");
        subtitle.setText(signUp ? "Username: 3-32 letters, digits, '.', '_' or '-'. Password: at least 8 characters."
                : "Log in to see your images and audio.");
        submit.setText(signUp ? "Create account" : "Log in");
        switchMode.setText(signUp ? "I already have an account" : "New here? Create an account");
    }
}
