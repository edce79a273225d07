package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.audmg.drive.desktop.api.DriveFile;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {

    private static DriveFile f(String id) {
        return new DriveFile(id, id + ".png", "image/png", "image", 1, Instant.EPOCH, "ready");
    }

    private final List<DriveFile> shown = List.of(f("a"), f("b"), f("c"), f("d"), f("e"));
    private final Selection selection = new Selection();

    private List<String> selected() {
        return selection.files(shown).stream().map(DriveFile::id).toList();
    }

    @Test
    void clicks_shouldSelectOneToggleAndExtendRanges() {
        selection.click(shown.get(1), false, false, shown);
        assertEquals(List.of("b"), selected());
        selection.click(shown.get(3), false, true, shown); // Shift: b..d
        assertEquals(List.of("b", "c", "d"), selected());
        selection.click(shown.get(2), true, false, shown); // Ctrl: c off, anchor c
        assertEquals(List.of("b", "d"), selected());
        selection.click(shown.get(4), true, true, shown); // Ctrl+Shift: adds c..e
        assertEquals(List.of("b", "c", "d", "e"), selected());
        selection.click(shown.get(0), false, true, shown); // Shift from anchor c: a..c only
        assertEquals(List.of("a", "b", "c"), selected());
        assertEquals("a", selection.leadProperty().get().id());
    }

    @Test
    void selectAllRetainAndRename_shouldKeepIds() {
        selection.selectAll(shown);
        assertEquals(5, selected().size());
        selection.retain(List.of(shown.get(0), shown.get(4)));
        assertEquals(List.of("a", "e"), selected());
        List<DriveFile> renamed = List.of(shown.get(0).withName("z.png"), shown.get(4));
        assertEquals(List.of("z.png", "e.png"), selection.files(renamed).stream().map(DriveFile::name).toList());
        selection.clear();
        assertEquals(List.of(), selected());
    }
}
