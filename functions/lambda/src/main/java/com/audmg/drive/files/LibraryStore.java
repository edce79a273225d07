package com.audmg.drive.files;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Backoff;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A user's library on S3 as a small log-structured store, so that no request reads or writes
 * the whole library:
 * <ul>
 * <li>the <b>head</b> ({@code library/<user>/head.json}) is the commit point: a commit is one
 *     compare-and-swap of it (If-Match). It holds the sequence number, the usage counters, the
 *     files changed since the last compaction (the <i>delta</i>, at most one entry per file, each
 *     with its newest state and sequence number), and the name of the current manifest;</li>
 * <li><b>segments</b> hold the file records, sorted newest first, about a hundred each, and a
 *     <b>manifest</b> lists them with their key ranges and per status and kind counts. Both are
 *     immutable (a rewrite makes new objects), so they are cached in memory without risk;</li>
 * <li><b>compaction</b>, once the delta holds more than {@value #DELTA_LIMIT} files, rewrites only
 *     the segments those files fall in, and writes the delta out as a <b>change-log chunk</b>
 *     ({@code log/<lastSeq>.json}) for the change feed.</li>
 * </ul>
 * A read costs the head plus at most a few cached or fetched segments; a commit costs reading the
 * head (and the file's segment) and writing the head, whatever the library's size. Concurrent
 * commits never lose an update: the loser re-reads and re-applies its change. Counters change in
 * the same write as the files, so quota and limits cannot be raced.
 */
public final class LibraryStore {

    /** Files the head may hold before a commit compacts them into segments. */
    static final int DELTA_LIMIT = 32;
    /**
     * A segment above this many records is split. Segments are small (some 60 KB at ~480 bytes a record) because a
     * request on an old file that its container has not read yet GETs and scans that file's whole segment, and a
     * compaction rewrites whole segments: at 400 records (190 KB) that read made point requests on a
     * 100,000-file library 1.3-1.6x slower than on a 100-file one. The cost is a longer manifest (one entry of
     * ~170 bytes per segment, read again after each compaction) and more GETs per listing page (8 for 1,000 files).
     */
    static final int SEGMENT_MAX = 192;
    /** Segments built from a bulk load (migration) or a split hold this many records. */
    static final int SEGMENT_FILL = 128;
    /**
     * Segments one listing page reads at most (as many records as 16 segments of the earlier 400); a sparse filter
     * then answers a shorter page and a cursor.
     */
    static final int MAX_SEGMENTS_SCANNED = 48;
    private static final int MAX_ATTEMPTS = 40;
    /** Replaced segments and manifests are deleted this long after (readers of an older head may still read them). */
    static final Duration GARBAGE_GRACE = Duration.ofHours(1);
    static final int FORMAT = 2;

    /**
     * A change-log entry: a file's state after change {@code seq}, or (file null) its removal, with
     * the removed file's sort key (where compaction finds it).
     */
    public record Change(long seq, String id, FileRecord file, String removedKey) {

        public Change(long seq, String id, FileRecord file) {
            this(seq, id, file, null);
        }

        String key() {
            return file != null ? file.sortKey() : removedKey;
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("seq", seq);
            node.put("id", id);
            if (file != null) {
                node.set("file", file.toJson());
            } else if (removedKey != null) {
                node.put("removedKey", removedKey);
            }
            return node;
        }

        static Change fromJson(JsonNode node) {
            JsonNode file = node.get("file");
            return new Change(node.path("seq").asLong(), node.path("id").asText(),
                    file == null || file.isNull() ? null : FileRecord.fromJson(file),
                    node.hasNonNull("removedKey") ? node.get("removedKey").asText() : null);
        }
    }

    /** One segment as the manifest lists it. {@code counts} are by "status/kind". */
    record SegmentRef(String id, String first, String last, int count, Map<String, Integer> counts) {

        boolean covers(String key) {
            return first.compareTo(key) <= 0 && key.compareTo(last) <= 0;
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("id", id);
            node.put("first", first);
            node.put("last", last);
            node.put("count", count);
            ObjectNode c = node.putObject("counts");
            counts.forEach(c::put);
            return node;
        }

        static SegmentRef fromJson(JsonNode node) {
            Map<String, Integer> counts = new TreeMap<>();
            node.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
            return new SegmentRef(node.path("id").asText(), node.path("first").asText(), node.path("last").asText(),
                    node.path("count").asInt(), counts);
        }

        static SegmentRef of(String id, List<FileRecord> sorted) {
            Map<String, Integer> counts = new TreeMap<>();
            for (FileRecord f : sorted) {
                counts.merge(f.status() + "/" + f.kind(), 1, Integer::sum);
            }
            return new SegmentRef(id, sorted.get(0).sortKey(), sorted.get(sorted.size() - 1).sortKey(), sorted.size(),
                    counts);
        }
    }

    /** The head: the commit point of a library. */
    record Head(String store, long seq, Usage usage, String manifest, long materialized, int legacyBucketChars,
                long logFloor, Instant nextDue, List<Change> delta) {

        static Head empty(String store) {
            return new Head(store, 0, Usage.ZERO, null, 0, 0, 0, null, List.of());
        }

        Head withNextDue(Instant due) {
            return new Head(store, seq, usage, manifest, materialized, legacyBucketChars, logFloor, due, delta);
        }

        Head withLogFloor(long floor) {
            return new Head(store, seq, usage, manifest, materialized, legacyBucketChars, floor, nextDue, delta);
        }

        Head withUsage(Usage counted) {
            return new Head(store, seq, counted, manifest, materialized, legacyBucketChars, logFloor, nextDue, delta);
        }

        Optional<Change> deltaOf(String fileId) {
            for (Change c : delta) {
                if (c.id().equals(fileId)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("format", FORMAT);
            node.put("store", store);
            node.put("seq", seq);
            node.set("usage", usage.toJson());
            node.put("manifest", manifest);
            node.put("materialized", materialized);
            node.put("legacyBucketChars", legacyBucketChars);
            node.put("logFloor", logFloor);
            node.put("nextDue", nextDue == null ? null : nextDue.toString());
            ArrayNode array = node.putArray("delta");
            delta.forEach(c -> array.add(c.toJson()));
            return node;
        }

        static Head fromJson(JsonNode node) {
            if (node.path("format").asInt() != FORMAT) {
                throw new IllegalStateException("library head of unknown format " + node.path("format"));
            }
            List<Change> delta = new ArrayList<>();
            node.path("delta").forEach(c -> delta.add(Change.fromJson(c)));
            return new Head(node.path("store").asText(), node.path("seq").asLong(), Usage.fromJson(node.path("usage")),
                    node.hasNonNull("manifest") ? node.get("manifest").asText() : null,
                    node.path("materialized").asLong(), node.path("legacyBucketChars").asInt(),
                    node.path("logFloor").asLong(),
                    node.hasNonNull("nextDue") ? Instant.parse(node.get("nextDue").asText()) : null, delta);
        }
    }

    /** Which files a listing wants. */
    public record Query(Set<String> statuses, Optional<String> kind, Optional<String> text) {

        public boolean matches(FileRecord file) {
            return statuses.contains(file.status())
                    && (kind.isEmpty() || kind.get().equals(file.kind()))
                    && (text.isEmpty() || file.matchesText(text.get()));
        }

        boolean mayMatch(SegmentRef segment) {
            for (Map.Entry<String, Integer> e : segment.counts().entrySet()) {
                String[] statusKind = e.getKey().split("/", 2);
                if (e.getValue() > 0 && statuses.contains(statusKind[0])
                        && (kind.isEmpty() || kind.get().equals(statusKind[1]))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A listing page; {@code next} (when there may be more) is where the next page starts. */
    public record Page(List<FileRecord> items, Position next) {
    }

    /** The changes after a sequence number: newest state of each file, ordered by the change's seq. */
    public record ChangeBatch(List<Change> changes, long lastSeq, boolean more) {
    }

    /**
     * What a commit changes: files to store (a null record removes the file) and the value the
     * caller gets back. Built by a function of the {@link Library} as read; it may run again if
     * another commit wins the race, so it must not have side effects.
     */
    public static final class Mutation<T> {
        private final Map<String, FileRecord> changes = new LinkedHashMap<>();
        private final T result;

        private Mutation(T result) {
            this.result = result;
        }

        public static <T> Mutation<T> of(T result) {
            return new Mutation<>(result);
        }

        public Mutation<T> put(FileRecord file) {
            changes.put(file.id(), file);
            return this;
        }

        public Mutation<T> remove(String fileId) {
            changes.put(fileId, null);
            return this;
        }

        public T result() {
            return result;
        }

        boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /** Told about objects that a commit left unreferenced, with the file they belonged to. */
    public interface Releaser {
        void release(String userId, String fileId, Set<String> objectIds);
    }

    /** The previous release's layout, read once per user to build the first head. */
    public interface Legacy {
        /** The user's files in the old layout, or empty when there are none; {@code released} gets old cancelled uploads. */
        Optional<List<FileRecord>> read(String userId, Map<String, Set<String>> released);

        /** The size in bytes of the user's old index (0 when there is none): what a migration has to read. */
        default long indexBytes(String userId) {
            return 0;
        }
    }

    /**
     * Where a previous-release library is migrated. A request migrates one whose old index is at most
     * {@code inlineMaxBytes} itself (a 100,000-file library took 3 s on a quiet machine and never finished
     * within the function's 10 s at load average 25); a larger one is handed to {@code handOff}, a function
     * with minutes to do it, and the request answers 503 {@code library_upgrading} with a Retry-After.
     */
    public record MigrationPolicy(long inlineMaxBytes, java.util.function.Consumer<String> handOff) {
        /** Every library is migrated by the request that finds it (tests, the sweeper, the migration itself). */
        public static final MigrationPolicy INLINE = new MigrationPolicy(Long.MAX_VALUE, userId -> { });
    }

    /** How often one container hands the same library off at most. */
    private static final Duration HAND_OFF_INTERVAL = Duration.ofSeconds(20);

    private final JsonObjectStore data;
    private final ImmutableObjectCache cache;
    private final FileLifecycle lifecycle;
    private final Releaser releaser;
    private final Legacy legacy;
    private final Clock clock;
    private final MigrationPolicy migration;
    private final Map<String, Instant> handedOff;

    public LibraryStore(JsonObjectStore data, ImmutableObjectCache cache, FileLifecycle lifecycle, Releaser releaser,
                        Legacy legacy, Clock clock) {
        this(data, cache, lifecycle, releaser, legacy, clock, MigrationPolicy.INLINE);
    }

    public LibraryStore(JsonObjectStore data, ImmutableObjectCache cache, FileLifecycle lifecycle, Releaser releaser,
                        Legacy legacy, Clock clock, MigrationPolicy migration) {
        this.data = data;
        this.cache = cache;
        this.lifecycle = lifecycle;
        this.releaser = releaser;
        this.legacy = legacy;
        this.clock = clock;
        this.migration = migration;
        this.handedOff = new java.util.concurrent.ConcurrentHashMap<>();
    }

    /** This store (same objects, same cache) migrating every previous-release library itself, whatever its size. */
    public LibraryStore migratingInline() {
        return migration == MigrationPolicy.INLINE ? this
                : new LibraryStore(data, cache, lifecycle, releaser, legacy, clock, MigrationPolicy.INLINE);
    }

    /** A consistent read of one user's library, as of one head. */
    public final class Library {
        private final String userId;
        private final Head head;
        private final String etag;

        private Library(String userId, Head head, String etag) {
            this.userId = userId;
            this.head = head;
            this.etag = etag;
        }

        public String userId() {
            return userId;
        }

        public Usage usage() {
            return head.usage();
        }

        public long seq() {
            return head.seq();
        }

        public String storeId() {
            return head.store();
        }

        public long logFloor() {
            return head.logFloor();
        }

        public Instant nextDue() {
            return head.nextDue();
        }

        public Optional<FileRecord> find(String fileId) {
            if (!Keys.isId(fileId)) {
                return Optional.empty();
            }
            Optional<Change> recent = head.deltaOf(fileId);
            if (recent.isPresent()) {
                return Optional.ofNullable(recent.get().file());
            }
            if (head.manifest() == null) {
                return Optional.empty();
            }
            Optional<Instant> created = Keys.idTime(fileId).or(() -> legacyCreatedAt(fileId));
            if (created.isEmpty()) {
                return Optional.empty();
            }
            String key = FileRecord.sortKey(created.get(), fileId);
            for (SegmentRef ref : manifest(userId, head.manifest())) {
                if (ref.covers(key)) {
                    return segmentRecord(userId, ref.id(), fileId);
                }
            }
            return Optional.empty();
        }

        private Optional<Instant> legacyCreatedAt(String fileId) {
            if (head.legacyBucketChars() == 0) {
                return Optional.empty();
            }
            String key = Keys.libraryLocator(userId, fileId.substring(0, head.legacyBucketChars()));
            // Written once by the migration, never changed: cached like segments, scanned for the one id.
            byte[] locator = cache.bytes(key, () -> data.getBytes(key).orElse(EMPTY_LOCATOR));
            try {
                return SegmentScan.number(locator, fileId).stream().mapToObj(Instant::ofEpochMilli).findFirst();
            } catch (IOException e) {
                throw new IllegalStateException("corrupt JSON document " + key, e);
            }
        }

        /**
         * Files matching the query from {@code from} on (null: from the newest), at most
         * {@code limit}, reading at most {@value #MAX_SEGMENTS_SCANNED} segments: a sparse filter
         * over a large library may answer fewer items, with a position to continue from.
         */
        public Page list(Query query, Position from, int limit) {
            Map<String, FileRecord> recent = new HashMap<>();
            List<FileRecord> recentMatches = new ArrayList<>();
            for (Change c : head.delta()) {
                recent.put(c.id(), c.file());
                if (c.file() != null && query.matches(c.file()) && Position.reached(from, c.file().sortKey())) {
                    recentMatches.add(c.file());
                }
            }
            recentMatches.sort(Comparator.comparing(FileRecord::sortKey));
            PageBuilder page = new PageBuilder(recentMatches, limit);
            int scanned = 0;
            List<SegmentRef> segments = head.manifest() == null ? List.of() : manifest(userId, head.manifest());
            for (SegmentRef ref : segments) {
                if (from != null && !Position.reached(from, ref.last()) || !query.mayMatch(ref)) {
                    continue;
                }
                if (scanned == MAX_SEGMENTS_SCANNED) {
                    // Enough work for one request: the next one starts at this segment.
                    return page.stopBefore(ref.first());
                }
                scanned++;
                for (FileRecord file : segment(userId, ref.id())) {
                    if (Position.reached(from, file.sortKey()) && !recent.containsKey(file.id()) && query.matches(file)
                            && !page.add(file)) {
                        return page.full();
                    }
                }
            }
            return page.finish();
        }

        /**
         * Changes with a sequence number above {@code after}: each file once, in its newest
         * state, ordered by sequence number; about {@code limit} of them, cut between commits.
         */
        public ChangeBatch changesAfter(long after, int limit) {
            if (after >= head.seq()) {
                return new ChangeBatch(List.of(), head.seq(), false);
            }
            List<Change> collected = new ArrayList<>();
            if (after < head.materialized()) {
                for (JsonObjectStore.Entry chunk : data.listAfter(Keys.libraryLogPrefix(userId),
                        Keys.libraryLog(userId, after), 1000)) {
                    if (Keys.libraryLogSeq(chunk.key()) > head.materialized()) {
                        break; // left by a compaction that lost its race: its changes are in the delta
                    }
                    JsonObjectStore.Versioned read = data.get(chunk.key()).orElseThrow(ChangesExpiredException::new);
                    for (JsonNode node : read.document().path("changes")) {
                        Change c = Change.fromJson(node);
                        if (c.seq() > after) {
                            collected.add(c);
                        }
                    }
                    if (collected.size() > limit) {
                        break;
                    }
                }
            }
            for (Change c : head.delta()) {
                if (c.seq() > after) {
                    collected.add(c);
                }
            }
            collected.sort(Comparator.comparingLong(Change::seq));
            int end = Math.min(limit, collected.size());
            while (end > 0 && end < collected.size() && collected.get(end).seq() == collected.get(end - 1).seq()) {
                end++; // never split one commit
            }
            if (end == 0) {
                return new ChangeBatch(List.of(), head.seq(), false);
            }
            Map<String, Change> newest = new LinkedHashMap<>();
            for (Change c : collected.subList(0, end)) {
                newest.remove(c.id());
                newest.put(c.id(), c);
            }
            long last = collected.get(end - 1).seq();
            // Every commit's seq up to the head's is some file's newest change: more exist iff last < head.
            return new ChangeBatch(new ArrayList<>(newest.values()), last, last < head.seq());
        }
    }

    /** Where a listing continues: at {@code key}, or just after it. */
    public record Position(String key, boolean inclusive) {

        static boolean reached(Position from, String key) {
            if (from == null) {
                return true;
            }
            int c = key.compareTo(from.key);
            return c > 0 || c == 0 && from.inclusive;
        }
    }

    /** Merges the delta's matches (sorted) into a page of segment records. */
    private static final class PageBuilder {
        private final List<FileRecord> recent;
        private final int limit;
        private final List<FileRecord> items = new ArrayList<>();
        private int next;

        PageBuilder(List<FileRecord> recent, int limit) {
            this.recent = recent;
            this.limit = limit;
        }

        /** Adds the delta's matches before this file, then the file; false when the page was full first. */
        boolean add(FileRecord file) {
            if (!addRecentBefore(file.sortKey())) {
                return false;
            }
            if (items.size() == limit) {
                return false;
            }
            items.add(file);
            return true;
        }

        private boolean addRecentBefore(String key) {
            while (next < recent.size() && recent.get(next).sortKey().compareTo(key) < 0) {
                if (items.size() == limit) {
                    return false;
                }
                items.add(recent.get(next++));
            }
            return true;
        }

        Page full() {
            return new Page(items, new Position(items.get(items.size() - 1).sortKey(), false));
        }

        Page stopBefore(String key) {
            if (!addRecentBefore(key)) {
                return full();
            }
            return new Page(items, new Position(key, true));
        }

        Page finish() {
            if (!addRecentBefore("~")) {
                return full();
            }
            return new Page(items, null);
        }
    }

    /** A change-feed position older than the retained log. */
    public static final class ChangesExpiredException extends RuntimeException {
        ChangesExpiredException() {
            super("the change log no longer reaches that cursor", null, false, false);
        }
    }

    /**
     * Every user with a library, and those the previous release left files or uploads for (their
     * library is migrated when opened), page by page as consumed.
     */
    public java.util.stream.Stream<String> userIds() {
        return java.util.stream.Stream.of("library/", "pending/", "index/").flatMap(root -> root.equals("index/")
                        ? data.listAll(root).map(e -> e.key().substring(root.length()).replace(".json", ""))
                        : data.listPrefixes(root).map(p -> p.substring(root.length(), p.length() - 1)))
                .filter(Keys::isId).distinct();
    }

    public Library open(String userId) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<JsonObjectStore.Versioned> read = data.get(Keys.libraryHead(userId));
            if (read.isPresent()) {
                return new Library(userId, Head.fromJson(read.get().document()), read.get().etag());
            }
            if (migration.inlineMaxBytes() != Long.MAX_VALUE && legacy.indexBytes(userId) > migration.inlineMaxBytes()) {
                handOff(userId);
                throw new ApiException(503, "library_upgrading", "your library is being moved to the new storage"
                        + " format; this takes a few seconds for a large library, try again shortly",
                        Map.of("Retry-After", "5"));
            }
            Optional<Library> migrated = migrate(userId);
            if (migrated.isPresent()) {
                return migrated.get();
            }
        }
        throw busy();
    }

    /**
     * Applies a change atomically and returns its result. The function sees the library as it is
     * and may throw (an {@link ApiException}) to refuse; it runs again when another commit won.
     */
    public <T> T commit(String userId, Function<Library, Mutation<T>> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Library library = open(userId);
            Mutation<T> mutation = change.apply(library);
            if (mutation.isEmpty()) {
                return mutation.result();
            }
            Head before = library.head;
            long seq = before.seq() + 1;
            Usage usage = before.usage();
            Map<String, Change> delta = new LinkedHashMap<>();
            before.delta().forEach(c -> delta.put(c.id(), c));
            Map<String, Set<String>> released = new LinkedHashMap<>();
            Instant nextDue = before.nextDue();
            for (Map.Entry<String, FileRecord> e : mutation.changes.entrySet()) {
                FileRecord old = library.find(e.getKey()).orElse(null);
                FileRecord now = e.getValue();
                usage = usage.minus(Usage.of(old)).plus(Usage.of(now));
                delta.remove(e.getKey());
                // A removal keeps the key of where the file was compacted to, if it was.
                String removedKey = now != null ? null : old != null ? old.sortKey()
                        : before.deltaOf(e.getKey()).map(Change::removedKey).orElse(null);
                delta.put(e.getKey(), new Change(seq, e.getKey(), now, removedKey));
                if (old != null) {
                    Set<String> gone = new java.util.HashSet<>(old.objectIds());
                    if (now != null) {
                        gone.removeAll(now.objectIds());
                    }
                    if (!gone.isEmpty()) {
                        released.put(e.getKey(), gone);
                    }
                }
                nextDue = FileLifecycle.earliest(nextDue, lifecycle.nextDue(now));
            }
            Head after = new Head(before.store(), seq, usage, before.manifest(), before.materialized(),
                    before.legacyBucketChars(), before.logFloor(), nextDue, new ArrayList<>(delta.values()));
            try {
                data.replace(Keys.libraryHead(userId), after.toJson(), library.etag);
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
                continue;
            }
            release(userId, released);
            if (after.delta().size() > DELTA_LIMIT) {
                try {
                    compact(userId);
                } catch (RuntimeException e) {
                    // The commit stands; the next commit compacts.
                    StructuredLog.warn("library compaction failed: " + e);
                }
            }
            return mutation.result();
        }
        throw busy();
    }

    /** Sets when the sweeper should next look at this library, unless a commit moved it since {@code seenDue}. */
    public void setNextDue(String userId, Instant due, Instant seenDue) {
        adjust(userId, h -> java.util.Objects.equals(h.nextDue(), seenDue) ? h.withNextDue(due) : null);
    }

    /** Raises the oldest position the change feed still serves (after old log chunks were deleted). */
    public void setLogFloor(String userId, long floor) {
        adjust(userId, h -> h.logFloor() >= floor ? null : h.withLogFloor(floor));
    }

    /** Replaces the usage counters (scrub's repair), if the library did not change since {@code seenSeq}. */
    public boolean repairUsage(String userId, Usage usage, long seenSeq) {
        return adjust(userId, h -> h.seq() != seenSeq ? null : h.withUsage(usage));
    }

    /** A head change outside commits (no new sequence number); the function returns null to leave it. */
    private boolean adjust(String userId, java.util.function.UnaryOperator<Head> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Library library = open(userId);
            if (library.etag == null) {
                return false;
            }
            Head after = change.apply(library.head);
            if (after == null) {
                return false;
            }
            try {
                data.replace(Keys.libraryHead(userId), after.toJson(), library.etag);
                return true;
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
            }
        }
        return false;
    }

    /** After a commit: a failure here leaves orphaned bytes (scrub finds them), never a failed request. */
    private void release(String userId, Map<String, Set<String>> released) {
        released.forEach((fileId, objects) -> {
            try {
                releaser.release(userId, fileId, objects);
            } catch (RuntimeException e) {
                StructuredLog.warn("bytes of file " + fileId + " not released: " + e);
            }
        });
    }

    /** Starts the migration elsewhere, at most once per {@link #HAND_OFF_INTERVAL} per library from this container. */
    private void handOff(String userId) {
        Instant now = clock.instant();
        Instant[] started = new Instant[1];
        handedOff.compute(userId, (id, last) -> {
            if (last != null && last.plus(HAND_OFF_INTERVAL).isAfter(now)) {
                return last;
            }
            started[0] = now;
            return now;
        });
        if (started[0] != null) {
            StructuredLog.warn("library of " + userId + " is too large to migrate within a request: handed off");
            migration.handOff().accept(userId);
        }
    }

    private static ApiException busy() {
        return new ApiException(503, "busy", "too many concurrent changes to your files; try again",
                Map.of("Retry-After", "1"));
    }

    // ---- compaction ---------------------------------------------------------------------

    /**
     * Moves the delta into segments: rewrites only the segments its files fall in (as new
     * objects), writes a new manifest and the delta as a change-log chunk, then swaps the head to
     * them, keeping the changes committed meanwhile. Losing to another compaction leaves garbage
     * only (marked for deletion), never a lost change.
     */
    void compact(String userId) {
        Library library = open(userId);
        Head start = library.head;
        if (start.delta().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<SegmentRef> segments = start.manifest() == null ? List.of() : manifest(userId, start.manifest());
        Rewrite rewrite = rewriteSegments(userId, segments, start.delta());
        String manifestId = Keys.newTimeId(now);
        writeManifest(userId, manifestId, rewrite.segments());
        ObjectNode chunk = Json.object();
        ArrayNode changes = chunk.putArray("changes");
        start.delta().stream().sorted(Comparator.comparingLong(Change::seq)).forEach(c -> changes.add(c.toJson()));
        data.overwrite(Keys.libraryLog(userId, start.seq()), chunk);

        JsonObjectStore.Versioned current = new JsonObjectStore.Versioned(start.toJson(), library.etag);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Head head = Head.fromJson(current.document());
            if (!java.util.Objects.equals(head.manifest(), start.manifest()) || head.materialized() != start.materialized()) {
                // Another compaction landed first: ours is garbage.
                List<String> ours = new ArrayList<>();
                rewrite.written().forEach(id -> ours.add(Keys.librarySegment(userId, id)));
                ours.add(Keys.libraryManifest(userId, manifestId));
                markGarbage(ours, now);
                return;
            }
            List<Change> kept = new ArrayList<>();
            for (Change c : head.delta()) {
                if (c.seq() > start.seq()) {
                    kept.add(c);
                }
            }
            Head after = new Head(head.store(), head.seq(), head.usage(), manifestId, start.seq(),
                    head.legacyBucketChars(), head.logFloor(), head.nextDue(), kept);
            try {
                data.replace(Keys.libraryHead(userId), after.toJson(), current.etag());
                List<String> replaced = new ArrayList<>();
                rewrite.replaced().forEach(id -> replaced.add(Keys.librarySegment(userId, id)));
                if (start.manifest() != null) {
                    replaced.add(Keys.libraryManifest(userId, start.manifest()));
                }
                markGarbage(replaced, now);
                return;
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
                current = data.get(Keys.libraryHead(userId)).orElseThrow();
            }
        }
    }

    private record Rewrite(List<SegmentRef> segments, List<String> written, List<String> replaced) {
    }

    /** Applies changes to the segments they fall in; returns the new segment list (sorted) and what was written and replaced. */
    private Rewrite rewriteSegments(String userId, List<SegmentRef> segments, Collection<Change> changes) {
        // Each change goes to the segment covering its key, else the one before it, else the first.
        Map<Integer, List<Change>> bySegment = new TreeMap<>();
        List<Change> unplaced = new ArrayList<>();
        for (Change c : changes) {
            String key = c.key();
            int target = -1;
            if (c.file() == null) {
                // A removal: the segment covering where the file was, if it was ever compacted.
                for (int i = 0; i < segments.size() && key != null; i++) {
                    if (segments.get(i).covers(key)) {
                        target = i;
                    }
                }
                if (target < 0) {
                    continue; // never compacted (created and removed within one delta)
                }
            } else {
                for (int i = 0; i < segments.size(); i++) {
                    if (segments.get(i).first().compareTo(key) <= 0) {
                        target = i;
                    }
                }
                if (target < 0 && !segments.isEmpty()) {
                    target = 0;
                }
            }
            if (target < 0) {
                unplaced.add(c);
            } else {
                bySegment.computeIfAbsent(target, k -> new ArrayList<>()).add(c);
            }
        }
        List<SegmentRef> result = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            List<Change> mine = bySegment.get(i);
            if (mine == null) {
                result.add(segments.get(i));
                continue;
            }
            Map<String, FileRecord> records = new LinkedHashMap<>();
            segment(userId, segments.get(i).id()).forEach(f -> records.put(f.id(), f));
            applyChanges(records, mine);
            replaced.add(segments.get(i).id());
            writeSegments(userId, records.values(), result, written);
        }
        if (!unplaced.isEmpty()) {
            Map<String, FileRecord> records = new LinkedHashMap<>();
            applyChanges(records, unplaced);
            writeSegments(userId, records.values(), result, written);
        }
        result.sort(Comparator.comparing(SegmentRef::first));
        return new Rewrite(result, written, replaced);
    }

    private static void applyChanges(Map<String, FileRecord> records, List<Change> changes) {
        for (Change c : changes) {
            if (c.file() == null) {
                records.remove(c.id());
            } else {
                records.put(c.id(), c.file());
            }
        }
    }

    /** Writes records (any order) as one or more sorted segments of at most {@link #SEGMENT_MAX}. */
    private void writeSegments(String userId, Collection<FileRecord> records, List<SegmentRef> into, List<String> written) {
        if (records.isEmpty()) {
            return;
        }
        List<FileRecord> sorted = sortedBySortKey(records);
        int parts = sorted.size() <= SEGMENT_MAX ? 1 : (sorted.size() + SEGMENT_FILL - 1) / SEGMENT_FILL;
        int per = (sorted.size() + parts - 1) / parts;
        for (int from = 0; from < sorted.size(); from += per) {
            List<FileRecord> part = sorted.subList(from, Math.min(sorted.size(), from + per));
            String id = Keys.newTimeId(clock.instant());
            data.create(Keys.librarySegment(userId, id), segmentDocument(part));
            cache.put(Keys.librarySegment(userId, id), List.copyOf(part));
            into.add(SegmentRef.of(id, part));
            written.add(id);
        }
    }

    private void writeManifest(String userId, String id, List<SegmentRef> segments) {
        data.create(Keys.libraryManifest(userId, id), manifestDocument(segments));
        cache.put(Keys.libraryManifest(userId, id), List.copyOf(segments));
    }

    /** A segment as stored: {@code {"files":[record, ...]}}, records in listing order. */
    private static byte[] segmentDocument(List<FileRecord> records) {
        ObjectNode doc = Json.object();
        ArrayNode array = doc.putArray("files");
        records.forEach(f -> array.add(f.toJson()));
        return Json.write(doc).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A manifest as stored: {@code {"segments":[ref, ...]}}. */
    private static byte[] manifestDocument(List<SegmentRef> segments) {
        ObjectNode doc = Json.object();
        ArrayNode array = doc.putArray("segments");
        segments.forEach(ref -> array.add(ref.toJson()));
        return Json.write(doc).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void markGarbage(List<String> keys, Instant now) {
        long due = now.plus(GARBAGE_GRACE).getEpochSecond();
        for (String key : keys) {
            data.overwrite(Keys.gcMarker(due, 'd', key), Json.object());
        }
    }

    /** Runs independent S3 writes on a few threads; the first failure is thrown after all ended. */
    private static void runAll(List<Runnable> writes) {
        if (writes.size() <= 1) {
            writes.forEach(Runnable::run);
            return;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(16, writes.size()), r -> {
                    Thread t = new Thread(r, "library-migration");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            writes.forEach(w -> running.add(pool.submit(w)));
            RuntimeException failure = null;
            for (java.util.concurrent.Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while migrating", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- immutable objects, cached -----------------------------------------------------------

    @SuppressWarnings("unchecked")
    List<SegmentRef> manifest(String userId, String id) {
        String key = Keys.libraryManifest(userId, id);
        return (List<SegmentRef>) cache.get(key, () -> {
            JsonNode doc = data.get(key).orElseThrow(() -> new IllegalStateException("missing " + key)).document();
            List<SegmentRef> refs = new ArrayList<>();
            doc.path("segments").forEach(s -> refs.add(SegmentRef.fromJson(s)));
            return List.copyOf(refs);
        });
    }

    @SuppressWarnings("unchecked")
    List<FileRecord> segment(String userId, String id) {
        String key = Keys.librarySegment(userId, id);
        return (List<FileRecord>) cache.get(key, () -> {
            JsonNode doc = data.get(key).orElseThrow(() -> new IllegalStateException("missing " + key)).document();
            List<FileRecord> files = new ArrayList<>();
            doc.path("files").forEach(f -> files.add(FileRecord.fromJson(f)));
            return List.copyOf(files);
        });
    }

    /**
     * One file of a segment. A lookup of an old file in a large library is usually a segment this
     * container has not read: building its records to use one cost most of such a request
     * (about 5 ms of the 13 ms a 100,000-file library added), so a lookup keeps the segment's bytes
     * and scans them for the one record, which it alone parses. A segment already parsed (by a
     * listing or a compaction) is used as is.
     */
    @SuppressWarnings("unchecked")
    Optional<FileRecord> segmentRecord(String userId, String segmentId, String fileId) {
        String key = Keys.librarySegment(userId, segmentId);
        Object parsed = cache.peek(key);
        if (parsed != null) {
            return ((List<FileRecord>) parsed).stream().filter(f -> f.id().equals(fileId)).findFirst();
        }
        byte[] bytes = cache.bytes(key, () -> data.getBytes(key)
                .orElseThrow(() -> new IllegalStateException("missing " + key)));
        try {
            return SegmentScan.find(bytes, fileId).map(FileRecord::fromJson);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt JSON document " + key, e);
        }
    }

    /**
     * Above this many previous-release ids a migrated library's locators are keyed by the ids' first two
     * characters (1,024 locators, about 100 ids each at 100,000 files) instead of one (32): a lookup of an old
     * file reads one locator, which then stays a few KB whatever the library's size (at one character a
     * 100,000-file library's locators were some 125 KB each). Below it, 32 locators of at most ~780 ids (some
     * 30 KB) keep the migration a request can do itself (up to ~20,000 files) to 32 writes.
     */
    static final int TWO_CHARACTER_LOCATORS_ABOVE = 25_000;

    static int locatorChars(long previousReleaseIds) {
        return previousReleaseIds > TWO_CHARACTER_LOCATORS_ABOVE ? 2 : 1;
    }

    private static final byte[] EMPTY_LOCATOR = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** Records in listing order, each sort key computed once (not twice per comparison). */
    static List<FileRecord> sortedBySortKey(Collection<FileRecord> records) {
        List<Map.Entry<String, FileRecord>> keyed = new ArrayList<>(records.size());
        for (FileRecord f : records) {
            keyed.add(Map.entry(f.sortKey(), f));
        }
        keyed.sort(Map.Entry.comparingByKey());
        List<FileRecord> sorted = new ArrayList<>(keyed.size());
        keyed.forEach(e -> sorted.add(e.getValue()));
        return sorted;
    }

    /** Writes an object named by its content unless it is there already (listed, or created meanwhile). */
    private void createOnce(String key, byte[] bytes, Set<String> existing) {
        if (existing.contains(key)) {
            return;
        }
        try {
            data.create(key, bytes);
        } catch (JsonObjectStore.ConditionFailedException e) {
            // Written by a concurrent attempt: same key, same content.
        }
    }

    // ---- migration from the previous release ---------------------------------------------------

    /**
     * Builds the first head of a user: empty, or (when the previous release left files) segments,
     * legacy locators and a head holding them. Returns empty when a concurrent request created
     * the head first (the caller re-reads it).
     */
    private Optional<Library> migrate(String userId) {
        Instant now = clock.instant();
        Map<String, Set<String>> released = new LinkedHashMap<>();
        Optional<List<FileRecord>> old = legacy.read(userId, released);
        if (old.isEmpty()) {
            // Nothing to migrate: the head is created by the first commit (If-None-Match). Its store
            // id is the user's, so that feed cursors taken before it exists stay valid.
            return Optional.of(new Library(userId, Head.empty(userId), null));
        }
        String store = Keys.newTimeId(now);
        List<FileRecord> files = sortedBySortKey(old.get());
        // Segments, locators and the manifest are named by their content, and what an earlier attempt
        // wrote (one that ran out of time: a large library's migration is seconds of writes) is not
        // written again: every attempt gets further, and two concurrent ones write the same objects.
        Set<String> existing = new java.util.HashSet<>();
        data.listAll(Keys.libraryPrefix(userId)).forEach(e -> existing.add(e.key()));
        List<SegmentRef> segments = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        // Written in parallel: a 100,000-file library is some 780 segments, one request's work.
        List<Runnable> writes = new ArrayList<>();
        for (int from = 0; from < files.size(); from += SEGMENT_FILL) {
            List<FileRecord> part = files.subList(from, Math.min(files.size(), from + SEGMENT_FILL));
            writes.add(() -> {
                byte[] bytes = segmentDocument(part);
                String id = Keys.contentId(bytes);
                createOnce(Keys.librarySegment(userId, id), bytes, existing);
                cache.put(Keys.librarySegment(userId, id), List.copyOf(part));
                segments.add(SegmentRef.of(id, part));
                written.add(id);
            });
        }
        // Ids of the previous release carry no time: a locator tells where their records sort.
        List<FileRecord> untimed = files.stream().filter(f -> Keys.idTime(f.id()).isEmpty()).toList();
        int bucketChars = locatorChars(untimed.size());
        Map<String, ObjectNode> locators = new TreeMap<>();
        for (FileRecord f : untimed) {
            locators.computeIfAbsent(f.id().substring(0, bucketChars), b -> Json.object())
                    .put(f.id(), f.createdAt().toEpochMilli());
        }
        Usage usage = Usage.ZERO;
        Instant nextDue = null;
        for (FileRecord f : files) {
            usage = usage.plus(Usage.of(f));
            nextDue = FileLifecycle.earliest(nextDue, lifecycle.nextDue(f));
        }
        // Locators are named by their bucket (32 of them, or 1,024 for a large library): rewritten each attempt.
        locators.forEach((bucket, doc) -> writes.add(() -> data.overwrite(Keys.libraryLocator(userId, bucket), doc)));
        runAll(writes);
        segments.sort(Comparator.comparing(SegmentRef::first));
        String manifestId = null;
        if (!segments.isEmpty()) {
            byte[] bytes = manifestDocument(segments);
            manifestId = Keys.contentId(bytes);
            createOnce(Keys.libraryManifest(userId, manifestId), bytes, existing);
            cache.put(Keys.libraryManifest(userId, manifestId), List.copyOf(segments));
        }
        Head head = new Head(store, 1, usage, manifestId, 1, locators.isEmpty() ? 0 : bucketChars, 1, nextDue, List.of());
        try {
            data.create(Keys.libraryHead(userId), head.toJson());
        } catch (JsonObjectStore.ConditionFailedException e) {
            // Another request's head won. What it uses stays (a concurrent migration of the same files
            // wrote the very same objects); the rest of ours is garbage.
            Set<String> kept = new java.util.HashSet<>();
            data.get(Keys.libraryHead(userId)).map(v -> Head.fromJson(v.document())).ifPresent(winner -> {
                if (winner.manifest() != null) {
                    kept.add(Keys.libraryManifest(userId, winner.manifest()));
                    manifest(userId, winner.manifest()).forEach(ref -> kept.add(Keys.librarySegment(userId, ref.id())));
                }
            });
            List<String> garbage = new ArrayList<>();
            written.forEach(id -> garbage.add(Keys.librarySegment(userId, id)));
            if (manifestId != null) {
                garbage.add(Keys.libraryManifest(userId, manifestId));
            }
            garbage.removeAll(kept);
            markGarbage(garbage, now);
            return Optional.empty();
        }
        // Segments and manifests of earlier attempts that wrote other content (the previous release's
        // files changed in between) are garbage now.
        Set<String> ours = new java.util.HashSet<>();
        written.forEach(id -> ours.add(Keys.librarySegment(userId, id)));
        if (manifestId != null) {
            ours.add(Keys.libraryManifest(userId, manifestId));
        }
        List<String> stale = existing.stream()
                .filter(k -> k.startsWith(Keys.libraryPrefix(userId) + "seg/") || k.startsWith(Keys.libraryPrefix(userId) + "manifest/"))
                .filter(k -> !ours.contains(k)).toList();
        markGarbage(stale, now);
        StructuredLog.warn("library of " + userId + " migrated from the previous layout: " + files.size() + " files");
        release(userId, released);
        return Optional.empty(); // re-read: the head as stored, with its ETag
    }
}
