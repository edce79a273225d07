package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.MediaInfo;
import com.audmg.drive.desktop.api.Waveform;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The audio player: a queue, the current track and its state, play/pause, next/previous, seek, volume and mute,
 * shuffle and repeat, the waveform of the current track. Playing a file that is not in the queue makes the audio files
 * shown (the {@code context}) the queue; "play next" and "add to queue" edit it, and an album or artist replaces it.
 * Shuffle plays every track once per cycle in a random order that starts at the current track; repeat is off, all
 * (the queue starts again; shuffled anew) or one (the track starts again). A track that cannot be played is skipped
 * with a plain-language message; at the end of the queue (repeat off) the player stops at the start of the last
 * track, showing Play, and one click replays it. All calls on the ui thread.
 */
public final class PlayerModel {

    /** What the player is doing. */
    public enum Status { IDLE, LOADING, PLAYING, PAUSED, ENDED }

    /** What happens at the end of a track. */
    public enum Repeat {
        OFF, ALL, ONE;

        /** Off, all, one, off... (the repeat button's cycle). */
        public Repeat next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /** Seconds the seek keys move. */
    public static final double SEEK_STEP_SECONDS = 5;
    /** Volume the volume keys change (of 1). */
    public static final double VOLUME_STEP = 0.05;

    /** Gives the URL to play a file from (the loopback proxy in the app). */
    @FunctionalInterface
    public interface Source {
        URI urlFor(DriveFile file) throws Exception;
    }

    private final AudioEngine engine;
    private final Source source;
    private final Supplier<List<DriveFile>> context;
    /** The queue in the user's order. */
    private final ObservableList<DriveFile> queue = FXCollections.observableArrayList();
    /** The queue in playing order: the queue itself, or its shuffled order. */
    private final ObservableList<DriveFile> order = FXCollections.observableArrayList();
    private final ObservableList<DriveFile> orderView = FXCollections.unmodifiableObservableList(order);
    private final BooleanProperty shuffle = new SimpleBooleanProperty(this, "shuffle");
    private final ObjectProperty<Repeat> repeat = new SimpleObjectProperty<>(this, "repeat", Repeat.OFF);
    private final BooleanProperty muted = new SimpleBooleanProperty(this, "muted");
    private final ReadOnlyObjectWrapper<Waveform> waveform = new ReadOnlyObjectWrapper<>(this, "waveform");
    private final Random random;
    private Function<DriveFile, CompletableFuture<Waveform>> waveformLoader;
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

    /** {@code context}: the audio files shown, which become the queue when the user plays one of them. */
    public PlayerModel(AudioEngine engine, Source source, Supplier<List<DriveFile>> context) {
        this(engine, source, context, new Random());
    }

    /** With a given random source (tests seed it). */
    public PlayerModel(AudioEngine engine, Source source, Supplier<List<DriveFile>> context, Random random) {
        this.engine = engine;
        this.source = source;
        this.context = context;
        this.random = random;
        volume.addListener((o, a, v) -> applyVolume());
        muted.addListener((o, a, v) -> applyVolume());
        shuffle.addListener((o, a, on) -> {
            // The current track stays current; a new cycle starts from it.
            rebuildOrder(current.get());
        });
    }

    /** Loads the waveform of a file whose media names one; the future completes on the ui thread. */
    public void setWaveformLoader(Function<DriveFile, CompletableFuture<Waveform>> loader) {
        this.waveformLoader = loader;
    }

    private void applyVolume() {
        if (track != null) {
            track.volume(effectiveVolume());
        }
    }

