package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.Me;
import com.audmg.drive.desktop.api.TotpEnrolment;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The account dialog's state and commands (no JavaFX UI): the e-mail address and its verification, TOTP two-factor
 * enrolment (secret and otpauth URI, confirmation, the recovery codes shown once) and its removal, and deleting the
 * account. Every failure becomes a sentence on the field it concerns ({@link #error(Field)}).
 */
public final class AccountModel {

    /** The inputs that carry an error message. */
    public enum Field { EMAIL, EMAIL_PASSWORD, EMAIL_CODE, TOTP_CODE, DISABLE_CODE, DELETE_PASSWORD }

    private final Supplier<DriveClient> client;
    private final Background background;
    private final Runnable onDeleted;
    private final Map<Field, ReadOnlyStringWrapper> errors = new EnumMap<>(Field.class);
    private final ReadOnlyObjectWrapper<Me> me = new ReadOnlyObjectWrapper<>(this, "me");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<TotpEnrolment> enrolment = new ReadOnlyObjectWrapper<>(this, "enrolment");
    private final ReadOnlyObjectWrapper<List<String>> recoveryCodes =
            new ReadOnlyObjectWrapper<>(this, "recoveryCodes", List.of());
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");

    /** @param onDeleted run on the ui executor once the account is deleted (the app forgets its local data) */
    public AccountModel(Supplier<DriveClient> client, Background background, Runnable onDeleted) {
        this.client = client;
        this.background = background;
        this.onDeleted = onDeleted;
        for (Field f : Field.values()) {
            errors.put(f, new ReadOnlyStringWrapper(this, f.name(), ""));
        }
    }

    public ReadOnlyStringProperty error(Field field) {
        return errors.get(field).getReadOnlyProperty();
    }

    /** The account as last loaded (e-mail, verified, mfa); null before the first load. */
    public ReadOnlyObjectProperty<Me> meProperty() {
        return me.getReadOnlyProperty();
    }

    /** The last success, in a sentence. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The started TOTP enrolment (secret, otpauth URI) until it is confirmed; null otherwise. */
    public ReadOnlyObjectProperty<TotpEnrolment> enrolmentProperty() {
        return enrolment.getReadOnlyProperty();
    }

    /** The recovery codes of the enrolment just confirmed: shown once, then {@link #recoveryCodesSeen()}. */
    public ReadOnlyObjectProperty<List<String>> recoveryCodesProperty() {
        return recoveryCodes.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** The recovery codes as one text (one a line) for copy or save. */
    public String recoveryCodesText() {
        Me m = me.get();
        StringBuilder b = new StringBuilder("Audmg Drive recovery codes")
                .append(m == null ? "" : " for " + m.username()).append("\n")
                .append("Each code signs you in once in place of an authenticator code.\n\n");
        for (String c : recoveryCodes.get()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }

    /** Forgets the shown recovery codes (the dialog closed, or the user saved them). */
    public void recoveryCodesSeen() {
        recoveryCodes.set(List.of());
    }

    public CompletableFuture<Boolean> load() {
        return call(() -> client.get().me(), m -> {
            me.set(m);
        }, null, Field.EMAIL);
    }

    /** Sets (or changes) the address; the server mails a code to it. Needs the current password. */
    public CompletableFuture<Boolean> changeEmail(String email, String currentPassword) {
        clearErrors();
        String address = email == null ? "" : email.trim();
        if (address.isEmpty()) {
            errors.get(Field.EMAIL).set("Enter an e-mail address.");
        }
        if (currentPassword == null || currentPassword.isEmpty()) {
            errors.get(Field.EMAIL_PASSWORD).set("Enter your current password.");
        }
        if (address.isEmpty() || currentPassword == null || currentPassword.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> {
            client.get().changeEmail(address, currentPassword);
            return client.get().me();
        }, m -> {
            me.set(m);
            status.set("A verification code was sent to " + address + ". Enter it below.");
        }, Field.EMAIL_PASSWORD, Field.EMAIL);
    }

    /** Sends the code again: the same address set again (the server asks for the password each time). */
    public CompletableFuture<Boolean> resendVerification(String currentPassword) {
        Me m = me.get();
        if (m == null || m.email() == null) {
            clearErrors();
            errors.get(Field.EMAIL).set("Enter an e-mail address first.");
            return CompletableFuture.completedFuture(false);
        }
        return changeEmail(m.email(), currentPassword);
    }

    public CompletableFuture<Boolean> verifyEmail(String code) {
        clearErrors();
        String c = code == null ? "" : code.strip();
        if (c.isEmpty()) {
            errors.get(Field.EMAIL_CODE).set("Enter the code from the e-mail.");
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> {
            client.get().verifyEmail(c);
            return client.get().me();
        }, m -> {
            me.set(m);
            status.set("Your e-mail address is verified. Password-reset codes can be sent to it.");
        }, null, Field.EMAIL_CODE);
    }

    /** Starts enrolment: a new secret and its otpauth URI (for the QR code). */
    public CompletableFuture<Boolean> startTotp() {
        clearErrors();
        return call(() -> client.get().startTotp(), e -> {
            enrolment.set(e);
            status.set("Scan the QR code with your authenticator app, then enter the code it shows.");
        }, null, Field.TOTP_CODE);
    }

    /** Confirms enrolment with a code of the new secret; the recovery codes follow. */
    public CompletableFuture<Boolean> confirmTotp(String code) {
        clearErrors();
        String c = code == null ? "" : code.strip().replace(" ", "");
        if (c.isEmpty()) {
            errors.get(Field.TOTP_CODE).set("Enter the 6-digit code your authenticator app shows.");
            return CompletableFuture.completedFuture(false);
        }
        record Confirmed(List<String> codes, Me me) {
        }
        return call(() -> new Confirmed(client.get().confirmTotp(c), client.get().me()), done -> {
            enrolment.set(null);
            recoveryCodes.set(List.copyOf(done.codes()));
            me.set(done.me());
            status.set("Two-factor authentication is on. Keep the recovery codes somewhere safe: "
                    + "they are shown only now.");
        }, null, Field.TOTP_CODE);
    }

    /** Turns two-factor authentication off with a current code or a recovery code. */
    public CompletableFuture<Boolean> disableTotp(String code) {
        clearErrors();
        String c = code == null ? "" : code.strip().replace(" ", "");
        if (c.isEmpty()) {
            errors.get(Field.DISABLE_CODE).set("Enter a code from your authenticator app or a recovery code.");
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> {
            client.get().disableTotp(c);
            return client.get().me();
        }, m -> {
            me.set(m);
            status.set("Two-factor authentication is off.");
        }, null, Field.DISABLE_CODE);
    }

    /** Deletes the account for good (after the view's confirmation), then runs the deletion callback. */
    public CompletableFuture<Boolean> deleteAccount(String password) {
        clearErrors();
        if (password == null || password.isEmpty()) {
            errors.get(Field.DELETE_PASSWORD).set("Enter your password to delete the account.");
            return CompletableFuture.completedFuture(false);
        }
        return call(() -> {
            client.get().deleteAccount(password);
            return null;
        }, v -> {
            me.set(null);
            status.set("Your account was deleted.");
            onDeleted.run();
        }, Field.DELETE_PASSWORD, Field.DELETE_PASSWORD);
    }

    private <T> CompletableFuture<Boolean> call(Background.Work<T> work, java.util.function.Consumer<T> done,
                                                Field passwordField, Field mainField) {
        busy.set(true);
        status.set("");
        return background.attempt(work, value -> {
            busy.set(false);
            done.accept(value);
        }, error -> {
            busy.set(false);
            fail(error, passwordField, mainField);
        });
    }

    private void fail(Throwable error, Field passwordField, Field mainField) {
        ReadOnlyStringWrapper main = errors.get(mainField);
        if (!(error instanceof ApiException api)) {
            main.set(SessionModel.sentence(Messages.describe(error)));
            return;
        }
        switch (api.code()) {
            case "invalid_credentials" -> errors.get(passwordField == null ? mainField : passwordField)
                    .set("That password is not right.");
            case "invalid_code" -> main.set(mainField == Field.EMAIL_CODE
                    ? "This code is not right, has expired or was used. Check the e-mail, or send a new code."
                    : "This code is not right. Codes change every 30 seconds and each works once.");
            case "invalid_request" -> {
                String field = api.detail("field").orElse("").toLowerCase(Locale.ROOT);
                if (field.contains("password") && passwordField != null) {
                    errors.get(passwordField).set(SessionModel.sentence(api.getMessage()));
                } else if (field.equals("email")) {
                    errors.get(Field.EMAIL).set("Enter a valid e-mail address, such as name@example.com.");
                } else {
                    main.set(SessionModel.sentence(api.getMessage()));
                }
            }
            case "too_many_attempts" -> main.set("Too many attempts. Try again in "
                    + api.retryAfterSeconds().map(s -> s < 60 ? s + " s" : Math.max(1, s / 60) + " min")
                    .orElse("a while") + ".");
            case "mail_unavailable" -> main.set("The e-mail could not be sent just now. Try again later.");
            case "mfa_enabled" -> main.set("Two-factor authentication is on already.");
            case "mfa_not_enabled" -> main.set("Two-factor authentication is off already.");
            case "network_error" -> main.set("Cannot reach the server. Check the connection and try again.");
            default -> main.set(SessionModel.sentence(api.getMessage()));
        }
    }

    private void clearErrors() {
        errors.values().forEach(e -> e.set(""));
    }
}
