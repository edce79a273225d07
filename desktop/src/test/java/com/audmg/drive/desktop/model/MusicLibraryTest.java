package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.MediaInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MusicLibraryTest {

    private static DriveFile track(String id, String title, String artist, String album, Integer number) {
        MediaInfo m = new MediaInfo(null, null, null, null, null, 1000L, title, artist, album, number, null, "mp3",
                44100, 2, null, null, null, null);
        return new DriveFile(id, id + ".mp3", "audio/mpeg", "audio", 1, Instant.EPOCH, "ready", null, null, 1, "done",
                null, m);
    }

    private static DriveFile untagged(String id) {
        return new DriveFile(id, id + ".wav", "audio/wav", "audio", 1, Instant.EPOCH, "ready", null, null, 1,
                "pending", null, null);
    }

    private static List<String> ids(List<DriveFile> files) {
        return files.stream().map(DriveFile::id).toList();
    }

    private final DriveFile b2 = track("b2", "Second", "The Band", "Blue", 2);
    private final DriveFile b1 = track("b1", "First", "the band ", "blue", 1);
    private final DriveFile b10 = track("b10", "Tenth", "The Band", "Blue", 10);
    private final DriveFile bx = track("bx", "Bonus", "The Band", "Blue", null);
    private final DriveFile a1 = track("a1", "Alpha", "Zed", "Amber", 1);
    private final DriveFile c1 = track("c1", "Guest", "Someone", "Amber", 2);
    private final DriveFile loose = track("loose", "Single", "Zed", null, null);
    private final DriveFile raw = untagged("raw");
    private final DriveFile photo = new DriveFile("p", "p.jpg", "image/jpeg", "image", 1, Instant.EPOCH, "ready");
    private final List<DriveFile> files = List.of(raw, b2, photo, loose, b10, a1, bx, b1, c1);

    @Test
    void albums_shouldGroupByAlbumTag_inTrackOrder_withUntaggedUnderUnknownLast() {
        List<MusicLibrary.Album> albums = MusicLibrary.albums(files);
        assertEquals(List.of("Amber", "Blue", "Unknown album"), albums.stream().map(MusicLibrary.Album::title)
                .toList());
        // "blue" and "Blue": one album; 1, 2, 10 (numbers, not text), the untagged number last
        assertEquals(List.of("b1", "b2", "b10", "bx"), ids(albums.get(1).tracks()));
        assertEquals("The Band", albums.get(1).artist()); // as most of its tracks spell it
        assertEquals("Various artists", albums.get(0).artist());
        assertEquals(List.of("a1", "c1"), ids(albums.get(0).tracks()));
        // no album tag (or no tags at all): Unknown album; images are no music
        assertEquals(List.of("raw", "loose"), ids(albums.get(2).tracks())); // "raw.wav", "Single"
    }

    @Test
    void artists_shouldGroupByArtistTag_albumByAlbum_withUntaggedUnderUnknownLast() {
        List<MusicLibrary.Artist> artists = MusicLibrary.artists(files);
        assertEquals(List.of("Someone", "The Band", "Zed", "Unknown artist"),
                artists.stream().map(MusicLibrary.Artist::name).toList());
        assertEquals(List.of("b1", "b2", "b10", "bx"), ids(artists.get(1).tracks()));
        assertEquals(1, artists.get(1).albums());
        // Zed: the album's track first, the single without an album after it
        assertEquals(List.of("a1", "loose"), ids(artists.get(2).tracks()));
        assertEquals(List.of("raw"), ids(artists.get(3).tracks()));
        assertEquals(0, artists.get(3).albums());
    }
}