    private double effectiveVolume() {
        return muted.get() ? 0 : volume.get();
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

    public BooleanProperty mutedProperty() {
        return muted;
    }

    public BooleanProperty shuffleProperty() {
        return shuffle;
    }

    public ObjectProperty<Repeat> repeatProperty() {
        return repeat;
    }

    /** The peaks of the current track (from the server), or null: the view then shows a plain bar. */
    public ReadOnlyObjectProperty<Waveform> waveformProperty() {
        return waveform.getReadOnlyProperty();
    }

    /** The queue in playing order (shuffled when shuffle is on); the view lists it. */
    public ObservableList<DriveFile> queue() {
        return orderView;
    }

    public boolean hasNext() {
        int i = indexOfCurrent();
        return i >= 0 && (i < order.size() - 1 || repeat.get() == Repeat.ALL);
    }

    public boolean hasPrevious() {
        int i = indexOfCurrent();
        return i > 0 || (i == 0 && repeat.get() == Repeat.ALL && order.size() > 1);
    }

    /**
     * Plays a file chosen by the user: a file of the queue is jumped to; any other file makes the files shown the
     * queue (or, when it is not among them, itself alone).
     */
    public void play(DriveFile file) {
        if (indexOf(order, file) < 0) {
            List<DriveFile> shown = context.get();
            replaceQueue(indexOf(shown, file) >= 0 ? shown : List.of(file), file);
        }
        skipped.clear();
        problem.set("");
        start(file);
    }

    /** Makes {@code tracks} the queue (an album, an artist) and plays it: from a random track when shuffled. */
    public void playAll(List<DriveFile> tracks) {
        if (tracks.isEmpty()) {
            return;
        }
        DriveFile first = shuffle.get() ? tracks.get(random.nextInt(tracks.size())) : tracks.get(0);
        replaceQueue(tracks, first);
        skipped.clear();
        problem.set("");
        start(first);
    }

    /** Puts a file right after the current track (moving it there when it is queued already). */
    public void playNext(DriveFile file) {
        DriveFile cur = current.get();
        if (file.sameFile(cur)) {
            return;
        }
        removeFromLists(file);
        int q = cur == null ? -1 : indexOf(queue, cur);
        queue.add(q + 1, file);
        int o = cur == null ? -1 : indexOf(order, cur);
        order.add(o + 1, file);
    }

    /** Adds a file at the end of the queue; false when it is queued already. */
    public boolean addToQueue(DriveFile file) {
        if (indexOf(queue, file) >= 0) {
            return false;
        }
        queue.add(file);
        order.add(file);
        return true;
    }

    /**
     * Takes a file out of the queue. Removing the current track goes on with the next one when it was playing, else
     * stops.
     */
    public void remove(DriveFile file) {
        if (indexOf(queue, file) < 0) {
            return;
        }
        boolean isCurrent = file.sameFile(current.get());
        boolean wasPlaying = status.get() == Status.PLAYING || status.get() == Status.LOADING;
        int i = indexOf(order, file);
        removeFromLists(file);
        if (!isCurrent) {
            return;
        }
        if (wasPlaying && !order.isEmpty() && (i < order.size() || repeat.get() == Repeat.ALL)) {
            skipped.clear();
            start(order.get(i < order.size() ? i : 0));
        } else {
            stopTrack();
        }
    }

    /** The track moved forward or back by {@code seconds} (the seek keys), within the track. */
    public void seekBy(double seconds) {
        if (track == null || status.get() == Status.LOADING) {
            return;
        }
        double to = position.get() + seconds;
        double total = duration.get();
        if (Double.isFinite(total) && total > 0) {
            to = Math.min(to, Math.max(0, total - 0.5));
        }
        seek(Math.max(0, to));
    }

    /** The volume changed by {@code delta} (the volume keys), within 0-1; unmutes. */
    public void changeVolume(double delta) {
        muted.set(false);
        volume.set(Math.max(0, Math.min(1, Math.round((volume.get() + delta) * 100) / 100.0)));
    }

    public void toggleMute() {
        muted.set(!muted.get());
    }

    private void replaceQueue(List<DriveFile> tracks, DriveFile anchor) {
        queue.setAll(tracks);
        rebuildOrder(anchor);
    }

    /** The playing order: the queue, or a shuffled order starting at {@code anchor} (when given). */
    private void rebuildOrder(DriveFile anchor) {
        if (!shuffle.get()) {
            order.setAll(queue);
            return;
        }
        List<DriveFile> rest = new ArrayList<>(queue);
        int a = anchor == null ? -1 : indexOf(rest, anchor);
        DriveFile first = a >= 0 ? rest.remove(a) : null;
        Collections.shuffle(rest, random);
        if (first != null) {
            rest.add(0, first);
        }
        order.setAll(rest);
    }

    /** A new shuffled cycle (repeat all); the track just played does not come first again when there are others. */
    private void reshuffle(DriveFile last) {
        List<DriveFile> next = new ArrayList<>(queue);
        Collections.shuffle(next, random);
        if (next.size() > 1 && next.get(0).sameFile(last)) {
            Collections.swap(next, 0, 1 + random.nextInt(next.size() - 1));
        }
        order.setAll(next);
    }

    private void removeFromLists(DriveFile file) {
        int q = indexOf(queue, file);
        if (q >= 0) {
            queue.remove(q);
        }
        int o = indexOf(order, file);
        if (o >= 0) {
            order.remove(o);
        }
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
        track.volume(effectiveVolume());
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
        waveform.set(null);
        if (m != null && m.waveformUrl() != null && !m.waveformUrl().isBlank() && waveformLoader != null) {
            waveformLoader.apply(file).thenAccept(w -> {
                if (file.sameFile(current.get())) {
                    waveform.set(w);
                }
            });
        }
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
        DriveFile next = advanceFrom(file);
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
        if (cur != null && repeat.get() == Repeat.ONE) {
            track.pause();
            track.seek(0);
            position.set(0);
            track.play();
            return;
        }
        DriveFile next = cur == null ? null : advanceFrom(cur);
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

    /**
     * The track after {@code file} in playing order; after the last one, with repeat all, the first (of a new
     * shuffled cycle when shuffled); else null.
     */
    private DriveFile advanceFrom(DriveFile file) {
        int i = indexOf(order, file);
        if (i < 0) {
            return null;
        }
        if (i < order.size() - 1) {
            return order.get(i + 1);
        }
        if (repeat.get() != Repeat.ALL) {
            return null;
        }
        if (shuffle.get()) {
            reshuffle(file);
        }
        return order.get(0);
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
                if (cur != null && indexOf(order, cur) >= 0) {
                    play(cur);
                } else if (!order.isEmpty()) {
                    play(order.get(0));
                } else {
                    List<DriveFile> shown = context.get();
                    if (!shown.isEmpty()) {
                        replaceQueue(shown, shuffle.get() ? null : shown.get(0));
                        play(order.get(0));
                    }
                }
            }
        }
    }

