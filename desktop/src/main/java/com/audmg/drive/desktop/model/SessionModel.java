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
 * they concern, and {@link #focusProperty()} names the field the user should fix next. With two-factor
 * authentication on, a right password leads to a second step ({@link #mfaStepProperty()}) that asks for a code of
 * the authenticator app or a recovery code. "Keep me signed in" hands the session to {@link StaySignedIn}.
 */
public final class SessionModel {

    /** A field of the form. */
    public enum Field { USERNAME, PASSWORD, CODE, FORM }

    /** Wrong codes one MFA token takes before the server spends it (the user then logs in again). */
    static final int CODES_PER_MFA_TOKEN = 5;

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
    private final BooleanProperty keepSignedIn = new SimpleBooleanProperty(this, "keepSignedIn");
    private final ReadOnlyBooleanWrapper mfaStep = new ReadOnlyBooleanWrapper(this, "mfaStep");
    private final StringProperty code = new SimpleStringProperty(this, "code", "");
    private final ReadOnlyStringWrapper codeError = new ReadOnlyStringWrapper(this, "codeError", "");
    private Supplier<StaySignedIn> staySignedIn = () -> null;
    private String mfaToken;
    private String mfaUsername;
    private int wrongCodes;

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

    /** Lets a successful login keep (or forget) the session as {@link #keepSignedInProperty()} says. */
    public SessionModel withStaySignedIn(StaySignedIn stay) {
        this.staySignedIn = () -> stay;
        keepSignedIn.set(stay != null && stay.isEnabled());
        return this;
    }

    /** The same, for a keeper that exists only once the backend is connected (the login shows before). */
    public SessionModel withStaySignedIn(Supplier<StaySignedIn> stay, boolean keep) {
        this.staySignedIn = stay;
        keepSignedIn.set(keep);
        return this;
    }

    /** "Keep me signed in": the session survives an app restart. */
    public BooleanProperty keepSignedInProperty() {
        return keepSignedIn;
    }

    /** True while the form asks for the second factor (a right password was given, MFA is on). */
    public ReadOnlyBooleanProperty mfaStepProperty() {
        return mfaStep.getReadOnlyProperty();
    }

    /** The 6-digit code of the authenticator app, or a recovery code. */
    public StringProperty codeProperty() {
        return code;
    }

    public ReadOnlyStringProperty codeErrorProperty() {
        return codeError.getReadOnlyProperty();
    }

    /** Leaves the code step for the password form. */
    public void cancelMfa() {
        mfaToken = null;
        code.set("");
        clearErrors();
        mfaStep.set(false);
        focus.set(Field.PASSWORD);
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

    /**
     * Logs in (after signing up in sign-up mode), or in the code step sends the code. The future tells whether the
     * user is now logged in.
     */
    public CompletableFuture<Boolean> submit() {
        if (mfaStep.get()) {
            return submitCode();
        }
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
        return signIn(() -> {
            connected.join();
            if (signUp) {
                client.get().signUp(user, pass);
            }
            client.get().login(user, pass);
        }, user, this::handle);
    }

    /** The blocking calls of one way to sign in. */
    @FunctionalInterface
    private interface SignInCall {
        void run() throws Exception;
    }

    /** A call off the FX thread that signs {@code user} in, or whose failure {@code onError} shows: true when in. */
    private CompletableFuture<Boolean> signIn(SignInCall call, String user, java.util.function.Consumer<Throwable> onError) {
        return background.attempt(() -> {
            call.run();
            return null;
        }, v -> loggedIn(user), error -> {
            busy.set(false);
            onError.accept(error);
        });
    }

    private void loggedIn(String user) {
        busy.set(false);
        password.set("");
        code.set("");
        mfaToken = null;
        mfaStep.set(false);
        StaySignedIn stay = staySignedIn.get();
        if (stay != null) {
            stay.setEnabled(keepSignedIn.get(), client.get());
        }
        onLoggedIn.accept(user);
    }

    private CompletableFuture<Boolean> submitCode() {
        clearErrors();
        String typed = code.get() == null ? "" : code.get().strip().replace(" ", "");
        if (typed.isEmpty()) {
            codeError.set("Enter the 6-digit code from your authenticator app, or one of your recovery codes.");
            focus.set(Field.CODE);
            return CompletableFuture.completedFuture(false);
        }
        String token = mfaToken;
        String user = mfaUsername;
        busy.set(true);
        focus.set(null);
        return signIn(() -> client.get().loginMfa(token, typed), user, this::handleCode);
    }

    private void handleCode(Throwable error) {
        focus.set(Field.CODE);
        if (!(error instanceof ApiException api)) {
            codeError.set(sentence(Messages.describe(error)));
            return;
        }
        switch (api.code()) {
            case "invalid_code" -> {
                wrongCodes++;
                if (wrongCodes >= CODES_PER_MFA_TOKEN) {
                    cancelMfa();
                    formError.set("Too many wrong codes. Log in again with your password.");
                    return;
                }
                code.set("");
                codeError.set("This code is not right. Codes change every 30 seconds and each works once; "
                        + "a recovery code works once too.");
            }
            case "invalid_request" -> codeError.set("Enter the 6 digits from your authenticator app, "
                    + "or a recovery code as it was shown.");
            case "too_many_attempts" -> codeError.set("Too many codes tried. Try again in "
                    + api.retryAfterSeconds().map(SessionModel::minutes).orElse("a while") + ".");
            default -> codeError.set(sentence(api.getMessage()));
        }
    }

    private static String minutes(long seconds) {
        return seconds < 60 ? seconds + " s" : Math.max(1, seconds / 60) + " min";
    }

    private void handle(Throwable error) {
        if (error instanceof ApiException mfa && "mfa_required".equals(mfa.code())
                && mfa.detail("mfaToken").isPresent()) {
            mfaToken = mfa.detail("mfaToken").get();
            mfaUsername = username.get() == null ? "" : username.get().trim();
            wrongCodes = 0;
            password.set("");
            code.set("");
            mfaStep.set(true);
            focus.set(Field.CODE);
            return;
        }
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
                        + api.retryAfterSeconds().map(SessionModel::minutes).orElse("a while") + ".");
                focus.set(Field.PASSWORD);
            }
            default -> {
                formError.set(sentence(api.getMessage()));
                focus.set(Field.PASSWORD);
            }
        }
    }

    private void clearErrors() {
        codeError.set("");
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
