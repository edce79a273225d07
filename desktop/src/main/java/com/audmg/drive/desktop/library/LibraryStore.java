package com.audmg.drive.desktop.library;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FeedPage;
import com.audmg.drive.desktop.api.MediaInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The local copy of one account's file metadata (one SQLite database per account and server, in the data folder's
 * {@code library/} folder, 0600 in a 0700 folder). A row holds the file as the server last described it, one column per
 * field of {@link DriveFile} and its {@link MediaInfo} (schema 2; schema 1 kept a JSON copy per row, whose decoding
 * was most of the time to load 100,000 files); the change-feed cursor sits in the same database and moves in the same
 * transaction as the rows it covers, so a crash leaves either both or neither.
 *
 * <p>A sync without a cursor (the first one, or after {@code cursor_expired}) fills a staging table page by page and
 * then swaps it in with one transaction: readers see the old library until the new one is complete.
 *
 * <p>Thread-safe: one connection, every method synchronized (the app syncs from one thread at a time anyway).
 */
public final class LibraryStore implements AutoCloseable {

    /** The schema this release writes; {@link #migrate} brings older databases up to it. */
    static final int SCHEMA_VERSION = 2;
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String CURSOR = "cursor";
    private static final String STAGED_CURSOR = "stagedCursor";
    private static final String SYNCED_AT = "syncedAt";
    /** Schema 2's columns of a file, in the order {@link #bind} writes and {@link #read} reads them. */
    private static final String FILE_COLUMNS = "id, status, kind, name, content_type, size, created_at, updated_at, "
            + "trashed_at, version, processing, thumbnail_url, present, width, height, taken_at, camera, orientation, "
            + "duration_ms, title, artist, album, track, year, codec, sample_rate, channels, bitrate, cover_url, "
            + "waveform_url, playable_url, received_at";
    private static final String FILE_MARKS = "?" + ",?".repeat(FILE_COLUMNS.split(",").length - 1);
    /** Schema 2's table of files (the library, and the staging table of a resync). */
    private static final String FILE_TABLE = "(id TEXT PRIMARY KEY, status TEXT NOT NULL, kind TEXT, "
            + "name TEXT NOT NULL, content_type TEXT, size INTEGER NOT NULL, created_at INTEGER, updated_at INTEGER, "
            + "trashed_at INTEGER, version INTEGER NOT NULL, processing TEXT, thumbnail_url TEXT, "
            + "present INTEGER NOT NULL, width INTEGER, height INTEGER, taken_at INTEGER, camera TEXT, "
            + "orientation INTEGER, duration_ms INTEGER, title TEXT, artist TEXT, album TEXT, track INTEGER, "
            + "year INTEGER, codec TEXT, sample_rate INTEGER, channels INTEGER, bitrate INTEGER, cover_url TEXT, "
            + "waveform_url TEXT, playable_url TEXT, received_at INTEGER NOT NULL)";

    /** Built on first use, not when the app looks for the last account at start (before its first frame). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // Absent reads back as null (schema 1's rows were written so).
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                // isImage() and the like are derived: only the record's components are stored.
                .configure(com.fasterxml.jackson.databind.MapperFeature.AUTO_DETECT_IS_GETTERS, false)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        static final com.fasterxml.jackson.databind.ObjectReader FILE = MAPPER.readerFor(DriveFile.class);
    }

    static ObjectMapper json() {
        return Json.MAPPER;
    }

    private final Path file;
    private final Connection db;

    private LibraryStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /**
     * Opens (creating or migrating) the cache of {@code userId} on {@code server} (the API base URL, or a stable name
     * for the built-in local cloud, whose port changes at every start).
     */
    public static LibraryStore open(Path libraryDir, String server, String userId) throws LibraryStoreException {
        return open(fileFor(libraryDir, server, userId));
    }

    /** The database file of an account: the user id (server-made) and a digest of the server. */
    public static Path fileFor(Path libraryDir, String server, String userId) {
        if (userId == null || !USER_ID.matcher(userId).matches()) {
            throw new IllegalArgumentException("not a user id: " + userId);
        }
        return libraryDir.resolve(userId + "-" + digest(server) + ".db");
    }

