package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileVersion;
import com.audmg.drive.desktop.api.Progress;
import java.io.File;
import java.net.URI;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The kept versions of a file: download one, or make an old one current again. */
final class VersionsDialog {

    private VersionsDialog() {
    }

    static void show(Window owner, AppContext app, DriveFile file, Consumer<DriveFile> onRestored) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("Versions");
        dialog.setHeaderText("Versions of \"" + file.name() + "\"");
        dialog.getDialogPane().setId("versionsDialog");
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        ListView<FileVersion> list = new ListView<>();
        list.setId("versionList");
        list.setPrefSize(460, 260);
        list.setPlaceholder(new Label("Loading..."));
        Label status = new Label();
        status.getStyleClass().add("text-small");
        status.setWrapText(true);
        list.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(FileVersion v, boolean empty) {
                super.updateItem(v, empty);
                if (empty || v == null) {
                    setGraphic(null);
                    return;
                }
                Label when = new Label(Format.date(v.createdAt()) + (v.current() ? "  (current)" : ""));
                when.getStyleClass().add(v.current() ? "text-bold" : "");
                Label size = new Label(Format.bytes(v.size()));
                size.getStyleClass().addAll("text-small", "text-muted");
                Button download = new Button("Download...");
                download.getStyleClass().addAll("small", "flat");
                download.setOnAction(e -> {
                    FileChooser chooser = new FileChooser();
                    chooser.setInitialFileName(file.name());
                    File target = chooser.showSaveDialog(dialog.getDialogPane().getScene().getWindow());
                    if (target != null) {
                        Fx.background(app.io(), () -> {
                            URI url = URI.create(app.client().versionDownload(file.id(), v.versionId()).download()
                                    .url());
                            app.client().downloadUrl(url, v.size(), target.toPath(), Progress.NONE,
                                    new Cancellation());
                            return target;
                        }, t -> status.setText("Saved " + t.getName()),
                                error -> status.setText("Download failed: " + Notifier.describe(error)));
                    }
                });
                Button restore = new Button("Restore");
                restore.getStyleClass().add("small");
                restore.setDisable(v.current());
                restore.setOnAction(e -> Fx.background(app.io(),
                        () -> app.client().restoreVersion(file.id(), v.versionId()), restored -> {
                            status.setText("Restored the version of " + Format.date(v.createdAt()) + ".");
                            onRestored.accept(restored);
                            load(app, file, list, status);
                        }, error -> status.setText("Could not restore: " + Notifier.describe(error))));
                Region grow = new Region();
                HBox.setHgrow(grow, Priority.ALWAYS);
                HBox row = new HBox(10, new VBox(2, when, size), grow, download, restore);
                row.setAlignment(Pos.CENTER_LEFT);
                setGraphic(row);
            }
        });
        VBox box = new VBox(10, list, status);
        box.setPadding(new Insets(8, 0, 0, 0));
        dialog.getDialogPane().setContent(box);
        load(app, file, list, status);
        Dialogs.own(dialog, owner);
        dialog.showAndWait();
    }

    private static void load(AppContext app, DriveFile file, ListView<FileVersion> list, Label status) {
        Fx.background(app.io(), () -> app.client().versions(file.id()), versions -> {
            list.setItems(FXCollections.observableArrayList(versions));
            list.setPlaceholder(new Label("No versions kept"));
        }, error -> status.setText("Could not load the versions: " + Notifier.describe(error)));
    }
}
