package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.model.PlayerModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The play queue in playing order: the current track marked; click a track to play it, X to remove it. */
final class QueueView extends VBox {

    private final PlayerModel model;
    private final ListView<DriveFile> list;

    QueueView(PlayerModel model) {
        this.model = model;
        setId("queueView");
        getStyleClass().add("queue-view");
        setPrefSize(340, 360);
        Label header = new Label();
        header.getStyleClass().add("title-4");
        header.textProperty().bind(Bindings.createStringBinding(() -> "Queue · " + model.queue().size()
                + (model.queue().size() == 1 ? " track" : " tracks")
                + (model.shuffleProperty().get() ? " · shuffled" : ""), model.queue(), model.shuffleProperty()));
        HBox top = new HBox(header);
        top.setPadding(new Insets(10, 12, 6, 12));
        list = new ListView<>(model.queue());
        list.setId("queueList");
        list.setPlaceholder(new Label("The queue is empty. Play a track, or use \"Add to queue\" on a file."));
        list.setCellFactory(lv -> new TrackCell());
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(top, list);
        model.currentProperty().addListener((o, a, f) -> list.refresh());
    }

    ListView<DriveFile> list() {
        return list;
    }

    private final class TrackCell extends ListCell<DriveFile> {
        private final Label title = new Label();
        private final Label artist = new Label();
        private final FontIcon playing = new FontIcon(Feather.VOLUME_2);
        private final Button remove = new Button(null, new FontIcon(Feather.X));
        private final HBox root;

        TrackCell() {
            title.setTextOverrun(OverrunStyle.ELLIPSIS);
            artist.getStyleClass().addAll("text-small", "text-muted");
            remove.getStyleClass().addAll("button-circle", "flat", "small");
            remove.setTooltip(new Tooltip("Remove from the queue"));
            remove.setFocusTraversable(false);
            playing.getStyleClass().add("accent-icon");
            VBox text = new VBox(1, title, artist);
            text.setMinWidth(0);
            HBox.setHgrow(text, Priority.ALWAYS);
            Region slot = new Region();
            slot.setMinWidth(16);
            root = new HBox(8, playing, text, remove);
            root.setAlignment(Pos.CENTER_LEFT);
            setPrefWidth(0);
            setOnMouseClicked(e -> {
                DriveFile f = getItem();
                if (f != null && e.getButton() == MouseButton.PRIMARY && e.getTarget() != remove
                        && !remove.isHover()) {
                    model.play(f);
                }
            });
        }

        @Override
        protected void updateItem(DriveFile f, boolean empty) {
            super.updateItem(f, empty);
            if (empty || f == null) {
                setGraphic(null);
                setId(null);
                return;
            }
            setId("queue-" + f.id());
            title.setText(f.displayTitle());
            String a = f.media() == null ? null : f.media().artist();
            artist.setText(a == null || a.isBlank() ? f.name() : a);
            boolean current = f.sameFile(model.currentProperty().get());
            playing.setOpacity(current ? 1 : 0);
            title.getStyleClass().remove("text-bold");
            if (current) {
                title.getStyleClass().add("text-bold");
            }
            pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("current"), current);
            remove.setOnAction(e -> model.remove(f));
            remove.setId("queueRemove-" + f.id());
            setGraphic(root);
        }
    }
}