    static LibraryStore open(Path file) throws LibraryStoreException {
        try {
            privateFolder(file.getParent());
            privateFile(file);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try {
                try (Statement s = c.createStatement()) {
                    // WAL: the UI thread reads while a sync writes; NORMAL is durable across an app crash.
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("PRAGMA busy_timeout=5000");
                }
                try {
                    migrate(c);
                } catch (SQLException | RuntimeException unreadable) {
                    // Never a broken app over a cache: start it afresh, the next sync fills it from the server.
                    System.err.println("The library cache " + file + " could not be upgraded (" + unreadable
                            + "); it is emptied and synced again");
                    reset(c);
                    migrate(c);
                }
                LibraryStore store = new LibraryStore(file, c);
                store.clearStaging(); // a resync interrupted by a crash starts again
                return store;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new LibraryStoreException("cannot open the library cache " + file, e);
        }
    }

    /**
     * Brings the schema to {@link #SCHEMA_VERSION} ({@code PRAGMA user_version}), one step per version, each in its
     * own transaction. A database written by a newer release is emptied and rebuilt: the cache can always be synced
     * again from the server.
     */
    static void migrate(Connection c) throws SQLException {
        int version = userVersion(c);
        if (version > SCHEMA_VERSION) {
            reset(c);
            version = 0;
        }
        while (version < SCHEMA_VERSION) {
            int next = version + 1;
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                step(c, next);
                s.execute("PRAGMA user_version=" + next);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            version = next;
        }
    }

    /** Drops everything: an empty database of version 0. */
    private static void reset(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS files");
            s.execute("DROP TABLE IF EXISTS files_v2");
            s.execute("DROP TABLE IF EXISTS staged_files");
            s.execute("DROP TABLE IF EXISTS sync_state");
            s.execute("PRAGMA user_version=0");
        }
    }

    /** Turns schema {@code version - 1} into {@code version} (inside the migration's transaction). */
    private static void step(Connection c, int version) throws SQLException {
        try (Statement s = c.createStatement()) {
            switch (version) {
                case 1 -> {
                    String columns = "(id TEXT PRIMARY KEY, status TEXT NOT NULL, kind TEXT, name TEXT NOT NULL, "
                            + "size INTEGER NOT NULL, created_at INTEGER, taken_at INTEGER, title TEXT, artist TEXT, "
                            + "album TEXT, version INTEGER NOT NULL, received_at INTEGER NOT NULL, json TEXT NOT NULL)";
                    s.execute("CREATE TABLE files " + columns);
                    s.execute("CREATE TABLE staged_files " + columns);
                    s.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                }
                case 2 -> {
                    // Every field a column: rows are read without decoding JSON. The rows of schema 1 are decoded
                    // once here (about 1 s per 100,000 on a cold JVM) and the cursor kept: no resync needed.
                    s.execute("DROP INDEX IF EXISTS files_status_taken");
                    s.execute("DROP INDEX IF EXISTS files_status_name");
                    s.execute("DROP INDEX IF EXISTS files_status_created");
                    s.execute("CREATE TABLE files_v2 " + FILE_TABLE);
                    try (ResultSet r = s.executeQuery("SELECT json, received_at FROM files");
                         PreparedStatement insert = c.prepareStatement(
                                 "INSERT INTO files_v2 (" + FILE_COLUMNS + ") VALUES (" + FILE_MARKS + ")")) {
                        while (r.next()) {
                            bind(insert, fromJson(r.getString(1)), r.getLong(2));
                            insert.executeUpdate();
                        }
                    }
                    s.execute("DROP TABLE files");
                    s.execute("ALTER TABLE files_v2 RENAME TO files");
                    // A resync interrupted by the upgrade starts again (open() empties staging anyway).
                    s.execute("DROP TABLE staged_files");
                    s.execute("DELETE FROM sync_state WHERE key = '" + STAGED_CURSOR + "'");
                    s.execute("CREATE TABLE staged_files " + FILE_TABLE);
                    // Listing a view (ready / trashed) in timeline order, by upload date, or by name.
                    s.execute("CREATE INDEX files_status_taken ON files (status, coalesce(taken_at, created_at) DESC)");
                    s.execute("CREATE INDEX files_status_name ON files (status, name COLLATE NOCASE)");
                    s.execute("CREATE INDEX files_status_created ON files (status, created_at DESC)");
                }
                default -> throw new IllegalStateException("no migration to schema " + version);
            }
        }
    }

    static int userVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    public Path file() {
        return file;
    }

    // ---- reads ---------------------------------------------------------------------------------

    /** The stored feed cursor, or empty when the cache was never completely synced. */
    public synchronized Optional<String> cursor() throws LibraryStoreException {
        return state(CURSOR);
    }

    /** When the last sync finished, or empty. */
    public synchronized Optional<Instant> syncedAt() throws LibraryStoreException {
        return state(SYNCED_AT).map(Instant::parse);
    }

    /** Files with one of the statuses, newest (taken, else uploaded) first. */
    public synchronized List<CachedFile> load(Set<String> statuses) throws LibraryStoreException {
        return query(statuses, " ORDER BY coalesce(taken_at, created_at) DESC", Integer.MAX_VALUE);
    }

