package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.MediaInfo;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The player's queue and state logic, without JavaFX. The engine here is a recording stand-in for JavaFX Media
 * (which DriveAppUiTest plays for real): it lets a test end a track or fail one on demand.
 */
class PlayerModelTest {

    /** Engine that records calls; tracks are ended or failed by the test. */
    static final class RecordingEngine implements AudioEngine {
        final Set<String> unplayable = new HashSet<>();
        final Map<String, Events> events = new HashMap<>();
        final List<String> log = new ArrayList<>();
        double position;

        @Override
        public Track open(URI url, Events e) throws Exception {
            String name = url.getPath().substring(1);
            log.add("open " + name);
            if (unplayable.contains(name)) {
                throw new IllegalStateException("MediaException: UNKNOWN : com.sun.media.jfxmedia.MediaException");
            }
            events.put(name, e);
            return new Track() {
                @Override
                public void play() {
                    log.add("play " + name);
                }

                @Override
                public void pause() {
                    log.add("pause " + name);
                }

                @Override
                public void seek(double seconds) {
                    log.add("seek " + name + " " + seconds);
                    position = seconds;
                }

                @Override
                public double position() {
                    return position;
                }

                @Override
                public void volume(double v) {
                }

                @Override
                public void dispose() {
                    log.add("dispose " + name);
                }
            };
        }
    }

    private static DriveFile audio(String name, MediaInfo media) {
        return new DriveFile(name, name + ".mp3", "audio/mpeg", "audio", 1000, Instant.EPOCH, "ready", null, null, 1,
                "done", null, media);
    }

    private static MediaInfo tags(String title, String artist, String album, long durationMs, String cover) {
        return new MediaInfo(null, null, null, null, null, durationMs, title, artist, album, 1, 2020, "mp3", 44100, 2,
                128000, cover, null, null);
    }

    private final RecordingEngine engine = new RecordingEngine();
    private final DriveFile a = audio("a", tags("Intro", "The Band", "First", 300_000, "http://cover/a"));
    private final DriveFile b = audio("b", null);
    private final DriveFile c = audio("c", null);
    private final List<DriveFile> queue = new ArrayList<>(List.of(a, b, c));
    private final PlayerModel player = new PlayerModel(engine, f -> URI.create("http://x/" + f.id()), () -> queue);

    @Test
    void aRenameInTheLibrary_shouldShowInTheQueueAndTheNowPlayingTitleAtOnce_withoutRestartingTheTrack() {
        javafx.collections.ObservableList<DriveFile> library =
                javafx.collections.FXCollections.observableArrayList(a, b, c);
        player.follow(library);
        player.play(b);
        engine.events.get("b").ready(120);
        int opened = engine.log.size();
        // WHEN the playing file and a queued one are renamed (the server's answers replace them in the library)
        DriveFile renamedB = b.withName("Renamed b.mp3");
        DriveFile renamedC = c.withName("Renamed c.mp3");
        library.set(1, renamedB);
        library.set(2, renamedC);
        // THEN the now-playing title and the queue entries show the new names
        assertEquals("Renamed b.mp3", player.titleProperty().get());
        assertEquals(renamedB, player.currentProperty().get());
        assertEquals(List.of("a.mp3", "Renamed b.mp3", "Renamed c.mp3"),
                player.queue().stream().map(DriveFile::name).toList());
        // AND the track went on playing: nothing was opened, paused or disposed
        assertEquals(opened, engine.log.size(), engine.log.toString());
        assertEquals(PlayerModel.Status.PLAYING, player.statusProperty().get());
        // AND the next track is the renamed one
        engine.events.get("b").ended();
        assertEquals(renamedC, player.currentProperty().get());
        assertEquals("Renamed c.mp3", player.titleProperty().get());
    }

    @Test
    void play_shouldShowTheTagsBeforeTheTrackIsReady() {
        player.play(a);
        assertEquals(PlayerModel.Status.LOADING, player.statusProperty().get());
        assertEquals("Intro", player.titleProperty().get());
        assertEquals("The Band · First", player.subtitleProperty().get());
        assertEquals("http://cover/a", player.coverUrlProperty().get());
        assertEquals(300.0, player.durationProperty().get(), 0.001);
        engine.events.get("a").ready(299.5);
        assertEquals(PlayerModel.Status.PLAYING, player.statusProperty().get());
        assertEquals(299.5, player.durationProperty().get(), 0.001);
        // a file without tags shows its name
        player.play(b);
        assertEquals("b.mp3", player.titleProperty().get());
        assertEquals("", player.subtitleProperty().get());
        assertNull(player.coverUrlProperty().get());
        assertTrue(Double.isNaN(player.durationProperty().get()));
    }

