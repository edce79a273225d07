package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.model.PasswordResetModel;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/** "Forgot password": ask for a reset code by e-mail, then set a new password with it. */
final class PasswordResetDialog {

    private PasswordResetDialog() {
    }

    /** @param onDone called with the username once the password was changed */
    static void show(Window owner, AppContext app, String username, Consumer<String> onDone) {
        PasswordResetModel model = new PasswordResetModel(app::client, app.background(), username);
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("Forgot password");
        dialog.setHeaderText("Reset your password");
        dialog.getDialogPane().setId("passwordResetDialog");
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);

        Label intro = new Label("We send a code to the verified e-mail address of your account. "
                + "Without a verified address, the password cannot be reset.");
        intro.setWrapText(true);
        TextField user = new TextField();
        user.setId("resetUsername");
        user.setPromptText("Username");
        user.textProperty().bindBidirectional(model.usernameProperty());
        Button request = new Button("Send me a code");
        request.setId("resetRequest");
        request.getStyleClass().add("accent");
        request.setOnAction(e -> model.request());
        VBox requestBox = new VBox(6, intro, new Label("Username"), user, error(model.usernameErrorProperty(), user),
                request);

        TextField code = new TextField();
        code.setId("resetCode");
        code.setPromptText("ABCD-EFGH-JKMN");
        code.textProperty().bindBidirectional(model.codeProperty());
        PasswordField next = new PasswordField();
        next.setId("resetNewPassword");
        next.setPromptText("At least 8 characters");
        next.textProperty().bindBidirectional(model.newPasswordProperty());
        Button confirm = new Button("Set the new password");
        confirm.setId("resetConfirm");
        confirm.getStyleClass().add("accent");
        confirm.setOnAction(e -> model.confirm());
        Hyperlink again = new Hyperlink("Send a new code");
        again.setOnAction(e -> model.again());
        VBox confirmBox = new VBox(6, new Label("Code from the e-mail"), code, error(model.codeErrorProperty(), code),
                new Label("New password"), next, error(model.newPasswordErrorProperty(), next), confirm, again);

        Label notice = new Label();
        notice.setId("resetNotice");
        notice.setWrapText(true);
        notice.textProperty().bind(model.noticeProperty());
        BooleanBinding hasNotice = Bindings.isNotEmpty(model.noticeProperty());
        notice.visibleProperty().bind(hasNotice);
        notice.managedProperty().bind(hasNotice);

        Runnable showStage = () -> {
            PasswordResetModel.Stage stage = model.stageProperty().get();
            requestBox.setVisible(stage == PasswordResetModel.Stage.REQUEST);
            requestBox.setManaged(requestBox.isVisible());
            confirmBox.setVisible(stage == PasswordResetModel.Stage.CONFIRM);
            confirmBox.setManaged(confirmBox.isVisible());
            notice.getStyleClass().setAll("label", stage == PasswordResetModel.Stage.DONE ? "success" : "text-muted");
            Fx.later(() -> (stage == PasswordResetModel.Stage.CONFIRM ? code : user).requestFocus());
        };
        model.stageProperty().addListener((o, a, b) -> showStage.run());
        showStage.run();
        request.disableProperty().bind(model.busyProperty());
        confirm.disableProperty().bind(model.busyProperty());

        VBox box = new VBox(10, notice, requestBox, confirmBox);
        box.setPadding(new Insets(8, 0, 0, 0));
        box.setPrefWidth(400);
        dialog.getDialogPane().setContent(box);
        Dialogs.own(dialog, owner);
        dialog.showAndWait();
        if (model.stageProperty().get() == PasswordResetModel.Stage.DONE) {
            onDone.accept(model.usernameProperty().get().trim());
        }
    }

    static Label error(ObservableStringValue message, javafx.scene.control.Control field) {
        Label l = new Label();
        l.getStyleClass().add("field-error");
        l.setWrapText(true);
        l.textProperty().bind(message);
        BooleanBinding shown = Bindings.isNotEmpty(message);
        l.visibleProperty().bind(shown);
        l.managedProperty().bind(shown);
        shown.addListener((o, a, on) -> field.pseudoClassStateChanged(
                javafx.css.PseudoClass.getPseudoClass("danger"), on));
        return l;
    }
}
