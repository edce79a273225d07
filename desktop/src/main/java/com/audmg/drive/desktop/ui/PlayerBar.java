package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.model.PlayerModel;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Popup;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The player bar: lays out and binds to the {@link PlayerModel}. Cover, title, previous / play / next, the seek bar
 * (the waveform when the server made one, else a plain slider), shuffle, repeat, the queue and the albums/artists
 * popups, mute and volume; the player's keys ({@link #handleKey}).
 */
final class PlayerBar extends HBox {

    private final PlayerModel model;
    private final Button playPause = new Button();
    private final Button prev = new Button(null, new FontIcon(Feather.SKIP_BACK));
    private final Button next = new Button(null, new FontIcon(Feather.SKIP_FORWARD));
    private final Slider seek = new Slider(0, 1, 0);
    private final Slider volume = new Slider(0, 1, 0.8);
    private final WaveformBar waveform;
    private final ToggleButton shuffle = new ToggleButton(null, new FontIcon(Feather.SHUFFLE));
    private final Button repeat = new Button();
    private final ToggleButton queueButton = new ToggleButton(null, new FontIcon(Feather.LIST));
    private final Button musicButton = new Button(null, new FontIcon(Feather.DISC));
    private final Button mute = new Button();
    private final Popup queuePopup = new Popup();
    private final Popup musicPopup = new Popup();
    private final QueueView queueView;
    private final MusicView musicView;
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final Label time = new Label("0:00 / 0:00");
    private final ImageView cover = new ImageView();
    /** Polls the position: currentTime listeners only fire when a pulse happens to read it. */
    private final javafx.animation.Timeline ticker = new javafx.animation.Timeline(
            new javafx.animation.KeyFrame(Duration.millis(250), e -> tick()));

    PlayerBar(PlayerModel model, Notifier notifier) {
        this(model, notifier, List::of);
    }

    /** {@code library}: the drive's files, for the albums and artists. */
    PlayerBar(PlayerModel model, Notifier notifier, Supplier<List<DriveFile>> library) {
        this.model = model;
        this.waveform = new WaveformBar(model::seek);
        this.queueView = new QueueView(model);
        this.musicView = new MusicView(model, library, () -> musicPopup.hide());
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
        volume.setTooltip(new Tooltip("Volume (Ctrl+Up / Ctrl+Down)"));

        // The waveform replaces the plain slider when the server made one.
        HBox.setHgrow(waveform, Priority.ALWAYS);
        waveform.waveformProperty().bind(model.waveformProperty());
        waveform.durationProperty().bind(model.durationProperty());
        waveform.visibleProperty().bind(model.waveformProperty().isNotNull());
        waveform.managedProperty().bind(waveform.visibleProperty());
        waveform.disableProperty().bind(seek.disableProperty());
        seek.visibleProperty().bind(model.waveformProperty().isNull());
        seek.managedProperty().bind(seek.visibleProperty());

        shuffle.setId("shuffle");
        shuffle.getStyleClass().addAll("button-circle", "flat");
        shuffle.setTooltip(new Tooltip("Shuffle"));
        shuffle.selectedProperty().bindBidirectional(model.shuffleProperty());
        repeat.setId("repeat");
        repeat.getStyleClass().addAll("button-circle", "flat");
        repeat.setOnAction(e -> model.repeatProperty().set(model.repeatProperty().get().next()));
        model.repeatProperty().addListener((o, a, r) -> showRepeat());
        showRepeat();
        queueButton.setId("queueButton");
        queueButton.getStyleClass().addAll("button-circle", "flat");
        queueButton.setTooltip(new Tooltip("Queue"));
        queueButton.setOnAction(e -> togglePopup(queuePopup, queueView, queueButton));
        queuePopup.showingProperty().addListener((o, a, showing) -> queueButton.setSelected(showing));
        musicButton.setId("musicButton");
        musicButton.getStyleClass().addAll("button-circle", "flat");
        musicButton.setTooltip(new Tooltip("Albums and artists"));
        musicButton.setOnAction(e -> {
            musicView.refresh();
            togglePopup(musicPopup, musicView, musicButton);
        });
        for (Popup p : new Popup[] {queuePopup, musicPopup}) {
            p.setAutoHide(true);
            p.setHideOnEscape(true);
            p.setOnHidden(e -> p.getProperties().put("hiddenAt", System.nanoTime()));
        }
        mute.setId("mute");
        mute.getStyleClass().addAll("button-circle", "flat");
        mute.setOnAction(e -> model.toggleMute());
        model.mutedProperty().addListener((o, a, m) -> showMute());
        showMute();

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
        getChildren().addAll(art, text, prev, playPause, next, seek, waveform, shuffle, repeat, queueButton,
                musicButton, mute, volume);
        ticker.setCycleCount(javafx.animation.Animation.INDEFINITE);
        updateButtons();
    }

