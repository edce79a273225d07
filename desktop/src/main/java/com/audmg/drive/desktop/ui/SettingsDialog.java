package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.model.RemoteUrlPolicy;
import com.audmg.drive.desktop.model.SystemTheme;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Chooses between the embedded local cloud and a remote API (LocalStack or AWS; https, or http to this computer
 * only: {@link RemoteUrlPolicy}), and the appearance (System, Light, Dark: applied at once).
 */
final class SettingsDialog {

    private SettingsDialog() {
    }

    /** Returns true when the user changed the connection. */
    static boolean edit(Window owner, Settings settings) {
        Dialog<ButtonType> dialog = new Dialog<>();
        Dialogs.own(dialog, owner);
        dialog.setTitle("Settings");
        dialog.setHeaderText("Where is your drive?");
        dialog.getDialogPane().setId("settingsDialog");
        ToggleGroup group = new ToggleGroup();
        RadioButton local = new RadioButton("On this computer (built-in local cloud)");
        local.setId("connectionLocal");
        RadioButton remote = new RadioButton("Remote API (LocalStack or AWS)");
        remote.setId("connectionRemote");
        local.setToggleGroup(group);
        remote.setToggleGroup(group);
        TextField url = new TextField(settings.remoteApiUrl);
        url.setId("remoteUrl");
        url.setPromptText("https://abc123.execute-api.eu-west-1.amazonaws.com/dev");
        url.setPrefColumnCount(40);
        url.disableProperty().bind(remote.selectedProperty().not());
        Label error = new Label();
        error.setId("remoteUrlError");
        error.setWrapText(true);
        error.setMaxWidth(460);
        error.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        error.getStyleClass().add("field-error");
        (settings.remoteApiUrl.isBlank() ? local : remote).setSelected(true);

        Label appearance = new Label("Appearance");
        appearance.getStyleClass().add("title-4");
        ToggleGroup themes = new ToggleGroup();
        RadioButton system = new RadioButton("Like the system");
        system.setId("themeSystem");
        system.setUserData(SystemTheme.Mode.SYSTEM);
        RadioButton light = new RadioButton("Light");
        light.setId("themeLight");
        light.setUserData(SystemTheme.Mode.LIGHT);
        RadioButton dark = new RadioButton("Dark");
        dark.setId("themeDark");
        dark.setUserData(SystemTheme.Mode.DARK);
        String before = SystemTheme.Mode.parse(settings.theme).setting();
        for (RadioButton r : new RadioButton[] {system, light, dark}) {
            r.setToggleGroup(themes);
            r.setSelected(r.getUserData() == SystemTheme.Mode.parse(settings.theme));
        }
        themes.selectedToggleProperty().addListener((o, a, t) -> {
            if (t != null) {
                Theme.apply(((SystemTheme.Mode) t.getUserData()).setting());
            }
        });

        VBox box = new VBox(10, local, remote, url, error, new Separator(), appearance,
                new HBox(16, system, light, dark));
        box.setPadding(new Insets(8, 0, 0, 0));
        dialog.getDialogPane().setContent(box);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, ButtonType.OK);
        dialog.getDialogPane().lookupButton(ButtonType.OK).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            if (remote.isSelected()) {
                RemoteUrlPolicy.refusal(url.getText()).ifPresent(why -> {
                    error.setText(why);
                    url.requestFocus();
                    e.consume();
                    // The window keeps its size by itself: make room for the wrapped sentence.
                    dialog.getDialogPane().getScene().getWindow().sizeToScene();
                });
            }
        });
        var result = dialog.showAndWait();
        if (result.isEmpty() || result.get() != ButtonType.OK) {
            Theme.apply(before);
            return false;
        }
        settings.theme = themes.getSelectedToggle() == null ? before
                : ((SystemTheme.Mode) themes.getSelectedToggle().getUserData()).setting();
        String newUrl = remote.isSelected() ? url.getText().trim() : "";
        boolean changed = !newUrl.equals(settings.remoteApiUrl);
        settings.remoteApiUrl = newUrl;
        return changed;
    }
}