    @Test
    void endOfTrack_shouldAdvance_andEndOfQueueShouldStopAtTheStartShowingPlay() {
        player.play(b);
        engine.events.get("b").ready(10);
        engine.events.get("b").ended();
        assertEquals(c, player.currentProperty().get());
        engine.events.get("c").ready(10);
        // WHEN the last track ends
        engine.position = 10;
        engine.events.get("c").ended();
        // THEN the player is at the start of it, not playing, and one toggle replays from 0
        assertEquals(PlayerModel.Status.ENDED, player.statusProperty().get());
        assertEquals(0.0, player.positionProperty().get());
        assertEquals(c, player.currentProperty().get());
        assertFalse(player.hasNext());
        engine.log.clear();
        player.togglePlay();
        assertEquals(PlayerModel.Status.PLAYING, player.statusProperty().get());
        assertEquals(List.of("seek c 0.0", "play c"), engine.log);
        player.togglePlay();
        assertEquals(PlayerModel.Status.PAUSED, player.statusProperty().get());
        // a seek after the end pauses the stopped track first, so that the engine can seek at once
        engine.events.get("c").ended();
        assertEquals(PlayerModel.Status.ENDED, player.statusProperty().get());
        engine.log.clear();
        player.seek(4);
        assertEquals(List.of("pause c", "seek c 4.0"), engine.log);
        assertEquals(PlayerModel.Status.PAUSED, player.statusProperty().get());
        assertEquals(4.0, player.positionProperty().get());
    }

    @Test
    void unplayableTrack_shouldBeSkippedWithAPlainMessage() {
        engine.unplayable.add("b");
        player.play(a);
        engine.events.get("a").ready(10);
        engine.events.get("a").ended();
        // b cannot be opened: c plays, and the message names b without any Java in it
        assertEquals(c, player.currentProperty().get());
        String message = player.problemProperty().get();
        assertEquals("Can't play \"b.mp3\": this computer cannot play its format.", message);
        assertFalse(message.contains("Exception"));
        // a track failing after it opened (a decoder error at READY time) is skipped the same way
        player.play(b);
        assertEquals(c, player.currentProperty().get());
        engine.events.get("c").failed("MEDIA_UNSUPPORTED");
        assertEquals(PlayerModel.Status.IDLE, player.statusProperty().get());
        assertEquals(c, player.currentProperty().get());
        assertTrue(player.problemProperty().get().startsWith("Can't play \"c.mp3\""));
    }

    @Test
    void nextPreviousAndForget_shouldFollowTheQueue() {
        player.togglePlay(); // nothing loaded: the first of the queue
        assertEquals(a, player.currentProperty().get());
        assertFalse(player.hasPrevious());
        assertTrue(player.next());
        assertEquals(b, player.currentProperty().get());
        assertTrue(player.previous());
        assertEquals(a, player.currentProperty().get());
        // a track renamed meanwhile is still the same track
        queue.set(0, a.withName("renamed.mp3"));
        assertTrue(player.hasNext());
        player.forget(a);
        assertNull(player.currentProperty().get());
        assertEquals(PlayerModel.Status.IDLE, player.statusProperty().get());
        assertEquals("Nothing playing", player.titleProperty().get());
        // events of a disposed track change nothing
        engine.events.get("a").ended();
        assertNull(player.currentProperty().get());
    }

    @Test
    void fileStillBeingProcessed_shouldSaySo() {
        DriveFile flac = new DriveFile("f", "song.flac", "audio/flac", "audio", 1000, Instant.EPOCH, "ready", null,
                null, 1, "pending", null, null);
        engine.unplayable.add("f");
        queue.clear();
        queue.add(flac);
        player.play(flac);
        assertEquals("Can't play \"song.flac\" yet: the server is still preparing a playable copy.",
                player.problemProperty().get());
        assertEquals(PlayerModel.Status.IDLE, player.statusProperty().get());
    }

    // ---- queue, shuffle, repeat ----------------------------------------------------------------

    private final DriveFile d = audio("d", null);
    private final DriveFile e = audio("e", null);

    private List<String> ids(List<DriveFile> files) {
        return files.stream().map(DriveFile::id).toList();
    }

    /** Ends the current track (it became ready first) and answers the one playing next, or null. */
    private DriveFile endCurrent(PlayerModel p) {
        DriveFile cur = p.currentProperty().get();
        engine.events.get(cur.id()).ready(10);
        engine.events.get(cur.id()).ended();
        return p.statusProperty().get() == PlayerModel.Status.ENDED ? null : p.currentProperty().get();
    }

