package com.audmg.drive.desktop.library;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.FeedPage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a {@link LibraryStore} exact with the change feed: from the stored cursor, page after page until the server
 * has no more; without a cursor (first sync) or when the server answers 410 {@code cursor_expired}, from scratch
 * into the staging table, swapped in when complete. One sync at a time.
 */
public final class LibrarySync {

    /** Changes asked for per page (the API's maximum is 1,000). */
    static final int PAGE = 1000;
    /** Feed pages fetched from scratch before giving up when each new snapshot expires again at once. */
    private static final int FULL_SYNC_ATTEMPTS = 2;

    /**
     * What a sync changed: either every file (a sync from scratch: reload the whole library) or the files upserted
     * (their newest state, by id) and the ids removed.
     */
    public record Outcome(boolean full, Map<String, com.audmg.drive.desktop.api.DriveFile> upserted,
                          List<String> removed, Instant receivedAt) {

        public boolean changedAnything() {
            return full || !upserted.isEmpty() || !removed.isEmpty();
        }
    }

    private final LibraryStore store;
    private final Clock clock;

    public LibrarySync(LibraryStore store) {
        this(store, Clock.systemUTC());
    }

    LibrarySync(LibraryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public LibraryStore store() {
        return store;
    }

    /** Brings the store up to date with the server; blocking. */
    public synchronized Outcome sync(DriveClient client) throws ApiException, LibraryStoreException {
        Optional<String> cursor = store.cursor();
        if (cursor.isEmpty()) {
            return fromScratch(client);
        }
        Map<String, com.audmg.drive.desktop.api.DriveFile> upserted = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        String at = cursor.get();
        Instant received = clock.instant();
        while (true) {
            FeedPage page;
            try {
                page = client.changes(at, PAGE);
            } catch (ApiException e) {
                if (e.status() == 410) {
                    return fromScratch(client);
                }
                throw e;
            }
            received = clock.instant();
            store.apply(page.changes(), page.cursor(), received);
            for (FeedPage.Change c : page.changes()) {
                if (c.isRemove()) {
                    upserted.remove(c.fileId());
                    removed.add(c.fileId());
                } else {
                    removed.remove(c.fileId());
                    upserted.put(c.fileId(), c.file());
                }
            }
            at = page.cursor();
            if (!page.hasMore()) {
                return new Outcome(false, upserted, removed, received);
            }
        }
    }

    /** Pages through the whole feed into staging, then swaps it in (the old library stays readable meanwhile). */
    private Outcome fromScratch(DriveClient client) throws ApiException, LibraryStoreException {
        ApiException expired = null;
        for (int attempt = 0; attempt < FULL_SYNC_ATTEMPTS; attempt++) {
            store.clearStaging();
            String at = null;
            try {
                while (true) {
                    FeedPage page = client.changes(at, PAGE);
                    store.stage(page.changes(), page.cursor(), clock.instant());
                    at = page.cursor();
                    if (!page.hasMore()) {
                        break;
                    }
                }
            } catch (ApiException e) {
                store.clearStaging();
                if (e.status() != 410) {
                    throw e;
                }
                expired = e;
                continue;
            }
            Instant now = clock.instant();
            store.commitStaged(now);
            return new Outcome(true, Map.of(), List.of(), now);
        }
        throw expired;
    }
}
