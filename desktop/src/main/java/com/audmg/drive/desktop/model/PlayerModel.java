package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.MediaInfo;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * The audio player: a queue (the audio files shown), the current track and its state, play/pause, next/previous,
 * seek, volume. A track that cannot be played is skipped with a plain-language message; at the end of the queue the
 * player stops at the start of the last track, showing Play, and one click replays it. All calls on the ui thread.
 */
public final class PlayerModel {

    /** What the player is doing. */
    public enum Status { IDLE, LOADING, PLAYING, PAUSED, ENDED }

    /** Gives the URL to play a file from (the loopback proxy in the app). */
    @FunctionalInterface
    public interface Source {
        URI urlFor(DriveFile file) throws Exception;
    }

    private final AudioEngine engine;
    private final Source source;
    private final Supplier<List<DriveFile>> queue;
    private final ReadOnlyObjectWrapper<DriveFile> current = new ReadOnlyObjectWrapper<>(this, "current");
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(this, "status", Status.IDLE);
    private final ReadOnlyDoubleWrapper position = new ReadOnlyDoubleWrapper(this, "position");
    private final ReadOnlyDoubleWrapper duration = new ReadOnlyDoubleWrapper(this, "duration", Double.NaN);
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Nothing playing");
    private final ReadOnlyStringWrapper subtitle = new ReadOnlyStringWrapper(this, "subtitle", "");
    private final ReadOnlyStringWrapper coverUrl = new ReadOnlyStringWrapper(this, "coverUrl");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final DoubleProperty volume = new SimpleDoubleProperty(this, "volume", 0.8);
    private AudioEngine.Track track;
    /** Identifies the track being started or played; events of an older one are ignored. */
    private Object playing;
    /** Tracks that failed during this run of auto-advance: never skip round in circles. */
    private final Set<String> skipped = new HashSet<>();

    public PlayerModel(AudioEngine engine, Source source, Supplier<List<DriveFile>> queue) {
        this.engine = engine;
        this.source = source;
        this.queue = queue;
        volume.addListener((o, a, v) -> {
            if (track != null) {
                track.volume(v.doubleValue());
            }
        });
    }

