package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.UploadJob;
import com.audmg.drive.desktop.api.UploadQueue;
import com.audmg.drive.desktop.model.UploadsModel;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The upload queue: the overall progress with the time left, the question about a file the drive already has (skip or
 * keep both, for one or all), and one row per file, newest batch on top, with progress, speed, cancel and retry.
 */
final class UploadPanel extends VBox {

    private final UploadsModel model;
    private final UploadQueue queue;
    private final ProgressBar overall = new ProgressBar(0);
    private final Label overallText = new Label();
    private final VBox duplicatePrompt = new VBox(6);
    private final Label duplicateText = new Label();
    private final CheckBox duplicateAll = new CheckBox();
    private final ObservableList<UploadJob> jobs = FXCollections.observableArrayList();
    private final ListView<UploadJob> list = new ListView<>(jobs);
    private final Label header = new Label("Uploads");
    private final AtomicBoolean refreshPending = new AtomicBoolean();

    UploadPanel(UploadsModel model) {
        this.model = model;
        this.queue = model.queue();
        setId("uploadPanel");
        getStyleClass().add("upload-panel");
        setPrefWidth(290);
        setMinWidth(250);
        header.getStyleClass().add("title-4");
        Button clear = new Button("Clear finished");
        clear.setId("clearUploads");
        clear.getStyleClass().addAll("flat", "small");
        clear.setOnAction(e -> {
            queue.clearFinished();
            refreshNow();
        });
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(8, header, grow, clear);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(12, 12, 8, 12));
        list.setId("uploadList");
        list.setCellFactory(lv -> new JobCell());
        list.setPlaceholder(new Label("Nothing uploading"));
        VBox.setVgrow(list, Priority.ALWAYS);
        VBox overallBox = new VBox(4, overall, overallText);
        overallBox.setId("uploadOverall");
        overallBox.setPadding(new Insets(0, 12, 8, 12));
        overall.setMaxWidth(Double.MAX_VALUE);
        overall.progressProperty().bind(model.overallProgressProperty());
        overallText.setId("uploadOverallText");
        overallText.getStyleClass().addAll("text-small", "text-muted");
        overallText.setWrapText(true);
        overallText.textProperty().bind(model.overallTextProperty());
        overallBox.visibleProperty().bind(model.activeProperty());
        overallBox.managedProperty().bind(overallBox.visibleProperty());
        getChildren().addAll(top, overallBox, duplicatePrompt(), list);
        queue.addListener(job -> scheduleRefresh());
        // The time left moves between progress events too.
        javafx.animation.Timeline clock = new javafx.animation.Timeline(new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(1), e -> {
                    if (model.activeProperty().get()) {
                        model.tick();
                    }
                }));
        clock.setCycleCount(javafx.animation.Animation.INDEFINITE);
        // Only while uploads are under way: a running animation would keep a logged-out view alive.
        model.activeProperty().addListener((o, was, on) -> {
            if (on) {
                clock.play();
            } else {
                clock.stop();
            }
        });
    }

    private VBox duplicatePrompt() {
        duplicatePrompt.setId("duplicatePrompt");
        duplicatePrompt.getStyleClass().add("duplicate-prompt");
        duplicatePrompt.setPadding(new Insets(8, 12, 10, 12));
        duplicatePrompt.setStyle("-fx-background-color: -color-warning-subtle;");
        duplicateText.setId("duplicateText");
        duplicateText.setWrapText(true);
        duplicateText.setMinHeight(Region.USE_PREF_SIZE);
        duplicateAll.setId("duplicateAll");
        Button skip = new Button("Skip");
        skip.setId("duplicateSkip");
        skip.getStyleClass().add("small");
        skip.setOnAction(e -> decide(UploadsModel.Choice.SKIP));
        Button keep = new Button("Keep both");
        keep.setId("duplicateKeepBoth");
        keep.getStyleClass().addAll("small", "accent");
        keep.setOnAction(e -> decide(UploadsModel.Choice.KEEP_BOTH));
        HBox buttons = new HBox(8, skip, keep);
        duplicatePrompt.getChildren().addAll(duplicateText, duplicateAll, buttons);
        model.duplicates().addListener((javafx.collections.ListChangeListener<UploadsModel.Duplicate>) c ->
                showDuplicate());
        showDuplicate();
        return duplicatePrompt;
    }

    private void decide(UploadsModel.Choice choice) {
        if (!model.duplicates().isEmpty()) {
            model.decide(model.duplicates().get(0), choice, duplicateAll.isSelected());
            refreshNow();
        }
    }

    private void showDuplicate() {
        var dups = model.duplicates();
        duplicatePrompt.setVisible(!dups.isEmpty());
        duplicatePrompt.setManaged(!dups.isEmpty());
        if (dups.isEmpty()) {
            duplicateAll.setSelected(false);
            return;
        }
        UploadsModel.Duplicate d = dups.get(0);
        duplicateText.setText("\"" + d.name() + "\" (" + Format.bytes(d.size())
                + ") is already in your drive: same name and size.");
        int others = dups.size() - 1;
        duplicateAll.setText("Do the same for the other " + others + (others == 1 ? " file" : " files"));
        duplicateAll.setVisible(others > 0);
        duplicateAll.setManaged(others > 0);
        if (others == 0) {
            duplicateAll.setSelected(false);
        }
    }

    /** Progress events come from worker threads; coalesce them into one UI refresh per pulse. */
    private void scheduleRefresh() {
        if (refreshPending.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                refreshPending.set(false);
                refreshNow();
            });
        }
    }

    private void refreshNow() {
        var current = queue.jobs();
        if (!current.equals(jobs)) {
            jobs.setAll(current);
        }
        list.refresh();
        long active = current.stream().filter(j -> !j.isFinished()).count();
        header.setText(active > 0 ? "Uploading " + active + " of " + current.size() : "Uploads");
    }

    private final class JobCell extends ListCell<UploadJob> {
        private final Label name = new Label();
        private final Label status = new Label();
        private final ProgressBar bar = new ProgressBar(0);
        private final Button action = new Button();
        private final HBox root;

        JobCell() {
            name.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
            name.setMaxWidth(200);
            status.getStyleClass().add("text-small");
            status.setWrapText(true);
            status.setMaxWidth(210);
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.getStyleClass().add("small");
            action.getStyleClass().addAll("button-circle", "flat", "small");
            VBox text = new VBox(4, name, bar, status);
            HBox.setHgrow(text, Priority.ALWAYS);
            root = new HBox(8, new FontIcon(Feather.FILE), text, action);
            root.setAlignment(Pos.CENTER_LEFT);
            // Without this a ListCell sizes to its content and the list grows a horizontal scroll bar.
            setPrefWidth(0);
            status.setMinHeight(Region.USE_PREF_SIZE);
        }

        @Override
        protected void updateItem(UploadJob job, boolean empty) {
            super.updateItem(job, empty);
            if (empty || job == null) {
                setGraphic(null);
                return;
            }
            name.setText(job.name());
            getStyleClass().removeAll("upload-failed", "upload-done");
            status.getStyleClass().removeAll("danger", "success");
            bar.setVisible(true);
            bar.setManaged(true);
            switch (job.state()) {
                case QUEUED -> {
                    bar.setProgress(0);
                    status.setText("Waiting · " + Format.bytes(job.size()));
                    action(Feather.X, "Cancel", () -> queue.cancel(job));
                }
                case UPLOADING -> {
                    bar.setProgress(job.progress());
                    status.setText(Format.bytes(job.bytesSent()) + " of " + Format.bytes(job.size()) + " · "
                            + Format.speed(job.bytesPerSecond()));
                    action(Feather.X, "Cancel", () -> queue.cancel(job));
                }
                case DONE -> {
                    bar.setProgress(1);
                    status.setText("Uploaded · " + Format.bytes(job.size()));
                    status.getStyleClass().add("success");
                    action.setVisible(false);
                }
                case FAILED -> {
                    bar.setVisible(false);
                    bar.setManaged(false);
                    status.setText(job.error());
                    status.getStyleClass().add("danger");
                    if (queue.canRetry(job)) {
                        action(Feather.ROTATE_CW, "Retry", () -> queue.retry(job));
                    } else {
                        action.setVisible(false);
                    }
                }
                case CANCELLED -> {
                    bar.setVisible(false);
                    bar.setManaged(false);
                    status.setText("Cancelled");
                    action(Feather.ROTATE_CW, "Retry", () -> queue.retry(job));
                }
            }
            setGraphic(root);
        }

        private void action(Feather icon, String tip, Runnable r) {
            action.setVisible(true);
            action.setGraphic(new FontIcon(icon));
            action.setTooltip(new Tooltip(tip));
            action.setId("upload" + tip);
            action.setOnAction(e -> {
                r.run();
                scheduleRefresh();
            });
        }
    }
}
