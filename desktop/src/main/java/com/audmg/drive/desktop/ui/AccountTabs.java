package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Me;
import com.audmg.drive.desktop.api.TotpEnrolment;
import com.audmg.drive.desktop.model.AccountModel;
import com.audmg.drive.desktop.model.AccountModel.Field;
import com.audmg.drive.desktop.model.QrCodes;
import com.google.zxing.common.BitMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The e-mail, two-factor and delete-account tabs of the account dialog: layout and bindings of AccountModel. */
final class AccountTabs {

    private AccountTabs() {
    }

    static Region email(AccountModel model) {
        Label state = new Label("Loading...");
        state.setId("emailState");
        state.setWrapText(true);
        TextField address = new TextField();
        address.setId("emailAddress");
        address.setPromptText("name@example.com");
        PasswordField password = new PasswordField();
        password.setId("emailPassword");
        password.setPromptText("Current password");
        Button save = new Button("Save and send a code");
        save.setId("emailSave");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.changeEmail(address.getText(), password.getText()).thenAccept(ok -> {
            if (ok) {
                password.clear();
            }
        }));
        Button resend = new Button("Send the code again");
        resend.setId("emailResend");
        resend.setOnAction(e -> model.resendVerification(password.getText()));
        TextField code = new TextField();
        code.setId("emailCode");
        code.setPromptText("8-digit code");
        Button verify = new Button("Verify");
        verify.setId("emailVerify");
        verify.setOnAction(e -> model.verifyEmail(code.getText()).thenAccept(ok -> {
            if (ok) {
                code.clear();
            }
        }));
        VBox verifyBox = new VBox(6, new Label("Code from the e-mail"), new HBox(8, code, verify),
                PasswordResetDialog.error(model.error(Field.EMAIL_CODE), code), resend);
        model.meProperty().addListener((o, a, me) -> {
            if (me == null) {
                return;
            }
            if (me.email() == null) {
                state.setText("No e-mail address yet. With a verified address you can reset a forgotten password.");
            } else {
                state.setText(me.email() + (me.emailVerified() ? "  ·  verified" : "  ·  not verified yet"));
            }
            state.getStyleClass().setAll("label", me.email() != null && me.emailVerified() ? "success" : "text-muted");
            if (address.getText().isEmpty() && me.email() != null) {
                address.setText(me.email());
            }
            boolean pending = me.email() != null && !me.emailVerified();
            verifyBox.setVisible(pending);
            verifyBox.setManaged(pending);
        });
        verifyBox.setVisible(false);
        verifyBox.setManaged(false);
        disableWhileBusy(model, save, resend, verify);
        VBox box = new VBox(6, state, new Label("E-mail address"), address,
                PasswordResetDialog.error(model.error(Field.EMAIL), address),
                new Label("Current password (the address receives password-reset codes)"), password,
                PasswordResetDialog.error(model.error(Field.EMAIL_PASSWORD), password), save, verifyBox,
                status(model));
        box.setPadding(new Insets(10));
        return scroll(box);
    }

    static Region twoFactor(AccountModel model, Window owner) {
        Label state = new Label("Loading...");
        state.setId("mfaState");
        state.setWrapText(true);
        Button start = new Button("Set up an authenticator app");
        start.setId("mfaStart");
        start.getStyleClass().add("accent");
        start.setOnAction(e -> model.startTotp());

        ImageView qr = new ImageView();
        qr.setId("mfaQr");
        TextField secret = new TextField();
        secret.setId("mfaSecret");
        secret.setEditable(false);
        secret.setPrefColumnCount(34);
        TextField code = new TextField();
        code.setId("mfaConfirmCode");
        code.setPromptText("123456");
        code.setPrefColumnCount(8);
        Button confirm = new Button("Turn on");
        confirm.setId("mfaConfirm");
        confirm.getStyleClass().add("accent");
        confirm.setOnAction(e -> model.confirmTotp(code.getText()).thenAccept(ok -> {
            if (ok) {
                code.clear();
            }
        }));
        Label scanHint = new Label("1. Scan this QR code with an authenticator app (or type the key below).\n"
                + "2. Enter the 6-digit code the app shows.");
        scanHint.setWrapText(true);
        code.setOnAction(e -> confirm.fire());
        secret.setPrefColumnCount(24);
        VBox steps = new VBox(6, scanHint, new Label("Key"), secret, new Label("Code"), new HBox(8, code, confirm),
                PasswordResetDialog.error(model.error(Field.TOTP_CODE), code));
        HBox.setHgrow(steps, javafx.scene.layout.Priority.ALWAYS);
        HBox enrol = new HBox(16, qr, steps);
        enrol.setId("mfaEnrol");

        TextArea codes = new TextArea();
        codes.setId("recoveryCodes");
        codes.setEditable(false);
        codes.setPrefRowCount(10);
        codes.setStyle("-fx-font-family: monospace;");
        Button copy = new Button("Copy");
        copy.setId("recoveryCopy");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(model.recoveryCodesText());
            Clipboard.getSystemClipboard().setContent(content);
        });
        Button save = new Button("Save as a file...");
        save.setId("recoverySave");
        save.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setInitialFileName("audmg-drive-recovery-codes.txt");
            var file = chooser.showSaveDialog(owner);
            if (file != null) {
                try {
                    Files.writeString(file.toPath(), model.recoveryCodesText(), StandardCharsets.UTF_8);
                } catch (IOException ex) {
                    new Alert(Alert.AlertType.ERROR, "Could not save the codes: " + ex.getMessage()).showAndWait();
                }
            }
        });
        Label codesHint = new Label("Recovery codes: each signs you in once without your phone. "
                + "They are shown only now: copy or save them.");
        codesHint.setWrapText(true);
        VBox recovery = new VBox(6, codesHint, codes, new HBox(8, copy, save));
        recovery.setId("mfaRecovery");

        TextField offCode = new TextField();
        offCode.setId("mfaDisableCode");
        offCode.setPromptText("Code or recovery code");
        Button off = new Button("Turn off");
        offCode.setOnAction(e -> off.fire());
        off.setId("mfaDisable");
        off.getStyleClass().add("danger");
        off.setOnAction(e -> model.disableTotp(offCode.getText()).thenAccept(ok -> {
            if (ok) {
                offCode.clear();
            }
        }));
        VBox disable = new VBox(6, new Label("To turn it off, enter a current code or a recovery code"),
                new HBox(8, offCode, off), PasswordResetDialog.error(model.error(Field.DISABLE_CODE), offCode));
        disable.setId("mfaOff");

        Runnable update = () -> {
            Me me = model.meProperty().get();
            TotpEnrolment en = model.enrolmentProperty().get();
            List<String> shown = model.recoveryCodesProperty().get();
            boolean on = me != null && me.mfa();
            state.setText(me == null ? "Loading..." : on
                    ? "Two-factor authentication is on: a login asks for a code of your authenticator app."
                    : "Two-factor authentication is off. Turn it on to ask for a code from your phone at each login.");
            state.getStyleClass().setAll("label", on ? "success" : "text-muted");
            show(start, me != null && !on && en == null);
            show(enrol, en != null);
            show(recovery, !shown.isEmpty());
            show(disable, on);
            if (en != null) {
                secret.setText(en.secret());
                qr.setImage(qrImage(en.otpauthUrl(), 4));
            }
            codes.setText(String.join("\n", shown));
        };
        model.meProperty().addListener((o, a, b) -> update.run());
        model.enrolmentProperty().addListener((o, a, b) -> update.run());
        model.recoveryCodesProperty().addListener((o, a, b) -> update.run());
        update.run();
        disableWhileBusy(model, start, confirm, off);
        VBox box = new VBox(10, state, start, enrol, recovery, disable, status(model));
        box.setPadding(new Insets(10));
        return scroll(box);
    }

    static Region delete(AccountModel model) {
        Label warning = new Label("Deleting your account removes every file, version and session for good. "
                + "This cannot be undone.");
        warning.setWrapText(true);
        warning.getStyleClass().add("danger");
        PasswordField password = new PasswordField();
        password.setId("deletePassword");
        password.setPromptText("Your current password");
        Button delete = new Button("Delete my account...");
        delete.setId("deleteAccount");
        delete.getStyleClass().add("danger");
        delete.setOnAction(e -> {
            Alert confirm = new Alert(Alert.AlertType.CONFIRMATION,
                    "Delete your account and all its files for good?", new ButtonType("Delete for good",
                    ButtonBar.ButtonData.OK_DONE), ButtonType.CANCEL);
            confirm.setHeaderText("Delete the account?");
            confirm.initOwner(delete.getScene().getWindow());
            confirm.getDialogPane().setId("deleteConfirm");
            confirm.showAndWait().filter(b -> b.getButtonData() == ButtonBar.ButtonData.OK_DONE)
                    .ifPresent(b -> model.deleteAccount(password.getText()));
        });
        disableWhileBusy(model, delete);
        VBox box = new VBox(8, warning, new Label("Your password"), password,
                PasswordResetDialog.error(model.error(Field.DELETE_PASSWORD), password), delete);
        box.setPadding(new Insets(10));
        return box;
    }

    /** The QR code of {@code text}, {@code scale} pixels a module, black on white whatever the theme. */
    static WritableImage qrImage(String text, int scale) {
        BitMatrix m = QrCodes.matrix(text, 4);
        WritableImage img = new WritableImage(m.getWidth() * scale, m.getHeight() * scale);
        PixelWriter w = img.getPixelWriter();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                Color c = m.get(x, y) ? Color.BLACK : Color.WHITE;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        w.setColor(x * scale + dx, y * scale + dy, c);
                    }
                }
            }
        }
        return img;
    }

    private static Label status(AccountModel model) {
        Label status = new Label();
        status.setId("accountStatus");
        status.setWrapText(true);
        status.getStyleClass().add("success");
        status.textProperty().bind(model.statusProperty());
        status.visibleProperty().bind(Bindings.isNotEmpty(model.statusProperty()));
        status.managedProperty().bind(status.visibleProperty());
        return status;
    }

    private static void show(javafx.scene.Node n, boolean on) {
        n.setVisible(on);
        n.setManaged(on);
    }

    private static void disableWhileBusy(AccountModel model, Button... buttons) {
        for (Button b : buttons) {
            b.disableProperty().bind(model.busyProperty());
        }
    }

    private static ScrollPane scroll(Region content) {
        ScrollPane sp = new ScrollPane(content);
        sp.setFitToWidth(true);
        sp.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        HBox.setHgrow(sp, javafx.scene.layout.Priority.ALWAYS);
        sp.getStyleClass().add("edge-to-edge");
        return sp;
    }
}
