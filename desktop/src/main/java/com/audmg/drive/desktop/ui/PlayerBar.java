package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Download;
import com.audmg.drive.desktop.api.DriveFile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.media.Media;
import javafx.scene.media.MediaPlayer;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** Audio player bar: streams through the loopback proxy so playback starts at once and seeking works. */
final class PlayerBar extends HBox {

    private final AppContext app;
    private final Supplier<List<DriveFile>> playlist;
    private final Map<String, Double> durations;
    private final Runnable onDurationKnown;
    private final Button playPause = new Button();
    private final Button prev = new Button(null, new FontIcon(Feather.SKIP_BACK));
    private final Button next = new Button(null, new FontIcon(Feather.SKIP_FORWARD));
    private final Slider seek = new Slider(0, 1, 0);
    private final Slider volume = new Slider(0, 1, 0.8);
    private final Label title = new Label("Nothing playing");
    private final Label time = new Label("0:00 / 0:00");
    private final ReadOnlyObjectWrapper<MediaPlayer> player = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<DriveFile> current = new ReadOnlyObjectWrapper<>();
    /** Polls the position: currentTime listeners only fire when a pulse happens to read it. */
    private final javafx.animation.Timeline ticker = new javafx.animation.Timeline(
            new javafx.animation.KeyFrame(Duration.millis(250), e -> tick()));
    private URI currentUrl;
    private boolean seeking;

    PlayerBar(AppContext app, Supplier<List<DriveFile>> playlist, Map<String, Double> durations,
              Runnable onDurationKnown) {
        this.app = app;
        this.playlist = playlist;
        this.durations = durations;
        this.onDurationKnown = onDurationKnown;
        setId("playerBar");
        getStyleClass().add("player-bar");
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        setPadding(new Insets(8, 16, 8, 16));

        playPause.setId("playPause");
        playPause.setGraphic(new FontIcon(Feather.PLAY));
        playPause.getStyleClass().addAll("button-circle", "accent");
        playPause.setTooltip(new Tooltip("Play / pause (Space)"));
        playPause.setOnAction(e -> togglePlay());
        prev.setId("prevTrack");
        next.setId("nextTrack");
        prev.getStyleClass().addAll("button-circle", "flat");
        next.getStyleClass().addAll("button-circle", "flat");
        prev.setOnAction(e -> step(-1));
        next.setOnAction(e -> step(1));

        FontIcon note = new FontIcon(Feather.MUSIC);
        title.setId("trackTitle");
        title.getStyleClass().add("text-bold");
        title.setMaxWidth(260);
        time.setId("trackTime");
        time.getStyleClass().add("text-muted");
        time.setMinWidth(96);
        seek.setId("seek");
        seek.setDisable(true);
        HBox.setHgrow(seek, Priority.ALWAYS);
        seek.valueChangingProperty().addListener((o, was, changing) -> {
            seeking = changing;
            if (!changing) {
                seekTo(seek.getValue());
            }
        });
        seek.setOnMouseReleased(e -> {
            if (!seek.isValueChanging()) {
                seekTo(seek.getValue());
            }
        });
        volume.setId("volume");
        volume.setPrefWidth(90);
        volume.setValue(app.settings().volume);
        volume.valueProperty().addListener((o, a, v) -> {
            if (player.get() != null) {
                player.get().setVolume(v.doubleValue());
            }
            app.settings().volume = v.doubleValue();
        });
        VBox text = new VBox(2, title, time);
        getChildren().addAll(note, text, prev, playPause, next, seek, new FontIcon(Feather.VOLUME_2), volume);
        ticker.setCycleCount(javafx.animation.Animation.INDEFINITE);
        updateButtons();
    }

