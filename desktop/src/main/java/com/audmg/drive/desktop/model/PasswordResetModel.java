package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * "Forgot password": asks the server to mail a reset code to the account's verified address, then sets a new
 * password with that code. The server answers a request the same way whatever the account (no enumeration), so
 * the notice says what may have happened.
 */
public final class PasswordResetModel {

    /** Where the form is. */
    public enum Stage { REQUEST, CONFIRM, DONE }

    private final Supplier<DriveClient> client;
    private final Background background;
    private final StringProperty username = new SimpleStringProperty(this, "username", "");
    private final StringProperty code = new SimpleStringProperty(this, "code", "");
    private final StringProperty newPassword = new SimpleStringProperty(this, "newPassword", "");
    private final ReadOnlyObjectWrapper<Stage> stage = new ReadOnlyObjectWrapper<>(this, "stage", Stage.REQUEST);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper usernameError = new ReadOnlyStringWrapper(this, "usernameError", "");
    private final ReadOnlyStringWrapper codeError = new ReadOnlyStringWrapper(this, "codeError", "");
    private final ReadOnlyStringWrapper newPasswordError = new ReadOnlyStringWrapper(this, "newPasswordError", "");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");

    public PasswordResetModel(Supplier<DriveClient> client, Background background, String username) {
        this.client = client;
        this.background = background;
        this.username.set(username == null ? "" : username);
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public StringProperty codeProperty() {
        return code;
    }

    public StringProperty newPasswordProperty() {
        return newPassword;
    }

    public ReadOnlyObjectProperty<Stage> stageProperty() {
        return stage.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty usernameErrorProperty() {
        return usernameError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty codeErrorProperty() {
        return codeError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty newPasswordErrorProperty() {
        return newPasswordError.getReadOnlyProperty();
    }

    /** What happened last, in a sentence (above the form). */
    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** Asks for a code. */
    public CompletableFuture<Boolean> request() {
        clear();
        String user = username.get() == null ? "" : username.get().trim();
        if (user.isEmpty()) {
            usernameError.set("Enter your username.");
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> client.get().requestPasswordReset(user), () -> {
            stage.set(Stage.CONFIRM);
            notice.set("If " + user + " has a verified e-mail address, a reset code is on its way to it. "
                    + "It works once, for 15 minutes.");
        }, usernameError);
    }

    /** Back to asking for a code (e.g. the code expired). */
    public void again() {
        clear();
        code.set("");
        stage.set(Stage.REQUEST);
    }

    /** Sets the new password with the mailed code. */
    public CompletableFuture<Boolean> confirm() {
        clear();
        String user = username.get() == null ? "" : username.get().trim();
        String c = code.get() == null ? "" : code.get().strip().toUpperCase(java.util.Locale.ROOT);
        String pass = newPassword.get() == null ? "" : newPassword.get();
        if (c.isEmpty()) {
            codeError.set("Enter the code from the e-mail.");
        }
        if (pass.isEmpty()) {
            newPasswordError.set("Enter a new password.");
        }
        if (c.isEmpty() || pass.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> client.get().confirmPasswordReset(user, c, pass), () -> {
            newPassword.set("");
            code.set("");
            stage.set(Stage.DONE);
            notice.set("Your password was changed and every session was signed out. Log in with the new password.");
        }, codeError);
    }

    private interface Call {
        void run() throws ApiException;
    }

    private CompletableFuture<Boolean> call(Call call, Runnable done, ReadOnlyStringWrapper mainField) {
        busy.set(true);
        return background.attempt(() -> {
            call.run();
            return null;
        }, v -> {
            busy.set(false);
            done.run();
        }, error -> {
            busy.set(false);
            fail(error, mainField);
        });
    }

    private void fail(Throwable error, ReadOnlyStringWrapper mainField) {
        if (!(error instanceof ApiException api)) {
            mainField.set(SessionModel.sentence(Messages.describe(error)));
            return;
        }
        switch (api.code()) {
            case "invalid_code" -> codeError.set("This code is not right, has expired (15 minutes) or was used. "
                    + "Check the e-mail, or ask for a new code.");
            case "invalid_request" -> {
                String field = api.detail("field").orElse(api.field("newPassword", "password", "code", "username")
                        .orElse(""));
                if (field.toLowerCase(java.util.Locale.ROOT).contains("password")) {
                    newPasswordError.set(SessionModel.sentence(api.getMessage()));
                } else if (field.equals("username")) {
                    usernameError.set(SessionModel.sentence(api.getMessage()));
                } else if (field.equals("code")) {
                    codeError.set(SessionModel.sentence(api.getMessage()));
                } else {
                    mainField.set(SessionModel.sentence(api.getMessage()));
                }
            }
            case "too_many_attempts" -> mainField.set("Too many attempts. Try again in "
                    + api.retryAfterSeconds().map(s -> s < 60 ? s + " s" : Math.max(1, s / 60) + " min")
                    .orElse("a while") + ".");
            case "network_error" -> mainField.set("Cannot reach the server. Check the connection and try again.");
            default -> mainField.set(SessionModel.sentence(api.getMessage()));
        }
    }

    private void clear() {
        usernameError.set("");
        codeError.set("");
        newPasswordError.set("");
        notice.set("");
    }
}