    /**
     * The newest uploads with one of the statuses, at most {@code limit}: the first screen, shown while the whole
     * library loads (decoding 100,000 rows takes seconds on a cold JVM).
     */
    public synchronized List<CachedFile> loadNewest(Set<String> statuses, int limit) throws LibraryStoreException {
        return query(statuses, " ORDER BY created_at DESC", limit);
    }

    private List<CachedFile> query(Set<String> statuses, String order, int limit) throws LibraryStoreException {
        String marks = String.join(",", statuses.stream().map(s -> "?").toList());
        String sql = "SELECT " + FILE_COLUMNS + " FROM files WHERE status IN (" + marks + ")" + order + " LIMIT ?";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            int i = 1;
            for (String s : statuses) {
                p.setString(i++, s);
            }
            p.setInt(i, limit);
            List<CachedFile> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(read(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new LibraryStoreException("cannot read the library cache", e);
        }
    }

    /** One file, if cached. */
    public synchronized Optional<CachedFile> get(String id) throws LibraryStoreException {
        try (PreparedStatement p = db.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LibraryStoreException("cannot read the library cache", e);
        }
    }

    /** Number of cached files (every status). */
    public synchronized int size() throws LibraryStoreException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM files")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (SQLException e) {
            throw new LibraryStoreException("cannot read the library cache", e);
        }
    }

    // ---- writes --------------------------------------------------------------------------------

    /**
     * Applies one feed page after the stored cursor and stores its cursor, in one transaction: on any failure
     * nothing of the page is kept and the old cursor stays.
     */
    public synchronized void apply(List<FeedPage.Change> changes, String cursor, Instant receivedAt)
            throws LibraryStoreException {
        inTransaction(() -> {
            write("files", changes, receivedAt);
            putState(CURSOR, cursor);
            putState(SYNCED_AT, receivedAt.toString());
        });
    }

    /** Starts a sync from scratch: empties the staging table (the library itself stays as it is). */
    public synchronized void clearStaging() throws LibraryStoreException {
        inTransaction(() -> {
            try (Statement s = db.createStatement()) {
                s.execute("DELETE FROM staged_files");
            }
            deleteState(STAGED_CURSOR);
        });
    }

    /** Adds one page of a sync from scratch to the staging table (with the cursor after it). */
    public synchronized void stage(List<FeedPage.Change> changes, String cursor, Instant receivedAt)
            throws LibraryStoreException {
        inTransaction(() -> {
            write("staged_files", changes, receivedAt);
            putState(STAGED_CURSOR, cursor);
        });
    }

    /** The cursor after the last staged page, or empty. */
    public synchronized Optional<String> stagedCursor() throws LibraryStoreException {
        return state(STAGED_CURSOR);
    }

    /** Replaces the library by the staged one and its cursor, atomically. */
    public synchronized void commitStaged(Instant syncedAt) throws LibraryStoreException {
        inTransaction(() -> {
            String cursor = stateIn(STAGED_CURSOR).orElseThrow(() -> new SQLException("nothing staged"));
            try (Statement s = db.createStatement()) {
                s.execute("DELETE FROM files");
                s.execute("INSERT INTO files (" + FILE_COLUMNS + ") SELECT " + FILE_COLUMNS + " FROM staged_files");
                s.execute("DELETE FROM staged_files");
            }
            deleteState(STAGED_CURSOR);
            putState(CURSOR, cursor);
            putState(SYNCED_AT, syncedAt.toString());
        });
    }

    private void write(String table, List<FeedPage.Change> changes, Instant receivedAt) throws SQLException {
        try (PreparedStatement upsert = db.prepareStatement("INSERT OR REPLACE INTO " + table + " (" + FILE_COLUMNS
                + ") VALUES (" + FILE_MARKS + ")");
             PreparedStatement remove = db.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            for (FeedPage.Change change : changes) {
                if (change.isRemove()) {
                    remove.setString(1, change.fileId());
                    remove.executeUpdate();
                    continue;
                }
                DriveFile f = change.file();
                if (f == null || f.id() == null) {
                    throw new SQLException("an upsert without a file");
                }
                bind(upsert, f, receivedAt.toEpochMilli());
                upsert.executeUpdate();
            }
        }
    }

    /** Column 13, {@code present}: bit {@code c} set when column {@code c} is not null (bit 13: the file has media). */
    private static final int PRESENT = 13;

    /**
     * Sets the {@link #FILE_COLUMNS} of one file, and which of them are not null: reading 100,000 rows then asks
     * SQLite only for the columns a row has (each column read is a native call; an image has 17 of 32).
     */
    private static void bind(PreparedStatement p, DriveFile f, long receivedAt) throws SQLException {
        MediaInfo m = f.media();
        boolean media = m != null;
        Object[] v = {f.id(), f.status(), f.kind(), f.name(), f.contentType(), f.size(), micros(f.createdAt()),
                micros(f.updatedAt()), micros(f.trashedAt()), f.version(), f.processing(), f.thumbnailUrl(), null,
                media ? m.width() : null, media ? m.height() : null, media ? micros(m.takenAt()) : null,
                media ? m.camera() : null, media ? m.orientation() : null, media ? m.durationMs() : null,
                media ? m.title() : null, media ? m.artist() : null, media ? m.album() : null,
                media ? m.track() : null, media ? m.year() : null, media ? m.codec() : null,
                media ? m.sampleRate() : null, media ? m.channels() : null, media ? m.bitrate() : null,
                media ? m.coverUrl() : null, media ? m.waveformUrl() : null, media ? m.playableUrl() : null,
                receivedAt};
        long present = media ? 1L << PRESENT : 0;
        for (int i = 0; i < v.length; i++) {
            int column = i + 1;
            if (column == PRESENT) {
                continue;
            }
            if (v[i] != null) {
                present |= 1L << column;
            }
            p.setObject(column, v[i]);
        }
        p.setLong(PRESENT, present);
    }

    /** One row of {@link #FILE_COLUMNS}, read back as the file the server sent. */
    private static CachedFile read(ResultSet r) throws SQLException {
        long present = r.getLong(PRESENT);
        Row row = new Row(r, present);
        MediaInfo media = null;
        if ((present & (1L << PRESENT)) != 0) {
            media = new MediaInfo(row.integer(14), row.integer(15), row.instant(16), row.text(17), row.integer(18),
                    row.longOrNull(19), row.text(20), row.text(21), row.text(22), row.integer(23), row.integer(24),
                    row.text(25), row.integer(26), row.integer(27), row.integer(28), row.text(29), row.text(30),
                    row.text(31));
        }
        DriveFile f = new DriveFile(r.getString(1), r.getString(4), row.text(5), row.text(3), r.getLong(6),
                row.instant(7), r.getString(2), row.instant(8), row.instant(9), r.getInt(10), row.text(11),
                row.text(12), media);
        return new CachedFile(f, Instant.ofEpochMilli(r.getLong(32)));
    }

    /** Reads a nullable column only when the row's {@code present} bits say it holds a value. */
    private record Row(ResultSet r, long present) {
        private boolean has(int column) {
            return (present & (1L << column)) != 0;
        }

        String text(int column) throws SQLException {
            return has(column) ? r.getString(column) : null;
        }

        Integer integer(int column) throws SQLException {
            return has(column) ? r.getInt(column) : null;
        }

        Long longOrNull(int column) throws SQLException {
            return has(column) ? r.getLong(column) : null;
        }

        /** Times are stored as microseconds since the epoch: exact for the server's (JVM clock) timestamps. */
        Instant instant(int column) throws SQLException {
            if (!has(column)) {
                return null;
            }
            long v = r.getLong(column);
            return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L);
        }
    }

    /** Microseconds since the epoch, or null (none, or more than 292,000 years away: no real date). */
    private static Long micros(Instant t) {
        if (t == null) {
            return null;
        }
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
        } catch (ArithmeticException beyondAnyRealDate) {
            return null;
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(SqlWork work) throws LibraryStoreException {
        try {
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new LibraryStoreException("cannot write the library cache", e);
        }
    }

    private Optional<String> state(String key) throws LibraryStoreException {
        try {
            return stateIn(key);
        } catch (SQLException e) {
            throw new LibraryStoreException("cannot read the library cache", e);
        }
    }

    private Optional<String> stateIn(String key) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM sync_state WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private void putState(String key, String value) throws SQLException {
        if (value == null) {
            throw new SQLException("no value for " + key);
        }
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)")) {
            p.setString(1, key);
            p.setString(2, value);
            p.executeUpdate();
        }
    }

    private void deleteState(String key) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM sync_state WHERE key = ?")) {
            p.setString(1, key);
            p.executeUpdate();
        }
    }

    /** A row of schema 1 (read once, by the upgrade to schema 2). */
    static DriveFile fromJson(String json) throws SQLException {
        try {
            return Json.FILE.readValue(json);
        } catch (IOException e) {
            throw new SQLException("unreadable cached file", e);
        }
    }

    private static String digest(String server) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(server.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void privateFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Creates the database file 0600 before SQLite opens it (its -wal and -shm files take the same mode). */
    static void privateFile(Path file) throws IOException {
        if (posix(file.getParent())) {
            Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
            } catch (FileAlreadyExistsException exists) {
                Files.setPosixFilePermissions(file, owner);
            }
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            System.err.println("Closing the library cache " + file + ": " + e.getMessage());
        }
    }
}
