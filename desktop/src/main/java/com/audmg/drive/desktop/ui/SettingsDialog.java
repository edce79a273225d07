package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.Settings;
import java.net.URI;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/** Chooses between the embedded local cloud and a remote API (LocalStack or AWS). */
final class SettingsDialog {

    private SettingsDialog() {
    }

    /** Returns true when the user changed the connection. */
    static boolean edit(Window owner, Settings settings) {
        Dialog<ButtonType> dialog = new Dialog<>();
        Dialogs.own(dialog, owner);
        dialog.setTitle("Connection settings");
        dialog.setHeaderText("Where is your drive?");
        ToggleGroup group = new ToggleGroup();
        RadioButton local = new RadioButton("On this computer (built-in local cloud)");
        RadioButton remote = new RadioButton("Remote API (LocalStack or AWS)");
        local.setToggleGroup(group);
        remote.setToggleGroup(group);
        TextField url = new TextField(settings.remoteApiUrl);
        url.setId("remoteUrl");
        url.setPromptText("https://abc123.execute-api.eu-west-1.amazonaws.com/dev");
        url.setPrefColumnCount(40);
        url.disableProperty().bind(remote.selectedProperty().not());
        Label error = new Label();
        error.getStyleClass().add("field-error");
        (settings.remoteApiUrl.isBlank() ? local : remote).setSelected(true);
        VBox box = new VBox(10, local, remote, url, error);
        box.setPadding(new Insets(8, 0, 0, 0));
        dialog.getDialogPane().setContent(box);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, ButtonType.OK);
        dialog.getDialogPane().lookupButton(ButtonType.OK).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            if (remote.isSelected() && !isValidUrl(url.getText())) {
                error.setText("Enter an http(s) URL such as http://localhost:4566/restapis/<id>/local/_user_request_");
                e.consume();
            }
        });
        var result = dialog.showAndWait();
        if (result.isEmpty() || result.get() != ButtonType.OK) {
            return false;
        }
        String newUrl = remote.isSelected() ? url.getText().trim() : "";
        boolean changed = !newUrl.equals(settings.remoteApiUrl);
        settings.remoteApiUrl = newUrl;
        return changed;
    }

    static boolean isValidUrl(String s) {
        try {
            URI u = URI.create(s.trim());
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
