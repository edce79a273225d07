package com.audmg.drive.files;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How long things live: uploads in flight, trashed files and older versions. One place for the
 * rules the service applies on change and the sweeper applies over time.
 */
public final class FileLifecycle {

    /** A trashed file is deleted for good this long after it was trashed. */
    public static final Duration TRASH_KEPT = Duration.ofDays(30);
    /** Older versions are kept while they are among the newest {@value #VERSIONS_KEPT}, or this young. */
    public static final Duration VERSIONS_KEPT_FOR = Duration.ofDays(30);
    public static final int VERSIONS_KEPT = 10;
    /** Whatever their age, at most this many versions are kept (the oldest go first). */
    public static final int MAX_VERSIONS = 100;
    /** An upload may be completed until its URL expired and this much longer. */
    public static final Duration COMPLETE_GRACE = Duration.ofMinutes(50);
    /** An upload never completed is removed (record and bytes) once its URL expired and this passed. */
    public static final Duration ABANDON_AFTER = Duration.ofHours(1);
    /**
     * Bytes released while their upload URL may still write are deleted once the URL expired and
     * this passed, which is longer than any request runs; until then the object's existence is
     * what stops the URL (it may only create, If-None-Match).
     */
    public static final Duration URL_SETTLE = Duration.ofMinutes(2);

    private final Duration urlTtl;

    public FileLifecycle(Duration urlTtl) {
        this.urlTtl = urlTtl;
    }

    public Duration urlTtl() {
        return urlTtl;
    }

    public boolean canComplete(FileRecord.Upload upload, Instant now) {
        return !now.isAfter(upload.createdAt().plus(urlTtl).plus(COMPLETE_GRACE));
    }

    public boolean isAbandoned(FileRecord.Upload upload, Instant now) {
        return now.isAfter(upload.createdAt().plus(urlTtl).plus(ABANDON_AFTER));
    }

    public boolean trashExpired(FileRecord file, Instant now) {
        return file.isTrashed() && file.trashedAt() != null && !now.isBefore(file.trashedAt().plus(TRASH_KEPT));
    }

    /** When an upload URL made at {@code created} can no longer write (plus a margin). */
    public Instant urlDead(Instant created) {
        return created.plus(urlTtl).plus(URL_SETTLE);
    }

    /** The versions to keep of these (newest first): the newest ten, those younger than 30 days, at most 100. */
    public List<FileRecord.Version> keep(List<FileRecord.Version> versions, Instant now) {
        List<FileRecord.Version> kept = new ArrayList<>();
        for (int i = 0; i < versions.size() && kept.size() < MAX_VERSIONS; i++) {
            FileRecord.Version v = versions.get(i);
            if (i < VERSIONS_KEPT || now.isBefore(v.createdAt().plus(VERSIONS_KEPT_FOR))) {
                kept.add(v);
            }
        }
        return kept;
    }

    /** When the sweeper next has something to do for this file, or null. */
    public Instant nextDue(FileRecord file) {
        if (file == null) {
            return null;
        }
        Instant due = null;
        if (file.upload() != null) {
            due = file.upload().createdAt().plus(urlTtl).plus(ABANDON_AFTER);
        }
        if (file.isTrashed() && file.trashedAt() != null) {
            due = earliest(due, file.trashedAt().plus(TRASH_KEPT));
        }
        List<FileRecord.Version> versions = file.versions();
        for (int i = VERSIONS_KEPT; i < versions.size(); i++) {
            due = earliest(due, versions.get(i).createdAt().plus(VERSIONS_KEPT_FOR));
        }
        return due;
    }

    static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