    public ReadOnlyObjectProperty<DriveFile> currentProperty() {
        return current.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    /** Seconds; NaN until known (the file's media duration, before the track is ready). */
    public ReadOnlyDoubleProperty durationProperty() {
        return duration.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** Artist and album, when the file's tags name them. */
    public ReadOnlyStringProperty subtitleProperty() {
        return subtitle.getReadOnlyProperty();
    }

    /** The cover art URL from the file's media, or null. */
    public ReadOnlyStringProperty coverUrlProperty() {
        return coverUrl.getReadOnlyProperty();
    }

    /** The last plain-language problem (a skipped track), or empty. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    public DoubleProperty volumeProperty() {
        return volume;
    }

    public boolean hasNext() {
        return indexOfCurrent() >= 0 && indexOfCurrent() < queue.get().size() - 1;
    }

    public boolean hasPrevious() {
        return indexOfCurrent() > 0;
    }

    /** Plays a file chosen by the user. */
    public void play(DriveFile file) {
        skipped.clear();
        problem.set("");
        start(file);
    }

    private void start(DriveFile file) {
        release();
        current.set(file);
        showMetadata(file);
        status.set(Status.LOADING);
        position.set(0);
        Object token = new Object();
        playing = token;
        AudioEngine.Track opened;
        try {
            opened = engine.open(source.urlFor(file), new AudioEngine.Events() {
                @Override
                public void ready(double seconds) {
                    if (playing != token) {
                        return;
                    }
                    if (Double.isFinite(seconds) && seconds > 0) {
                        duration.set(seconds);
                    }
                    skipped.clear();
                    if (status.get() == Status.LOADING) {
                        status.set(Status.PLAYING);
                    }
                }

                @Override
                public void ended() {
                    if (playing == token) {
                        onEnd();
                    }
                }

                @Override
                public void failed(String detail) {
                    if (playing == token) {
                        unplayable(file);
                    }
                }
            });
        } catch (Exception e) {
            if (playing == token) {
                unplayable(file);
            }
            return;
        }
        if (playing != token) {
            opened.dispose(); // failed and moved on while opening
            return;
        }
        track = opened;
        track.volume(volume.get());
        track.play();
    }

    private void showMetadata(DriveFile file) {
        MediaInfo m = file.media();
        title.set(file.displayTitle());
        String artist = m == null ? null : m.artist();
        String album = m == null ? null : m.album();
        subtitle.set(join(artist, album));
        coverUrl.set(m != null && m.hasCover() ? m.coverUrl() : null);
        duration.set(m == null ? Double.NaN : m.durationSeconds());
    }

    private static String join(String a, String b) {
        boolean hasA = a != null && !a.isBlank();
        boolean hasB = b != null && !b.isBlank();
        return hasA && hasB ? a + " · " + b : hasA ? a : hasB ? b : "";
    }

    /** Skips to the next track that plays, or stops with the message when there is none. */
    private void unplayable(DriveFile file) {
        release();
        problem.set("pending".equals(file.processing())
                ? "Can't play \"" + file.name() + "\" yet: the server is still preparing a playable copy."
                : "Can't play \"" + file.name() + "\": this computer cannot play its format"
                + (file.media() != null && file.media().hasPlayable() ? " or its converted copy." : "."));
        skipped.add(file.id());
        DriveFile next = after(file);
        if (next != null && !skipped.contains(next.id())) {
            start(next);
        } else {
            current.set(file);
            status.set(Status.IDLE);
            position.set(0);
        }
    }

    private void onEnd() {
        DriveFile cur = current.get();
        DriveFile next = cur == null ? null : after(cur);
        if (next != null) {
            start(next);
            return;
        }
        // End of the queue: back to the start of the last track, paused, so that Play replays it.
        track.pause();
        track.seek(0);
        position.set(0);
        status.set(Status.ENDED);
    }

    private DriveFile after(DriveFile file) {
        List<DriveFile> list = queue.get();
        int i = indexOf(list, file);
        return i >= 0 && i < list.size() - 1 ? list.get(i + 1) : null;
    }

    /** Play/pause; with nothing loaded, plays the first track of the queue; after the end, replays. */
    public void togglePlay() {
        switch (status.get()) {
            case PLAYING -> {
                track.pause();
                status.set(Status.PAUSED);
            }
            case PAUSED, ENDED -> {
                if (status.get() == Status.ENDED) {
                    track.seek(0);
                }
                track.play();
                status.set(Status.PLAYING);
            }
            case LOADING -> { }
            case IDLE -> {
                DriveFile cur = current.get();
                List<DriveFile> list = queue.get();
                if (cur != null && indexOf(list, cur) >= 0) {
                    play(cur);
                } else if (!list.isEmpty()) {
                    play(list.get(0));
                }
            }
        }
    }

    public boolean next() {
        int i = indexOfCurrent();
        List<DriveFile> list = queue.get();
        if (i < 0 || i >= list.size() - 1) {
            return false;
        }
        play(list.get(i + 1));
        return true;
    }

    public boolean previous() {
        int i = indexOfCurrent();
        if (i <= 0) {
            return false;
        }
        play(queue.get().get(i - 1));
        return true;
    }

    public void seek(double seconds) {
        if (track != null) {
            double s = Math.max(0, seconds);
            track.seek(s);
            position.set(s);
            if (status.get() == Status.ENDED) {
                status.set(Status.PAUSED);
            }
        }
    }

    /** Reads the position from the engine (the view polls it a few times a second). */
    public void tick() {
        if (track != null && (status.get() == Status.PLAYING || status.get() == Status.PAUSED)) {
            position.set(track.position());
        }
    }

    /** Stops and forgets the current track. */
    public void stop() {
        release();
        current.set(null);
        status.set(Status.IDLE);
        position.set(0);
        duration.set(Double.NaN);
        title.set("Nothing playing");
        subtitle.set("");
        coverUrl.set(null);
    }

    /** Stops when the file being played leaves the library (trash). */
    public void forget(DriveFile file) {
        if (file.sameFile(current.get())) {
            stop();
        }
    }

    /** The engine's track, for tests. */
    public AudioEngine.Track track() {
        return track;
    }

    private void release() {
        playing = null;
        if (track != null) {
            AudioEngine.Track t = track;
            track = null;
            t.dispose();
        }
    }

    private int indexOfCurrent() {
        DriveFile cur = current.get();
        return cur == null ? -1 : indexOf(queue.get(), cur);
    }

    private static int indexOf(List<DriveFile> list, DriveFile f) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).sameFile(f)) {
                return i;
            }
        }
        return -1;
    }
}
