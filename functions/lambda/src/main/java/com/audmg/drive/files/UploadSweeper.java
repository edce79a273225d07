package com.audmg.drive.files;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * Removes every user's abandoned uploads (record and bytes). A user's own later create does
 * the same for that user; this covers users who never upload again. Safe beside live
 * requests: complete refuses a record long before it counts as abandoned.
 */
public final class UploadSweeper {

    /** How far a run got: records looked at, records removed, and whether it reached the end. */
    public record Result(int scanned, int removed, boolean finished) {
    }

    private final PendingUploads pending;
    private final FileIndex index;
    private final Clock clock;

    public UploadSweeper(PendingUploads pending, FileIndex index, Clock clock) {
        this.pending = pending;
        this.index = index;
        this.clock = clock;
    }

    /** Sweeps until done or until the budget is spent (the next run carries on). */
    public Result sweep(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Instant now = clock.instant();
        int scanned = 0;
        int removed = 0;
        String user = null;
        Set<String> readyIds = Set.of();
        Iterator<PendingUploads.Listed> records = pending.listAll().iterator();
        while (records.hasNext()) {
            if (System.nanoTime() > deadline) {
                return new Result(scanned, removed, false);
            }
            PendingUploads.Listed record = records.next();
            scanned++;
            if (!pending.isAbandoned(record.writtenAt(), now)) {
                continue;
            }
            if (!record.userId().equals(user)) {
                // Keys are listed in order, so each user's records come together: one index read each.
                user = record.userId();
                readyIds = FileIndex.readyIds(index.read(user));
            }
            if (pending.removeIfAbandoned(record, readyIds, now)) {
                removed++;
            }
        }
        return new Result(scanned, removed, true);
    }
}