    @Test
    void playNextAddToQueueRemoveAndJump_shouldEditTheQueueInPlace() {
        player.play(a); // the files shown become the queue
        assertEquals(List.of("a", "b", "c"), ids(player.queue()));
        // WHEN d is added at the end and e is put next
        assertTrue(player.addToQueue(d));
        assertFalse(player.addToQueue(d)); // once only
        player.playNext(e);
        // THEN e plays after a, d last
        assertEquals(List.of("a", "e", "b", "c", "d"), ids(player.queue()));
        assertEquals(e, endCurrent(player));
        // "play next" of a queued track moves it
        player.playNext(d);
        assertEquals(List.of("a", "e", "d", "b", "c"), ids(player.queue()));
        // removing a track that is not playing leaves the current one alone
        player.remove(b);
        assertEquals(List.of("a", "e", "d", "c"), ids(player.queue()));
        assertEquals(e, player.currentProperty().get());
        // a click on a queued track jumps to it, the queue stays
        player.play(c);
        assertEquals(c, player.currentProperty().get());
        assertEquals(List.of("a", "e", "d", "c"), ids(player.queue()));
        assertTrue(player.hasPrevious());
        assertFalse(player.hasNext());
        // removing the playing track goes on with the next one when there is one, else stops
        player.play(d);
        engine.events.get("d").ready(10);
        player.remove(d);
        assertEquals(c, player.currentProperty().get());
        assertEquals(PlayerModel.Status.LOADING, player.statusProperty().get());
        engine.events.get("c").ready(10);
        player.remove(c);
        assertNull(player.currentProperty().get());
        assertEquals(PlayerModel.Status.IDLE, player.statusProperty().get());
        assertEquals(List.of("a", "e"), ids(player.queue()));
        // playing a file that is not queued makes the files shown the queue again
        player.play(b);
        assertEquals(List.of("a", "b", "c"), ids(player.queue()));
    }

    @Test
    void shuffle_shouldPlayEveryTrackOncePerCycle_startingAtTheCurrentTrack() {
        queue.addAll(List.of(d, e));
        PlayerModel p = new PlayerModel(engine, f -> URI.create("http://x/" + f.id()), () -> queue, new Random(7));
        p.play(c);
        p.shuffleProperty().set(true);
        // the current track stays current and first of the shuffled order
        assertEquals(c, p.currentProperty().get());
        assertEquals(c, p.queue().get(0));
        assertEquals(Set.of("a", "b", "c", "d", "e"), Set.copyOf(ids(p.queue())));
        List<String> played = new ArrayList<>(List.of("c"));
        for (DriveFile next = endCurrent(p); next != null; next = endCurrent(p)) {
            played.add(next.id());
        }
        // every track once, in the shuffled order, then the end of the queue (repeat off)
        assertEquals(ids(p.queue()), played);
        assertEquals(5, Set.copyOf(played).size());
        assertEquals(PlayerModel.Status.ENDED, p.statusProperty().get());
        assertNotEquals(List.of("c", "d", "e", "a", "b"), ids(p.queue()));
        assertNotEquals(List.of("c", "a", "b", "d", "e"), ids(p.queue()));
        // toggling shuffle off keeps the current track and goes back to the queue's order
        String last = played.get(4);
        p.shuffleProperty().set(false);
        assertEquals(last, p.currentProperty().get().id());
        assertEquals(List.of("a", "b", "c", "d", "e"), ids(p.queue()));
    }

    @Test
    void shuffleWithRepeatAll_shouldStartANewCycleWithEveryTrackAgain() {
        queue.addAll(List.of(d, e));
        PlayerModel p = new PlayerModel(engine, f -> URI.create("http://x/" + f.id()), () -> queue, new Random(3));
        p.shuffleProperty().set(true);
        p.repeatProperty().set(PlayerModel.Repeat.ALL);
        p.playAll(List.copyOf(queue));
        List<String> played = new ArrayList<>(List.of(p.currentProperty().get().id()));
        for (int i = 0; i < 14; i++) {
            played.add(endCurrent(p).id());
        }
        // three cycles of five: each holds every track once, and no track plays twice in a row across a cycle
        Set<String> all = Set.of("a", "b", "c", "d", "e");
        assertEquals(all, Set.copyOf(played.subList(0, 5)));
        assertEquals(all, Set.copyOf(played.subList(5, 10)));
        assertEquals(all, Set.copyOf(played.subList(10, 15)));
        for (int i = 1; i < played.size(); i++) {
            assertFalse(played.get(i).equals(played.get(i - 1)), "the same track twice in a row at " + i);
        }
        assertFalse(played.subList(0, 5).equals(played.subList(5, 10)) && played.subList(5, 10)
                .equals(played.subList(10, 15)), "each cycle is shuffled anew");
    }