    PlayerModel model() {
        return model;
    }

    private void showRepeat() {
        PlayerModel.Repeat r = model.repeatProperty().get();
        FontIcon icon = new FontIcon(Feather.REPEAT);
        repeat.setGraphic(r == PlayerModel.Repeat.ONE ? new HBox(icon, new Label("1")) : icon);
        repeat.setTooltip(new Tooltip(switch (r) {
            case OFF -> "Repeat: off";
            case ALL -> "Repeat: all";
            case ONE -> "Repeat: this track";
        }));
        repeat.getStyleClass().remove("accent");
        if (r != PlayerModel.Repeat.OFF) {
            repeat.getStyleClass().add("accent");
        }
    }

    private void showMute() {
        boolean muted = model.mutedProperty().get();
        mute.setGraphic(new FontIcon(muted ? Feather.VOLUME_X : Feather.VOLUME_2));
        mute.setTooltip(new Tooltip(muted ? "Unmute (M)" : "Mute (M)"));
    }

    /** Shows a popup above its button (hides it when it shows already). */
    private void togglePopup(Popup popup, javafx.scene.layout.Region content, javafx.scene.Node anchor) {
        // A click on the button while the popup shows hides it (auto-hide, on the press): it must not show it again.
        if (popup.isShowing() || System.nanoTime() - hiddenAt(popup) < 300_000_000L) {
            popup.hide();
            return;
        }
        if (popup.getContent().isEmpty()) {
            content.getStyleClass().add("player-popup");
            content.setStyle("-fx-background-color: -color-bg-default; -fx-border-color: -color-border-default;"
                    + " -fx-background-radius: 6; -fx-border-radius: 6;"
                    + " -fx-effect: dropshadow(gaussian, rgba(0,0,0,0.25), 12, 0, 0, 2);");
            popup.getContent().add(content);
        }
        var b = anchor.localToScreen(anchor.getBoundsInLocal());
        if (b == null || getScene() == null) {
            return;
        }
        var window = getScene().getWindow();
        popup.show(anchor, b.getMinX(), b.getMinY());
        // Placed once its size is known (the drop shadow makes the window larger than its content): above the
        // button, right-aligned with it, inside the main window.
        double w = popup.getWidth();
        double h = popup.getHeight();
        popup.setX(Math.max(window.getX(), Math.min(b.getMaxX() - w, window.getX() + window.getWidth() - w)));
        popup.setY(Math.max(window.getY(), b.getMinY() - h));
    }

    private static long hiddenAt(Popup popup) {
        return popup.getProperties().get("hiddenAt") instanceof Long t ? t : Long.MIN_VALUE / 2;
    }

    /**
     * The player's keys (not while typing): Ctrl+Left / Ctrl+Right seek 5 s back / forward, and Left / Right too when
     * the focus is in the player bar (not on the volume slider); Ctrl+Up / Ctrl+Down volume; M mute. True when used.
     */
    boolean handleKey(KeyEvent e) {
        boolean inBar = e.getTarget() instanceof javafx.scene.Node n && isInside(n) && n != volume;
        boolean plain = !e.isShortcutDown() && !e.isAltDown() && !e.isShiftDown();
        boolean seekKey = e.getCode() == KeyCode.LEFT || e.getCode() == KeyCode.RIGHT;
        if (seekKey && ((e.isShortcutDown() && !e.isShiftDown() && !e.isAltDown()) || (plain && inBar))) {
            model.seekBy(e.getCode() == KeyCode.LEFT ? -PlayerModel.SEEK_STEP_SECONDS : PlayerModel.SEEK_STEP_SECONDS);
            return true;
        }
        if ((e.getCode() == KeyCode.UP || e.getCode() == KeyCode.DOWN) && e.isShortcutDown() && !e.isShiftDown()) {
            model.changeVolume(e.getCode() == KeyCode.UP ? PlayerModel.VOLUME_STEP : -PlayerModel.VOLUME_STEP);
            return true;
        }
        if (e.getCode() == KeyCode.M && plain) {
            model.toggleMute();
            return true;
        }
        return false;
    }

    private boolean isInside(javafx.scene.Node n) {
        for (javafx.scene.Node p = n; p != null; p = p.getParent()) {
            if (p == this) {
                return true;
            }
        }
        return false;
    }

    QueueView queueView() {
        return queueView;
    }

    MusicView musicView() {
        return musicView;
    }

    private void tick() {
        model.tick();
        waveform.positionProperty().set(model.positionProperty().get());
        if (!seek.isValueChanging() && !seek.isPressed()) {
            seek.setValue(model.positionProperty().get());
        }
    }

    private void showTime() {
        waveform.positionProperty().set(model.positionProperty().get());
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
        queuePopup.hide();
        musicPopup.hide();
        model.stop();
    }
}
