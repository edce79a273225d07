package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Set;
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
}
