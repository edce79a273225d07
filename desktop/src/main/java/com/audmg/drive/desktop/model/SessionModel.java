package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The login form's state and its command: log in, or sign up then log in. Failures become a message on the field
 * they concern, and {@link #focusProperty()} names the field the user should fix next.
 */
public final class SessionModel {

    /** A field of the form. */
    public enum Field { USERNAME, PASSWORD, FORM }

    private final Supplier<DriveClient> client;
    private final CompletableFuture<Void> connected;
    private final Background background;
    private final Consumer<String> onLoggedIn;
    private final StringProperty username = new SimpleStringProperty(this, "username", "");
    private final StringProperty password = new SimpleStringProperty(this, "password", "");
    private final BooleanProperty signUpMode = new SimpleBooleanProperty(this, "signUpMode");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper usernameError = new ReadOnlyStringWrapper(this, "usernameError", "");
    private final ReadOnlyStringWrapper passwordError = new ReadOnlyStringWrapper(this, "passwordError", "");
    private final ReadOnlyStringWrapper formError = new ReadOnlyStringWrapper(this, "formError", "");
    private final ReadOnlyObjectWrapper<Field> focus = new ReadOnlyObjectWrapper<>(this, "focus");

    /**
     * @param connected completes when the API can be called; a form submitted before waits for it
     * @param onLoggedIn called on the ui executor with the username after a successful login
     */
    public SessionModel(Supplier<DriveClient> client, CompletableFuture<Void> connected, Background background,
                        String lastUsername, Consumer<String> onLoggedIn) {
        this.client = client;
        this.connected = connected;
        this.background = background;
        this.onLoggedIn = onLoggedIn;
        username.set(lastUsername == null ? "" : lastUsername);
        signUpMode.addListener((o, a, b) -> clearErrors());
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public StringProperty passwordProperty() {
        return password;
    }

    public BooleanProperty signUpModeProperty() {
        return signUpMode;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty usernameErrorProperty() {
        return usernameError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty passwordErrorProperty() {
        return passwordError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty formErrorProperty() {
        return formError.getReadOnlyProperty();
    }

    /** The field that should get the keyboard focus after the last outcome; null for no change. */
    public ReadOnlyObjectProperty<Field> focusProperty() {
        return focus.getReadOnlyProperty();
    }

    /** A message shown above the form (e.g. "your session has ended"). */
    public void notice(String message) {
        formError.set(message == null ? "" : message);
    }

    /** Logs in (after signing up in sign-up mode). The future tells whether the user is now logged in. */
    public CompletableFuture<Boolean> submit() {
        clearErrors();
        String user = username.get() == null ? "" : username.get().trim();
        String pass = password.get() == null ? "" : password.get();
        if (user.isEmpty()) {
            usernameError.set(sentence("Enter a username"));
        }
        if (pass.isEmpty()) {
            passwordError.set(sentence("Enter a password"));
        }
        if (user.isEmpty() || pass.isEmpty()) {
            focus.set(user.isEmpty() ? Field.USERNAME : Field.PASSWORD);
            return CompletableFuture.completedFuture(false);
        }
        boolean signUp = signUpMode.get();
        busy.set(true);
        focus.set(null);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        background.run(() -> {
            connected.join();
            if (signUp) {
                client.get().signUp(user, pass);
            }
            client.get().login(user, pass);
            return null;
        }, v -> {
            busy.set(false);
            password.set("");
            onLoggedIn.accept(user);
            return true;
        }).whenComplete((ok, error) -> {
            if (error == null) {
                result.complete(true);
                return;
            }
            background.ui().execute(() -> {
                busy.set(false);
                handle(Background.unwrap(error));
                result.complete(false);
            });
        });
        return result;
    }

    private void handle(Throwable error) {
        if (!(error instanceof ApiException api)) {
            formError.set(sentence(Messages.describe(error)));
            focus.set(Field.PASSWORD);
            return;
        }
        switch (api.code()) {
            case "invalid_request" -> {
                String field = api.field("username", "password").orElse("");
                if (field.equals("username")) {
                    usernameError.set(sentence(api.getMessage()));
                    focus.set(Field.USERNAME);
                } else if (field.equals("password")) {
                    passwordError.set(sentence(api.getMessage()));
                    focus.set(Field.PASSWORD);
                } else {
                    formError.set(sentence(api.getMessage()));
                    focus.set(Field.USERNAME);
                }
            }
            case "username_taken" -> {
                usernameError.set("This username is taken. Choose another or log in.");
                focus.set(Field.USERNAME);
            }
            case "invalid_credentials" -> {
                formError.set("Wrong username or password.");
                focus.set(Field.PASSWORD);
            }
            case "too_many_attempts" -> {
                formError.set("Too many attempts. Try again in "
                        + api.retryAfterSeconds().map(s -> Math.max(1, s / 60) + " min").orElse("a while") + ".");
                focus.set(Field.PASSWORD);
            }
            default -> {
                formError.set(sentence(api.getMessage()));
                focus.set(Field.PASSWORD);
            }
        }
    }

    private void clearErrors() {
        usernameError.set("");
        passwordError.set("");
        formError.set("");
    }

    static String sentence(String message) {
        String text = message == null || message.isEmpty() ? "Something went wrong"
                : Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
