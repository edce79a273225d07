package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.model.MusicLibrary;
import com.audmg.drive.desktop.model.PlayerModel;
import java.util.List;
import java.util.function.Supplier;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** Albums and artists from the tags of the audio files; each plays as a queue, or joins the queue. */
final class MusicView extends VBox {

    private final PlayerModel model;
    private final Supplier<List<DriveFile>> files;
    private final ListView<MusicLibrary.Album> albums = new ListView<>();
    private final ListView<MusicLibrary.Artist> artists = new ListView<>();

    MusicView(PlayerModel model, Supplier<List<DriveFile>> files, Runnable onPlayed) {
        this.model = model;
        this.files = files;
        setId("musicView");
        setPrefSize(380, 400);
        albums.setId("albumList");
        artists.setId("artistList");
        albums.setPlaceholder(new Label("No audio files yet."));
        artists.setPlaceholder(new Label("No audio files yet."));
        albums.setCellFactory(lv -> new GroupCell<>(a -> a.title(),
                a -> (a.artist().isEmpty() ? "" : a.artist() + " · ") + count(a.tracks().size()),
                MusicLibrary.Album::tracks, "album", onPlayed));
        artists.setCellFactory(lv -> new GroupCell<>(MusicLibrary.Artist::name,
                a -> (a.albums() > 0 ? a.albums() + (a.albums() == 1 ? " album · " : " albums · ") : "")
                        + count(a.tracks().size()), MusicLibrary.Artist::tracks, "artist", onPlayed));
        Tab albumTab = new Tab("Albums", albums);
        albumTab.setId("albumsTab");
        Tab artistTab = new Tab("Artists", artists);
        artistTab.setId("artistsTab");
        TabPane tabs = new TabPane(albumTab, artistTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        setPadding(new Insets(4));
        getChildren().add(tabs);
        refresh();
    }

    /** Rebuilds the lists from the files (on showing). */
    void refresh() {
        List<DriveFile> all = files.get();
        albums.setItems(FXCollections.observableArrayList(MusicLibrary.albums(all)));
        artists.setItems(FXCollections.observableArrayList(MusicLibrary.artists(all)));
    }

    private static String count(int n) {
        return n + (n == 1 ? " track" : " tracks");
    }

    private final class GroupCell<T> extends ListCell<T> {
        private final java.util.function.Function<T, String> title;
        private final java.util.function.Function<T, String> detail;
        private final java.util.function.Function<T, List<DriveFile>> tracks;
        private final String kind;
        private final Runnable onPlayed;

        GroupCell(java.util.function.Function<T, String> title, java.util.function.Function<T, String> detail,
                  java.util.function.Function<T, List<DriveFile>> tracks, String kind, Runnable onPlayed) {
            this.title = title;
            this.detail = detail;
            this.tracks = tracks;
            this.kind = kind;
            this.onPlayed = onPlayed;
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(T item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            Label name = new Label(title.apply(item));
            name.getStyleClass().add("text-bold");
            name.setTextOverrun(OverrunStyle.ELLIPSIS);
            Label sub = new Label(detail.apply(item));
            sub.getStyleClass().addAll("text-small", "text-muted");
            VBox text = new VBox(1, name, sub);
            text.setMinWidth(0);
            HBox.setHgrow(text, Priority.ALWAYS);
            Button play = button(Feather.PLAY, "Play " + (kind.equals("album") ? "this album" : "this artist"),
                    () -> {
                        model.playAll(tracks.apply(item));
                        onPlayed.run();
                    });
            play.setId("play-" + kind + "-" + getIndex());
            Button add = button(Feather.PLUS, "Add to queue", () -> tracks.apply(item).forEach(model::addToQueue));
            add.setId("queue-" + kind + "-" + getIndex());
            HBox row = new HBox(8, text, play, add);
            row.setAlignment(Pos.CENTER_LEFT);
            setGraphic(row);
        }
    }

    private static Button button(Feather icon, String tip, Runnable action) {
        Button b = new Button(null, new FontIcon(icon));
        b.getStyleClass().addAll("button-circle", "flat", "small");
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    Node albumsList() {
        return albums;
    }
}
