package com.audmg.drive.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FileRecordTest {

    @Test
    void sortKey_shouldBeThirteenZeroPaddedDigitsOfTheInvertedTime_thenTheId() {
        Random random = new Random(7);
        List<Instant> times = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochMilli(1),
                Instant.parse("2001-09-09T01:46:40Z"), Instant.parse("2026-11-28T12:00:00.123Z"),
                Instant.ofEpochMilli(9_999_999_999_998L)));
        for (int i = 0; i < 1000; i++) {
            times.add(Instant.ofEpochMilli((long) (random.nextDouble() * 9_000_000_000_000L)));
        }
        for (Instant t : times) {
            String expected = String.format(Locale.ROOT, "%013d", 9_999_999_999_999L - t.toEpochMilli()) + "abc";
            assertEquals(expected, FileRecord.sortKey(t, "abc"));
        }
    }

    @Test
    void sortedBySortKey_shouldPutNewestFirst_tiesByIdAscending() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        FileRecord.Upload u = new FileRecord.Upload("o", 1, "image/png", t);
        FileRecord older = FileRecord.pending("bbbbbbbbbbbbbbbbbbbbbbbbbb", "a.png", "image/png", u);
        FileRecord newer = FileRecord.pending("aaaaaaaaaaaaaaaaaaaaaaaaaa", "b.png", "image/png",
                new FileRecord.Upload("o", 1, "image/png", t.plusMillis(1)));
        FileRecord tie = FileRecord.pending("cccccccccccccccccccccccccc", "c.png", "image/png", u);
        assertEquals(List.of(newer, older, tie), LibraryStore.sortedBySortKey(List.of(tie, older, newer)));
    }
}
