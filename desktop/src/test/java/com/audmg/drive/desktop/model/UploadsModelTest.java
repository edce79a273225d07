package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.audmg.drive.desktop.api.FileTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsModelTest {

    @TempDir
    Path dir;

    @Test
    void expand_shouldWalkFoldersRecursively_skippingHiddenEntries() throws Exception {
        Path album = Files.createDirectories(dir.resolve("album/disc 2"));
        Files.writeString(dir.resolve("album/01.mp3"), "x");
        Files.writeString(album.resolve("02.flac"), "x");
        Files.writeString(dir.resolve("album/.DS_Store"), "x");
        Files.createDirectories(dir.resolve("album/.thumbs"));
        Files.writeString(dir.resolve("album/.thumbs/t.jpg"), "x");
        Path single = Files.writeString(dir.resolve("cover.JPG"), "x");
        List<Path> files = UploadsModel.expand(List.of(single, dir.resolve("album")));
        assertEquals(List.of(single, dir.resolve("album/01.mp3"), album.resolve("02.flac")), files);
    }

    @Test
    void contentType_shouldIgnoreTheExtensionsCase() {
        assertEquals("image/jpeg", FileTypes.contentTypeOf(Path.of("IMG_0001.JPG")).orElseThrow());
        assertEquals("audio/flac", FileTypes.contentTypeOf(Path.of("Song.FLAC")).orElseThrow());
    }
}