    ReadOnlyObjectProperty<MediaPlayer> playerProperty() {
        return player.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<DriveFile> currentProperty() {
        return current.getReadOnlyProperty();
    }

    void play(DriveFile file) {
        stop();
        current.set(file);
        title.setText(file.name());
        time.setText("Loading...");
        URI url = app.audioProxy().register(file.name(), file.size(), file.contentType(), () -> {
            Download d = app.client().getFile(file.id());
            return URI.create(d.download().url());
        });
        currentUrl = url;
        MediaPlayer mp;
        try {
            Media media = new Media(url.toString());
            mp = new MediaPlayer(media);
        } catch (RuntimeException e) {
            app.notifier().error("Cannot play " + file.name(), e);
            time.setText("");
            return;
        }
        player.set(mp);
        mp.setVolume(volume.getValue());
        mp.setOnReady(() -> {
            double total = mp.getTotalDuration().toSeconds();
            seek.setMax(Double.isFinite(total) && total > 0 ? total : 1);
            seek.setDisable(false);
            if (Double.isFinite(total) && total > 0) {
                durations.put(file.id(), total);
                onDurationKnown.run();
            }
            updateTime(mp);
            mp.play();
        });
        mp.setOnError(() -> {
            app.notifier().show(Notifier.Kind.ERROR, "Cannot play " + file.name() + ": "
                    + (mp.getError() == null ? "unknown error" : mp.getError().getMessage()));
            time.setText("");
        });
        ticker.play();
        mp.statusProperty().addListener((o, a, s) -> updateButtons());
        mp.setOnEndOfMedia(() -> {
            mp.stop();
            if (!step(1)) {
                mp.seek(Duration.ZERO);
            }
        });
        updateButtons();
    }

    private void tick() {
        MediaPlayer mp = player.get();
        if (mp == null) {
            return;
        }
        if (!seeking && !seek.isPressed()) {
            seek.setValue(mp.getCurrentTime().toSeconds());
        }
        updateTime(mp);
    }

    private void updateTime(MediaPlayer mp) {
        time.setText(Format.duration(mp.getCurrentTime().toSeconds()) + " / "
                + Format.duration(mp.getTotalDuration() == null ? Double.NaN : mp.getTotalDuration().toSeconds()));
    }

    void togglePlay() {
        MediaPlayer mp = player.get();
        if (mp == null) {
            List<DriveFile> list = playlist.get();
            if (!list.isEmpty()) {
                play(list.get(0));
            }
            return;
        }
        if (mp.getStatus() == MediaPlayer.Status.PLAYING) {
            mp.pause();
        } else {
            mp.play();
        }
    }

    void seekTo(double seconds) {
        MediaPlayer mp = player.get();
        if (mp != null) {
            mp.seek(Duration.seconds(seconds));
            seek.setValue(seconds);
            updateTime(mp);
        }
    }

    boolean step(int delta) {
        List<DriveFile> list = playlist.get();
        DriveFile cur = current.get();
        if (list.isEmpty()) {
            return false;
        }
        int i = cur == null ? -1 : list.indexOf(cur);
        int n = i + delta;
        if (n < 0 || n >= list.size()) {
            return false;
        }
        play(list.get(n));
        return true;
    }

    void stop() {
        MediaPlayer mp = player.get();
        if (mp != null) {
            mp.dispose();
        }
        if (currentUrl != null) {
            app.audioProxy().unregister(currentUrl);
            currentUrl = null;
        }
        ticker.stop();
        player.set(null);
        current.set(null);
        seek.setValue(0);
        seek.setDisable(true);
        title.setText("Nothing playing");
        time.setText("0:00 / 0:00");
        updateButtons();
    }

    /** Stops when the file being played is deleted. */
    void forget(DriveFile file) {
        if (file.equals(current.get())) {
            stop();
        }
    }

    private void updateButtons() {
        MediaPlayer mp = player.get();
        boolean playing = mp != null && mp.getStatus() == MediaPlayer.Status.PLAYING;
        playPause.setGraphic(new FontIcon(playing ? Feather.PAUSE : Feather.PLAY));
        List<DriveFile> list = playlist.get();
        int i = current.get() == null ? -1 : list.indexOf(current.get());
        prev.setDisable(i <= 0);
        next.setDisable(i < 0 || i >= list.size() - 1);
    }
}