    @Test
    void repeat_shouldDecideWhatHappensAtTheEndOfTheQueue() {
        // ALL: after the last track, the first
        player.repeatProperty().set(PlayerModel.Repeat.ALL);
        player.play(c);
        assertTrue(player.hasNext());
        assertTrue(player.hasPrevious());
        assertEquals(a, endCurrent(player));
        assertTrue(player.previous()); // from the first back to the last
        assertEquals(c, player.currentProperty().get());
        // ONE: the same track again, from its start, still playing
        player.repeatProperty().set(PlayerModel.Repeat.ONE);
        engine.events.get("c").ready(10);
        engine.log.clear();
        engine.position = 10;
        engine.events.get("c").ended();
        assertEquals(c, player.currentProperty().get());
        assertEquals(PlayerModel.Status.PLAYING, player.statusProperty().get());
        assertEquals(List.of("pause c", "seek c 0.0", "play c"), engine.log);
        assertEquals(0.0, player.positionProperty().get());
        // at the last track, next has nowhere to go: only ALL wraps around
        assertFalse(player.next());
        // OFF: the end of the queue (see endOfTrack_shouldAdvance...)
        player.repeatProperty().set(PlayerModel.Repeat.OFF);
        assertEquals(PlayerModel.Repeat.ALL, PlayerModel.Repeat.OFF.next());
        assertEquals(PlayerModel.Repeat.OFF, PlayerModel.Repeat.ONE.next());
        assertNull(endCurrent(player));
        assertEquals(PlayerModel.Status.ENDED, player.statusProperty().get());
    }

    @Test
    void repeatAll_shouldNotLoopForeverOverUnplayableTracks() {
        engine.unplayable.addAll(Set.of("a", "b", "c"));
        player.repeatProperty().set(PlayerModel.Repeat.ALL);
        player.play(a);
        assertEquals(PlayerModel.Status.IDLE, player.statusProperty().get());
        assertEquals(List.of("open a", "open b", "open c"), engine.log);
    }

    @Test
    void playAll_shouldMakeTheTracksTheQueue() {
        player.playAll(List.of(c, a));
        assertEquals(List.of("c", "a"), ids(player.queue()));
        assertEquals(c, player.currentProperty().get());
        assertEquals(a, endCurrent(player));
        assertNull(endCurrent(player));
    }

    @Test
    void seekVolumeAndMuteKeys_shouldStayWithinTheTrackAndTheRange() {
        player.play(a);
        player.seekBy(5); // still loading: nothing to seek
        assertEquals(0.0, player.positionProperty().get());
        engine.events.get("a").ready(20);
        player.seekBy(5);
        assertEquals(5.0, player.positionProperty().get());
        player.seekBy(-10);
        assertEquals(0.0, player.positionProperty().get());
        engine.position = 18;
        player.tick();
        player.seekBy(5); // not past the end
        assertEquals(19.5, player.positionProperty().get());
        player.volumeProperty().set(0.97);
        player.changeVolume(PlayerModel.VOLUME_STEP);
        assertEquals(1.0, player.volumeProperty().get());
        player.changeVolume(-PlayerModel.VOLUME_STEP);
        assertEquals(0.95, player.volumeProperty().get(), 1e-9);
        player.toggleMute();
        assertTrue(player.mutedProperty().get());
        player.changeVolume(-PlayerModel.VOLUME_STEP); // a volume key unmutes
        assertFalse(player.mutedProperty().get());
        assertEquals(0.9, player.volumeProperty().get(), 1e-9);
    }

    @Test
    void waveform_shouldBeLoadedForTheCurrentTrackOnly() {
        MediaInfo withPeaks = new MediaInfo(null, null, null, null, null, 10_000L, "W", null, null, 1, null, "pcm",
                22050, 1, null, null, "http://storage/waveform.json", null);
        DriveFile w1 = audio("w1", withPeaks);
        DriveFile w2 = audio("w2", withPeaks);
        Map<String, CompletableFuture<com.audmg.drive.desktop.api.Waveform>> loads = new HashMap<>();
        player.setWaveformLoader(f -> loads.computeIfAbsent(f.id(), k -> new CompletableFuture<>()));
        queue.clear();
        queue.addAll(List.of(w1, w2, b));
        player.play(w1);
        player.play(w2);
        var peaks = new com.audmg.drive.desktop.api.Waveform(10_000, new float[] {0.1f, 0.9f});
        loads.get("w1").complete(new com.audmg.drive.desktop.api.Waveform(10_000, new float[] {0.5f}));
        assertNull(player.waveformProperty().get(), "w1's peaks arrive after w2 started: not shown");
        loads.get("w2").complete(peaks);
        assertEquals(peaks, player.waveformProperty().get());
        player.play(b); // no waveformUrl: no peaks, no load
        assertNull(player.waveformProperty().get());
        assertEquals(Set.of("w1", "w2"), loads.keySet());
    }
}
