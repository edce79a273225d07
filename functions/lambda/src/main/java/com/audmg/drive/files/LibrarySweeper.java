package com.audmg.drive.files;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;

/**
 * The scheduled clean-up of every library: deletes objects whose markers are due (released bytes
 * once their upload URL is dead, replaced segments), removes abandoned uploads, trash past 30 days
 * and versions past their keeping, and trims change-log chunks older than the feed keeps. Works
 * within a time budget; what is left is done by the next run (every step is idempotent).
 */
public final class LibrarySweeper {

    /** Change-log chunks are kept this long: a change-feed cursor stays valid at least so long. */
    public static final Duration LOG_KEPT = Duration.ofDays(8);

    public record Result(int markers, int libraries, int uploadsRemoved, int trashPurged, int versionsPurged,
                         boolean finished) {
    }

    private final FileService files;
    private final LibraryStore store;
    private final ObjectReleaser releaser;
    private final JsonObjectStore data;
    private final Clock clock;
    private final AccountPurger purger;

    public LibrarySweeper(FileService files, LibraryStore store, ObjectReleaser releaser, JsonObjectStore data,
                          AccountPurger purger, Clock clock) {
        this.purger = purger;
        this.files = files;
        this.store = store;
        this.releaser = releaser;
        this.data = data;
        this.clock = clock;
    }

    /**
     * Migrates one previous-release library (a request handed it here: too large to migrate within a
     * request); nothing when it is migrated already. Returns how many files the library holds.
     */
    public long migrate(String userId) {
        return store.open(userId).usage().files();
    }

    public Result sweep(Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        int markers = 0;
        Iterator<JsonObjectStore.Entry> due = data.listAll(Keys.GC_PREFIX).iterator();
        while (due.hasNext()) {
            JsonObjectStore.Entry entry = due.next();
            Optional<Keys.GcMarker> marker = Keys.parseGcMarker(entry.key());
            if (marker.isPresent() && marker.get().dueEpochSecond() > clock.instant().getEpochSecond()) {
                break; // markers sort by due time
            }
            if (!clock.instant().isBefore(deadline)) {
                return new Result(markers, 0, 0, 0, 0, false);
            }
            marker.ifPresent(this::collect);
            data.delete(entry.key());
            markers++;
        }
        // Deleted accounts first: their data goes, and their libraries are not swept for nothing.
        Set<String> purging = new LinkedHashSet<>(purger.pending());
        for (String userId : purging) {
            if (!purger.purge(userId, clock::instant, deadline)) {
                return new Result(markers, 0, 0, 0, 0, false);
            }
        }
        int libraries = 0;
        int[] counts = new int[3];
        for (String userId : (Iterable<String>) store.userIds()::iterator) {
            if (purging.contains(userId)) {
                continue;
            }
            if (!clock.instant().isBefore(deadline)) {
                return new Result(markers, libraries, counts[0], counts[1], counts[2], false);
            }
            FileService.SweepResult swept = files.sweepLibrary(userId);
            counts[0] += swept.abandonedUploads();
            counts[1] += swept.trashPurged();
            counts[2] += swept.versionsPurged();
            trimLog(userId);
            libraries++;
        }
        return new Result(markers, libraries, counts[0], counts[1], counts[2], true);
    }

    /** Deletes what a due marker names; a media object only if its file no longer references it. */
    private void collect(Keys.GcMarker marker) {
        if (marker.bucket() == 'd') {
            data.delete(marker.target());
            return;
        }
        String[] parts = marker.target().split("/");
        if (parts.length != 3 || !Keys.isId(parts[0]) || !Keys.isId(parts[1]) || !Keys.isId(parts[2])) {
            return;
        }
        boolean referenced = store.open(parts[0]).find(parts[1]).map(f -> f.objectIds().contains(parts[2]))
                .orElse(false);
        if (referenced) {
            StructuredLog.warn("gc marker for object " + parts[2] + " of file " + parts[1] + " ignored: still referenced");
        } else {
            releaser.deleteObject(parts[0], parts[2]);
        }
    }

    /** Deletes change-log chunks older than {@link #LOG_KEPT} and raises the feed's floor to match. */
    private void trimLog(String userId) {
        Instant cutoff = clock.instant().minus(LOG_KEPT);
        List<JsonObjectStore.Entry> oldest = data.list(Keys.libraryLogPrefix(userId), 1);
        if (oldest.isEmpty() || oldest.get(0).lastModified().isAfter(cutoff)) {
            return;
        }
        long floor = -1;
        for (JsonObjectStore.Entry chunk : (Iterable<JsonObjectStore.Entry>) data.listAll(Keys.libraryLogPrefix(userId))::iterator) {
            if (chunk.lastModified().isAfter(cutoff)) {
                break;
            }
            floor = Keys.libraryLogSeq(chunk.key());
        }
        if (floor < 0) {
            return;
        }
        // Floor first: a cursor below it is refused before its chunk can be missing.
        store.setLogFloor(userId, floor);
        for (JsonObjectStore.Entry chunk : (Iterable<JsonObjectStore.Entry>) data.listAll(Keys.libraryLogPrefix(userId))::iterator) {
            if (Keys.libraryLogSeq(chunk.key()) > floor) {
                break;
            }
            data.delete(chunk.key());
        }
    }
}
