package com.audmg.drive.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SegmentScanTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static FileRecord record(int i) {
        String id = "0" + Long.toString(1_000_000_000L + i, 36) + "abcdefghijkl";
        FileRecord.Version v = new FileRecord.Version("v" + i, 2, "o" + i, 100 + i, "audio/mpeg", T.plusSeconds(i));
        FileRecord.Version older = new FileRecord.Version("w" + i, 1, "p" + i, 90 + i, "audio/mpeg", T);
        FileRecord ready = new FileRecord(id, "song \"" + i + "\" {x}.mp3", "audio/mpeg", "audio", 100 + i, T.plusSeconds(i),
                T.plusSeconds(i), FileRecord.READY, 2, null, List.of(v, older), null);
        return i % 3 == 0 ? ready.withStatus(FileRecord.TRASHED, T.plusSeconds(1000 + i)) : ready;
    }

    private static byte[] segment(List<ObjectNode> records) {
        ObjectNode doc = Json.object();
        doc.put("before", "ignored");
        ArrayNode files = doc.putArray("files");
        records.forEach(files::add);
        doc.putObject("after").putArray("nested").add(1);
        return Json.write(doc).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void find_shouldReturnExactlyTheWantedRecord_asAFullParseWould() throws IOException {
        List<FileRecord> records = new ArrayList<>();
        List<ObjectNode> json = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(record(i));
            json.add(records.get(i).toJson());
        }
        byte[] bytes = segment(json);
        for (FileRecord wanted : records) {
            JsonNode found = SegmentScan.find(bytes, wanted.id()).orElseThrow();
            // As parsed from its text (a record built in memory holds longs where parsed text holds ints).
            assertEquals(Json.MAPPER.readTree(Json.write(wanted.toJson())), found);
            assertEquals(wanted, FileRecord.fromJson(found));
        }
        assertTrue(SegmentScan.find(bytes, "0zzzzzzzzzzzzzzzzzzz").isEmpty());
    }

    @Test
    void find_shouldFindRecordsNotWrittenIdFirst() throws IOException {
        FileRecord a = record(1);
        FileRecord b = record(2);
        ObjectNode reordered = Json.object();
        reordered.put("name", b.name());
        reordered.setAll(b.toJson());
        byte[] bytes = segment(List.of(a.toJson(), reordered));
        assertEquals(b, FileRecord.fromJson(SegmentScan.find(bytes, b.id()).orElseThrow()));
        assertEquals(a, FileRecord.fromJson(SegmentScan.find(bytes, a.id()).orElseThrow()));
    }

    @Test
    void find_shouldRefuseATruncatedSegment() {
        byte[] whole = segment(List.of(record(1).toJson(), record(2).toJson()));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThrows(IOException.class, () -> SegmentScan.find(cut, record(2).id()));
    }

    @Test
    void number_shouldReadOneEntryOfALocator_andNothingElse() throws IOException {
        byte[] locator = "{\"abc\":1735689600000,\"abd\":{\"nested\":1},\"abe\":17}".getBytes(StandardCharsets.UTF_8);
        assertEquals(1735689600000L, SegmentScan.number(locator, "abc").getAsLong());
        assertEquals(17L, SegmentScan.number(locator, "abe").getAsLong());
        assertTrue(SegmentScan.number(locator, "abd").isEmpty());
        assertTrue(SegmentScan.number(locator, "zzz").isEmpty());
        assertTrue(SegmentScan.number("{}".getBytes(StandardCharsets.UTF_8), "abc").isEmpty());
        assertThrows(IOException.class, () -> SegmentScan.number("{\"abc\":".getBytes(StandardCharsets.UTF_8), "zzz"));
    }
}
