package com.audmg.drive.desktop.media;

import com.audmg.drive.desktop.model.AudioEngine;
import java.net.URI;
import javafx.scene.media.Media;
import javafx.scene.media.MediaPlayer;
import javafx.util.Duration;

/** {@link AudioEngine} on JavaFX Media; call on the FX thread (its callbacks arrive there too). */
public final class FxAudioEngine implements AudioEngine {

    private MediaPlayer last;

    @Override
    public Track open(URI url, Events events) {
        // Created and wired in one go on the FX thread: a callback registered later can miss READY or an error.
        MediaPlayer mp = new MediaPlayer(new Media(url.toString()));
        last = mp;
        boolean[] wantPlay = {false};
        // JavaFX ignores a seek while STOPPED (after the end) and its status changes arrive later than the calls:
        // a seek asked for then is applied as soon as the player is paused or playing. Likewise while a stop or a
        // pause asked for has not arrived yet: the status still says PLAYING, and a seek made then was undone by
        // the stop that followed it (the track sat at 0 after "ended, pause, seek to 2 s").
        double[] pendingSeek = {Double.NaN};
        MediaPlayer.Status[] awaited = {null};
        mp.statusProperty().addListener((o, before, now) -> {
            if (now == awaited[0] || now == MediaPlayer.Status.PLAYING) {
                awaited[0] = null;
            }
            if (awaited[0] == null && canSeek(now) && !Double.isNaN(pendingSeek[0])) {
                double s = pendingSeek[0];
                pendingSeek[0] = Double.NaN;
                mp.seek(Duration.seconds(s));
            }
        });
        mp.setOnReady(() -> {
            Duration total = mp.getTotalDuration();
            events.ready(total == null ? Double.NaN : total.toSeconds());
            if (wantPlay[0]) {
                mp.play();
            }
        });
        mp.setOnError(() -> events.failed(mp.getError() == null ? "unknown" : mp.getError().getMessage()));
        // Stopped at the end: JavaFX otherwise stays PLAYING at the last position, and a later play() does nothing.
        mp.setOnEndOfMedia(() -> {
            awaited[0] = MediaPlayer.Status.STOPPED;
            mp.stop();
            events.ended();
        });
        return new Track() {
            @Override
            public void play() {
                wantPlay[0] = true;
                if (mp.getStatus() != MediaPlayer.Status.UNKNOWN) {
                    mp.play();
                }
            }

            @Override
            public void pause() {
                wantPlay[0] = false;
                if (mp.getStatus() == MediaPlayer.Status.PLAYING || awaited[0] != null) {
                    awaited[0] = MediaPlayer.Status.PAUSED;
                }
                mp.pause();
            }

            @Override
            public void seek(double seconds) {
                if (awaited[0] == null && canSeek(mp.getStatus())) {
                    pendingSeek[0] = Double.NaN;
                    mp.seek(Duration.seconds(seconds));
                } else {
                    pendingSeek[0] = seconds;
                }
            }

            @Override
            public double position() {
                return mp.getCurrentTime().toSeconds();
            }

            @Override
            public void volume(double v) {
                mp.setVolume(v);
            }

            @Override
            public void dispose() {
                mp.dispose();
            }
        };
    }

    private static boolean canSeek(MediaPlayer.Status s) {
        return s == MediaPlayer.Status.READY || s == MediaPlayer.Status.PAUSED || s == MediaPlayer.Status.PLAYING
                || s == MediaPlayer.Status.STALLED;
    }

    /** The MediaPlayer of the last opened track (tests watch its position). */
    public MediaPlayer lastPlayer() {
        return last;
    }
}
