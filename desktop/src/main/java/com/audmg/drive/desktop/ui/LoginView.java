package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.model.SessionModel;
import java.util.concurrent.CompletableFuture;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
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
    private final CheckBox keep = new CheckBox("Keep me signed in");
    private final TextField code = new TextField();
    private final Label codeError = errorLabel("codeError");
    private final Hyperlink forgot = new Hyperlink("Forgot password?");
    private final Hyperlink backToPassword = new Hyperlink("Back");
    private final VBox passwordStep = new VBox(6);
    private final VBox codeStep = new VBox(6);

    /**
     * @param connected completes when the API can be called; a form submitted before waits for it
     */
    public LoginView(AppContext app, CompletableFuture<Void> connected, String backendDescription,
                     Runnable onLoggedIn, Runnable onSettings, String notice) {
        this.model = new SessionModel(app::client, connected, app.background(), app.settings().lastUsername,
                user -> {
                    app.settings().lastUsername = user;
                    app.settings().keepSignedIn = keep.isSelected();
                    app.saveSettings();
                    onLoggedIn.run();
                }).withStaySignedIn(app::staySignedIn, app.settings().keepSignedIn);
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
        model.mfaStepProperty().addListener((o, a, b) -> showMode(model.signUpModeProperty().get()));

        keep.setId("keepSignedIn");
        keep.selectedProperty().bindBidirectional(model.keepSignedInProperty());
        keep.disableProperty().bind(model.busyProperty());
        code.setId("mfaCode");
        code.setPromptText("123456 or a recovery code");
        code.textProperty().bindBidirectional(model.codeProperty());
        code.disableProperty().bind(model.busyProperty());
        bindError(codeError, model.codeErrorProperty(), code);
        forgot.setId("forgotPassword");
        // Once the API can be called (the built-in local cloud may still be starting).
        forgot.setOnAction(e -> connected.thenRun(() -> Fx.later(() -> PasswordResetDialog.show(
                getScene().getWindow(), app, model.usernameProperty().get(), user -> {
                    model.usernameProperty().set(user);
                    model.notice("Your password was changed. Log in with the new password.");
                    focusFirstField();
                }))));
        backToPassword.setId("mfaBack");
        backToPassword.setOnAction(e -> model.cancelMfa());
        Label codeLabel = new Label("Authentication code");
        codeLabel.setLabelFor(code);
        Label codeHint = new Label("Open your authenticator app and enter the 6-digit code for Audmg Drive. "
                + "Lost your phone? Enter one of your recovery codes.");
        codeHint.setWrapText(true);
        codeHint.getStyleClass().addAll("text-muted", "text-small");
        codeStep.getChildren().addAll(codeLabel, code, codeError, codeHint);
        codeStep.setId("mfaStep");

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

        passwordStep.getChildren().addAll(userLabel, username, usernameError, passLabel, password, passwordError,
                new HBox(12, keep, forgot));
        ((HBox) passwordStep.getChildren().get(passwordStep.getChildren().size() - 1)).setAlignment(Pos.CENTER_LEFT);
        passwordStep.setId("passwordStep");
        VBox card = new VBox(6,
                new HBox(10, logo, brand), spacer(8), title, subtitle, spacer(6),
                passwordStep, codeStep,
                formError, actions, switchMode, backToPassword, spacer(10), settings, backend);
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
        TextField target = field == SessionModel.Field.USERNAME ? username
                : field == SessionModel.Field.CODE ? code : password;
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
        boolean mfa = model.mfaStepProperty().get();
        passwordStep.setVisible(!mfa);
        passwordStep.setManaged(!mfa);
        codeStep.setVisible(mfa);
        codeStep.setManaged(mfa);
        switchMode.setVisible(!mfa);
        switchMode.setManaged(!mfa);
        backToPassword.setVisible(mfa);
        backToPassword.setManaged(mfa);
        forgot.setVisible(!signUp);
        if (mfa) {
            title.setText("Two-factor authentication");
            subtitle.setText("Your password was right. One more step to protect your account.");
            submit.setText("Verify");
            return;
        }
        title.setText(signUp ? "Create your account" : "Welcome back");
        subtitle.setText(signUp ? "Username: 3-32 letters, digits, '.', '_' or '-'. Password: at least 8 characters."
                : "Log in to see your images and audio.");
        submit.setText(signUp ? "Create account" : "Log in");
        switchMode.setText(signUp ? "I already have an account" : "New here? Create an account");
    }
}