    public boolean next() {
        DriveFile cur = current.get();
        if (!hasNext()) {
            return false;
        }
        DriveFile n = advanceFrom(cur);
        if (n == null) {
            return false;
        }
        play(n);
        return true;
    }

    public boolean previous() {
        if (!hasPrevious()) {
            return false;
        }
        int i = indexOfCurrent();
        play(order.get(i > 0 ? i - 1 : order.size() - 1));
        return true;
    }

    public void seek(double seconds) {
        if (track != null) {
            double s = Math.max(0, seconds);
            if (status.get() == Status.ENDED) {
                // Stopped at the end: paused first, so that the engine can seek now rather than on the next play.
                track.pause();
                status.set(Status.PAUSED);
            }
            track.seek(s);
            position.set(s);
        }
    }

    /** Reads the position from the engine (the view polls it a few times a second). */
    public void tick() {
        if (track != null && (status.get() == Status.PLAYING || status.get() == Status.PAUSED)) {
            position.set(track.position());
        }
    }

    /** Stops, forgets the current track and empties the queue (log out). */
    public void stop() {
        stopTrack();
        queue.clear();
        order.clear();
    }

    private void stopTrack() {
        release();
        current.set(null);
        status.set(Status.IDLE);
        position.set(0);
        duration.set(Double.NaN);
        title.set("Nothing playing");
        subtitle.set("");
        coverUrl.set(null);
        waveform.set(null);
    }

    /** A file that left the library (trash) leaves the queue; playing it stops. */
    public void forget(DriveFile file) {
        removeFromLists(file);
        if (file.sameFile(current.get())) {
            stopTrack();
        }
    }

    /**
     * A file changed (renamed here or by another client, new tags): its queue entry shows the new state at once, and
     * when it is the current track, so do the title and subtitle, without touching playback.
     */
    public void updated(DriveFile file) {
        int q = indexOf(queue, file);
        if (q >= 0 && !queue.get(q).equals(file)) {
            queue.set(q, file);
        }
        int o = indexOf(order, file);
        if (o >= 0 && !order.get(o).equals(file)) {
            order.set(o, file);
        }
        DriveFile cur = current.get();
        if (file.sameFile(cur) && !file.equals(cur)) {
            current.set(file);
            MediaInfo m = file.media();
            title.set(file.displayTitle());
            subtitle.set(join(m == null ? null : m.artist(), m == null ? null : m.album()));
        }
    }

    /**
     * Keeps the queue and the current track up to date with the library's list: a file put in it (a rename answered
     * by the server, a change synced from another client) replaces its queued copy. Cheap when nothing is queued.
     */
    public void follow(ObservableList<DriveFile> library) {
        library.addListener((javafx.collections.ListChangeListener<DriveFile>) c -> {
            if (queue.isEmpty() && current.get() == null) {
                return;
            }
            Set<String> queued = new HashSet<>();
            queue.forEach(f -> queued.add(f.id()));
            if (current.get() != null) {
                queued.add(current.get().id());
            }
            while (c.next()) {
                if (c.wasAdded()) {
                    for (DriveFile f : c.getAddedSubList()) {
                        if (queued.contains(f.id())) {
                            updated(f);
                        }
                    }
                }
            }
        });
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
        return cur == null ? -1 : indexOf(order, cur);
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
