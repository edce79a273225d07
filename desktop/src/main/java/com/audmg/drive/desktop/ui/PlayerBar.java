package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.model.PlayerModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The player bar: lays out and binds to the {@link PlayerModel}. */
final class PlayerBar extends HBox {

    private final PlayerModel model;
    private final Button playPause = new Button();
    private final Button prev = new Button(null, new FontIcon(Feather.SKIP_BACK));
    private final Button next = new Button(null, new FontIcon(Feather.SKIP_FORWARD));
    private final Slider seek = new Slider(0, 1, 0);
    private final Slider volume = new Slider(0, 1, 0.8);
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final Label time = new Label("0:00 / 0:00");
    private final ImageView cover = new ImageView();
    /** Polls the position: currentTime listeners only fire when a pulse happens to read it. */
    private final javafx.animation.Timeline ticker = new javafx.animation.Timeline(
            new javafx.animation.KeyFrame(Duration.millis(250), e -> tick()));

    PlayerBar(PlayerModel model, Notifier notifier) {
        this.model = model;
        setId("playerBar");
        getStyleClass().add("player-bar");
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        setPadding(new Insets(8, 16, 8, 16));

        playPause.setId("playPause");
        playPause.getStyleClass().addAll("button-circle", "accent");
        playPause.setTooltip(new Tooltip("Play / pause (Space)"));
        playPause.setOnAction(e -> model.togglePlay());
        prev.setId("prevTrack");
        next.setId("nextTrack");
        prev.getStyleClass().addAll("button-circle", "flat");
        next.getStyleClass().addAll("button-circle", "flat");
        prev.setOnAction(e -> model.previous());
        next.setOnAction(e -> model.next());

        FontIcon note = new FontIcon(Feather.MUSIC);
        cover.setId("cover");
        cover.setFitWidth(40);
        cover.setFitHeight(40);
        cover.setPreserveRatio(true);
        StackPane art = new StackPane(note, cover);
        art.setMinSize(40, 40);
        art.setMaxSize(40, 40);
        art.getStyleClass().add("player-art");
        model.coverUrlProperty().addListener((o, a, url) -> {
            cover.setImage(url == null ? null : new Image(url, 80, 80, true, true, true));
        });
        note.visibleProperty().bind(cover.imageProperty().isNull()
                .or(Bindings.selectBoolean(cover.imageProperty(), "error")));

        title.setId("trackTitle");
        title.getStyleClass().add("text-bold");
        title.textProperty().bind(model.titleProperty());
        subtitle.setId("trackArtist");
        subtitle.getStyleClass().addAll("text-small", "text-muted");
        subtitle.textProperty().bind(model.subtitleProperty());
        subtitle.visibleProperty().bind(model.subtitleProperty().isNotEmpty());
        subtitle.managedProperty().bind(subtitle.visibleProperty());
        for (Label l : new Label[] {title, subtitle}) {
            l.setTextOverrun(OverrunStyle.ELLIPSIS);
            l.setMinWidth(60);
            l.setMaxWidth(240);
        }
        time.setId("trackTime");
        time.getStyleClass().add("text-muted");
        time.setMinWidth(Label.USE_PREF_SIZE);
        seek.setId("seek");
        seek.setMinWidth(60);
        HBox.setHgrow(seek, Priority.ALWAYS);
        seek.disableProperty().bind(model.statusProperty().isEqualTo(PlayerModel.Status.IDLE)
                .or(model.statusProperty().isEqualTo(PlayerModel.Status.LOADING)));
        seek.valueChangingProperty().addListener((o, was, changing) -> {
            if (!changing) {
                model.seek(seek.getValue());
            }
        });
        seek.setOnMouseReleased(e -> {
            if (!seek.isValueChanging()) {
                model.seek(seek.getValue());
            }
        });
        volume.setId("volume");
        volume.setPrefWidth(90);
        volume.setMinWidth(50);
        volume.valueProperty().bindBidirectional(model.volumeProperty());

        model.statusProperty().addListener((o, a, s) -> {
            updateButtons();
            if (s == PlayerModel.Status.PLAYING || s == PlayerModel.Status.LOADING) {
                ticker.play();
            } else {
                ticker.stop();
                showTime();
            }
        });
        model.currentProperty().addListener((o, a, f) -> updateButtons());
        model.durationProperty().addListener((o, a, d) -> showTime());
        model.positionProperty().addListener((o, a, p) -> showTime());
        model.problemProperty().addListener((o, a, problem) -> {
            if (problem != null && !problem.isEmpty()) {
                notifier.show(Notifier.Kind.ERROR, problem);
            }
        });
        VBox text = new VBox(2, title, subtitle, time);
        text.setMinWidth(100);
        getChildren().addAll(art, text, prev, playPause, next, seek, new FontIcon(Feather.VOLUME_2), volume);
        ticker.setCycleCount(javafx.animation.Animation.INDEFINITE);
        updateButtons();
    }

    PlayerModel model() {
        return model;
    }

    private void tick() {
        model.tick();
        if (!seek.isValueChanging() && !seek.isPressed()) {
            seek.setValue(model.positionProperty().get());
        }
    }

    private void showTime() {
        double total = model.durationProperty().get();
        seek.setMax(Double.isFinite(total) && total > 0 ? total : 1);
        if (!seek.isValueChanging() && !seek.isPressed()) {
            seek.setValue(model.positionProperty().get());
        }
        time.setText(model.statusProperty().get() == PlayerModel.Status.LOADING ? "Loading..."
                : Format.duration(model.positionProperty().get()) + " / " + Format.duration(total));
    }

    /** Refreshes the enabled state of previous/next (the queue changes with the filter). */
    void updateButtons() {
        boolean playing = model.statusProperty().get() == PlayerModel.Status.PLAYING;
        playPause.setGraphic(new FontIcon(playing ? Feather.PAUSE : Feather.PLAY));
        playPause.getTooltip().setText(playing ? "Pause (Space)" : "Play (Space)");
        prev.setDisable(!model.hasPrevious());
        next.setDisable(!model.hasNext());
    }

    void stop() {
        ticker.stop();
        model.stop();
    }
}
