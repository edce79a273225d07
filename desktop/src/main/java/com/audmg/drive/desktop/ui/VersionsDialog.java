package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileTypes;
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
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The kept versions of a file: upload a new version (with progress; the list refreshes when it is done), download one,
 * or make an old one current again.
 */
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
        ProgressBar progress = new ProgressBar(0);
        progress.setId("versionUploadProgress");
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.setVisible(false);
        progress.setManaged(false);
        Button cancel = new Button("Cancel upload", new FontIcon(Feather.X));
        cancel.setId("cancelVersionUpload");
        cancel.setVisible(false);
        cancel.setManaged(false);
        Button upload = new Button("Upload a new version...", new FontIcon(Feather.UPLOAD));
        upload.setId("uploadVersion");
        upload.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("New version of " + file.name());
            File chosen = chooser.showOpenDialog(dialog.getDialogPane().getScene().getWindow());
            if (chosen != null) {
                uploadVersion(app, file, chosen.toPath(), new Controls(upload, progress, cancel, status, list),
                        onRestored);
            }
        });
        HBox actions = new HBox(10, upload, progress, cancel);
        HBox.setHgrow(progress, Priority.ALWAYS);
        actions.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(10, actions, list, status);
        box.setPadding(new Insets(8, 0, 0, 0));
        dialog.getDialogPane().setContent(box);
        load(app, file, list, status);
        Dialogs.own(dialog, owner);
        dialog.showAndWait();
    }

    /** The dialog's controls an upload of a new version drives. */
    private record Controls(Button upload, ProgressBar progress, Button cancel, Label status,
                            ListView<FileVersion> list) {
        void uploading(boolean on) {
            upload.setDisable(on);
            for (javafx.scene.Node n : new javafx.scene.Node[] {progress, cancel}) {
                n.setVisible(on);
                n.setManaged(on);
            }
        }
    }

    /**
     * Uploads a file as the new current version, with a progress bar and a Cancel button. The API has no call to
     * cancel a version upload (DELETE /files/{id} would trash the file itself): cancelling stops sending the bytes and
     * never completes the version, so the file keeps its current version and the server drops the unfinished upload
     * by itself (the sweeper removes abandoned uploads).
     */
    private static void uploadVersion(AppContext app, DriveFile file, java.nio.file.Path path, Controls c,
                                      Consumer<DriveFile> onUploaded) {
        String type = FileTypes.contentTypeOf(path).orElse(null);
        if (type == null) {
            c.status().setText("Unsupported type. Allowed: " + FileTypes.describeAccepted());
            return;
        }
        c.uploading(true);
        c.progress().setProgress(0);
        c.status().setText("Uploading " + path.getFileName() + "...");
        Cancellation cancellation = new Cancellation();
        c.cancel().setOnAction(e -> cancellation.cancel());
        // At most one FX update per percent: the body publisher reports every buffer.
        java.util.concurrent.atomic.AtomicLong shown = new java.util.concurrent.atomic.AtomicLong(-1);
        Fx.background(app.io(), () -> app.client().uploadVersion(file.id(), path, type, (done, total) -> {
                    long percent = total > 0 ? done * 100 / total : -1;
                    if (shown.getAndSet(percent) != percent) {
                        Fx.later(() -> c.progress().setProgress(percent < 0 ? -1 : percent / 100.0));
                    }
                }, cancellation),
                uploaded -> {
                    c.uploading(false);
                    c.status().setText("Uploaded " + path.getFileName() + " as the new version.");
                    onUploaded.accept(uploaded);
                    load(app, file, c.list(), c.status());
                }, error -> {
                    c.uploading(false);
                    c.status().setText(cancellation.isCancelled()
                            ? "Upload cancelled: the current version is unchanged."
                            : "Could not upload the new version: " + Notifier.describe(error));
                });
    }

    private static void load(AppContext app, DriveFile file, ListView<FileVersion> list, Label status) {
        Fx.background(app.io(), () -> app.client().versions(file.id()), versions -> {
            list.setItems(FXCollections.observableArrayList(versions));
            list.setPlaceholder(new Label("No versions kept"));
        }, error -> status.setText("Could not load the versions: " + Notifier.describe(error)));
    }
}
