package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.Me;
import com.audmg.drive.desktop.library.CachedFile;
import com.audmg.drive.desktop.library.LibraryCache;
import com.audmg.drive.desktop.library.LibrarySync;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;

/**
 * The user's files: what is listed (the drive or the trash), its filter, search and sort, storage usage, and the
 * commands on files (refresh, trash and undo, restore, delete for good, rename). No JavaFX UI: views bind to the
 * properties; state changes happen on the {@link Background#ui()} executor.
 *
 * <p>With a {@link LibraryCache} (the app), the files come from the account's local cache, opened at once and kept
 * exact by the change feed ({@link LibrarySync}): on sign-in, on {@link #refresh}, after this app's own commands and
 * periodically ({@link #startAutoSync}). Search, filter and sort always run here, over the loaded rows. When the
 * server cannot be reached the model says so ({@link #offlineProperty}) and keeps showing the cache. Without a cache
 * (some tests), {@link #refresh} lists the files from the server.
 */
public final class LibraryModel {

    /** What is listed. */
    public enum View { FILES, TRASH }

    /** Sort orders offered in the toolbar. */
    public enum Sort {
        NEWEST("Newest first", Comparator.comparing(DriveFile::createdAt,
                Comparator.nullsLast(Comparator.reverseOrder()))),
        /** The timeline: date taken (EXIF), else upload time; newest first. */
        TAKEN("Date taken", Comparator.comparing(LibraryModel::takenOrUploaded,
                Comparator.nullsLast(Comparator.reverseOrder()))),
        TAKEN_OLDEST("Date taken, oldest first", Comparator.comparing(LibraryModel::takenOrUploaded,
                Comparator.nullsLast(Comparator.naturalOrder()))),
        OLDEST("Oldest first", Comparator.comparing(DriveFile::createdAt,
                Comparator.nullsLast(Comparator.naturalOrder()))),
        // No lower-cased copies: sorting 100,000 names made millions of them.
        NAME("Name", Comparator.comparing(DriveFile::name, String.CASE_INSENSITIVE_ORDER)),
        LARGEST("Largest first", Comparator.comparingLong(DriveFile::size).reversed()),
        SMALLEST("Smallest first", Comparator.comparingLong(DriveFile::size));

        private final String label;
        private final Comparator<DriveFile> comparator;

        Sort(String label, Comparator<DriveFile> comparator) {
            this.label = label;
            this.comparator = comparator;
        }

        public Comparator<DriveFile> comparator() {
            return comparator;
        }

        /** The timeline orders, shown grouped by month. */
        public boolean isTimeline() {
            return this == TAKEN || this == TAKEN_OLDEST;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Outcome of a command on several files: those it worked for and why the others failed. */
    public record Bulk(List<DriveFile> done, Map<DriveFile, ApiException> failed) {
        public boolean allDone() {
            return failed.isEmpty();
        }
    }

    private final Supplier<DriveClient> client;
    private final Background background;
    private final ObservableList<DriveFile> all = FXCollections.observableArrayList();
    /** One wrapper, kept: it listens to {@code all} weakly, so a wrapper made per call would lose its listeners. */
    private final ObservableList<DriveFile> readOnlyAll = FXCollections.unmodifiableObservableList(all);
    private final FilteredList<DriveFile> filtered = new FilteredList<>(all, f -> true);
    private final SortedList<DriveFile> shown = new SortedList<>(filtered, Sort.NEWEST.comparator());
    private final StringProperty query = new SimpleStringProperty(this, "query", "");
    private final ObjectProperty<String> kind = new SimpleObjectProperty<>(this, "kind");
    private final ObjectProperty<Sort> sort = new SimpleObjectProperty<>(this, "sort", Sort.NEWEST);
    /** A column sort of the list view; when set it wins over {@link #sort}. */
    private final ObjectProperty<Comparator<DriveFile>> columnOrder = new SimpleObjectProperty<>(this, "columnOrder");
    private final ReadOnlyObjectWrapper<View> view = new ReadOnlyObjectWrapper<>(this, "view", View.FILES);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Me> me = new ReadOnlyObjectWrapper<>(this, "me");
    private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper(this, "countText", "");
    private final ReadOnlyBooleanWrapper offline = new ReadOnlyBooleanWrapper(this, "offline");
    private final ReadOnlyBooleanWrapper signedOut = new ReadOnlyBooleanWrapper(this, "signedOut");
    private final ReadOnlyObjectWrapper<Instant> syncedAt = new ReadOnlyObjectWrapper<>(this, "syncedAt");
    private final ReadOnlyStringWrapper offlineText = new ReadOnlyStringWrapper(this, "offlineText", "");
    private long generation;
    private final LibraryCache cache;
    /** The open account's cache (set on the ui executor). */
    private LibrarySync sync;
    private String username = "";
    private boolean syncing;
    /** Opened from the cache with nobody signed in (an offline start). */
    private boolean openedSignedOut;
    /** Asked for while a sync ran: the one that follows it, completing the futures of those who asked. */
    private CompletableFuture<List<DriveFile>> again;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> autoSync;

    public LibraryModel(Supplier<DriveClient> client, Background background) {
        this(client, background, null);
    }

    /** With the account's offline library in {@code cache} (null: list from the server only). */
    public LibraryModel(Supplier<DriveClient> client, Background background, LibraryCache cache) {
        this.client = client;
        this.background = background;
        this.cache = cache;
        offline.addListener((o, a, b) -> updateOfflineText());
        signedOut.addListener((o, a, b) -> updateOfflineText());
        syncedAt.addListener((o, a, b) -> updateOfflineText());
        query.addListener((o, a, b) -> applyFilter());
        kind.addListener((o, a, b) -> applyFilter());
        sort.addListener((o, a, b) -> applyOrder());
        columnOrder.addListener((o, a, b) -> applyOrder());
        filtered.addListener((ListChangeListener<DriveFile>) c -> updateCount());
        all.addListener((ListChangeListener<DriveFile>) c -> updateCount());
        updateCount();
    }

    // ---- state ---------------------------------------------------------------------------------

    /** The files shown: filtered and sorted. */
    public ObservableList<DriveFile> shown() {
        return shown;
    }

    /** Every file of the current view (unfiltered). */
    public ObservableList<DriveFile> all() {
        return readOnlyAll;
    }

    public StringProperty queryProperty() {
        return query;
    }

    /** {@code image}, {@code audio} or null for both. */
    public ObjectProperty<String> kindProperty() {
        return kind;
    }

    public ObjectProperty<Sort> sortProperty() {
        return sort;
    }

    public ObjectProperty<Comparator<DriveFile>> columnOrderProperty() {
        return columnOrder;
    }

    public ReadOnlyObjectProperty<View> viewProperty() {
        return view.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Me> meProperty() {
        return me.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty countTextProperty() {
        return countText.getReadOnlyProperty();
    }

    /** True while the server cannot be reached: the library shown is the cache. */
    public ReadOnlyBooleanProperty offlineProperty() {
        return offline.getReadOnlyProperty();
    }

    /** True while no one is signed in (an offline start from the cache): commands need a sign-in. */
    public ReadOnlyBooleanProperty signedOutProperty() {
        return signedOut.getReadOnlyProperty();
    }

    /** When the cache shown was last brought up to date with the server (null: never, or no cache). */
    public ReadOnlyObjectProperty<Instant> syncedAtProperty() {
        return syncedAt.getReadOnlyProperty();
    }

    /** A plain sentence for the offline banner, empty when online and signed in. */
    public ReadOnlyStringProperty offlineTextProperty() {
        return offlineText.getReadOnlyProperty();
    }

    /** Bytes of the listed files of one kind. */
    public long bytesOf(String k) {
        return all.stream().filter(f -> k.equals(f.kind())).mapToLong(DriveFile::size).sum();
    }

    // ---- commands ------------------------------------------------------------------------------

    /** Switches between the drive and the trash and lists it. */
    public CompletableFuture<List<DriveFile>> show(View v) {
        if (view.get() != v) {
            view.set(v);
            all.clear();
            if (sync != null) {
                // From the cache at once, then the sync brings what changed meanwhile.
                LibrarySync open = sync;
                long gen = ++generation;
                return background.run(() -> open.store().load(statusesOf(v)), rows -> {
                    if (gen == generation && view.get() == v && sync == open) {
                        all.setAll(files(rows));
                    }
                    return rows;
                }).thenCompose(rows -> refresh().handle((files, error) -> {
                    // Offline or signed out, the cached view is the answer (the banner says why it may be old).
                    if (error == null || isNetworkError(error) || isNotSignedIn(error)) {
                        return CompletableFuture.completedFuture((List<DriveFile>) List.copyOf(all));
                    }
                    return CompletableFuture.<List<DriveFile>>failedFuture(error);
                }).thenCompose(f -> f));
            }
        }
        return refresh();
    }

    /** Lists the current view again (with a cache: syncs it with the server), then reloads the usage. */
    public CompletableFuture<List<DriveFile>> refresh() {
        if (cache != null) {
            return sync(true);
        }
        View v = view.get();
        long gen = ++generation;
        busy.set(true);
        CompletableFuture<List<DriveFile>> listed = background.run(
                () -> v == View.TRASH ? client.get().listTrashed() : client.get().listAll(FileQuery.all()),
                files -> {
                    if (gen == generation && view.get() == v) {
                        all.setAll(files);
                        busy.set(false);
                    }
                    return files;
                });
        listed.whenComplete((files, error) -> {
            if (error != null) {
                background.ui().execute(() -> {
                    if (gen == generation) {
                        busy.set(false);
                    }
                });
            } else {
                loadUsage();
            }
        });
        return listed;
    }

    // ---- the offline library -------------------------------------------------------------------

    /**
     * Shows the cached library of an account at once, before (and without) any call to the server: the app's start
     * when that account was signed in at the last close. {@link #refresh} later brings it up to date.
     */
    public CompletableFuture<List<DriveFile>> openCached(String userId, String name) {
        if (cache == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no library cache"));
        }
        View v = view.get();
        long gen = ++generation;
        return background.run(() -> {
            LibrarySync s = cache.open(userId);
            showFirstScreen(s, v, gen);
            return new Opened(s, s.store().load(statusesOf(v)), s.store().syncedAt().orElse(null));
        }, opened -> {
            sync = opened.sync();
            DriveClient c = client.get();
            openedSignedOut = c == null || !c.isLoggedIn();
            username = name == null ? "" : name;
            syncedAt.set(opened.syncedAt());
            if (gen == generation && view.get() == v) {
                all.setAll(files(opened.rows()));
            }
            updateSignedOut();
            return all;
        });
    }

    private record Opened(LibrarySync sync, List<CachedFile> rows, Instant syncedAt) {
    }

    /** Rows of the first screen, while the whole library loads (call on io; the list is set on ui if still empty). */
    private void showFirstScreen(LibrarySync s, View v, long gen) throws Exception {
        List<CachedFile> first = s.store().loadNewest(statusesOf(v), FIRST_SCREEN);
        background.ui().execute(() -> {
            if (gen == generation && view.get() == v && all.isEmpty()) {
                all.setAll(files(first));
            }
        });
    }

    /** Rows shown before the whole library is loaded: more than a large window shows. */
    private static final int FIRST_SCREEN = 300;

    /** What a sync brings to the ui: what changed, and the rows to show when the whole view is reloaded. */
    private record Synced(LibrarySync sync, LibrarySync.Outcome outcome, List<CachedFile> reloaded, Me me) {
    }

    /**
     * Brings the cache up to date with the change feed and applies what changed to the list, without the busy
     * indicator: the periodic sync and the one after each command. At most one runs at a time; asked for meanwhile,
     * another follows.
     */
    public CompletableFuture<List<DriveFile>> syncNow() {
        return cache == null ? CompletableFuture.completedFuture(List.copyOf(all)) : sync(false);
    }

    private CompletableFuture<List<DriveFile>> sync(boolean visible) {
        if (syncing && !visible) {
            if (again == null) {
                again = new CompletableFuture<>();
            }
            return again;
        }
        DriveClient c;
        updateSignedOut();
        try {
            c = signedInClient();
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        syncing = true;
        if (visible) {
            busy.set(true);
        }
        LibrarySync known = sync;
        View v = view.get();
        long gen = generation;
        CompletableFuture<List<DriveFile>> result = background.run(() -> {
            LibrarySync s = known;
            Me who = null;
            boolean opened = false;
            if (s == null) {
                who = c.me();
                s = cache.open(who.userId());
                opened = true;
                showFirstScreen(s, v, gen); // what was cached shows before the sync's network calls
            }
            LibrarySync.Outcome outcome = s.sync(c);
            List<CachedFile> rows = opened || outcome.full() ? s.store().load(statusesOf(v)) : null;
            return new Synced(s, outcome, rows, who);
        }, synced -> {
            boolean accountChanged = sync != synced.sync();
            sync = synced.sync();
            syncing = false;
            offline.set(false);
            syncedAt.set(synced.outcome().receivedAt());
            if (synced.me() != null) {
                me.set(synced.me());
                rememberAccount(synced.me());
            }
            if (visible) {
                busy.set(false);
            }
            if (view.get() == v && synced.reloaded() != null) {
                ++generation;
                all.setAll(files(synced.reloaded()));
            } else if (accountChanged || view.get() != v) {
                reloadFromCache();
            } else {
                applyDelta(synced.outcome());
            }
            if (synced.me() == null && (visible || synced.outcome().changedAnything())) {
                loadUsage(); // (a first sync asked for it already)
            }
            followUp();
            return List.copyOf(all);
        });
        // Completes after the failure's state change, so that a caller sees the offline state with the failure.
        CompletableFuture<List<DriveFile>> done = new CompletableFuture<>();
        result.whenComplete((files, error) -> {
            if (error == null) {
                done.complete(files);
                return;
            }
            background.ui().execute(() -> {
                syncing = false;
                if (visible) {
                    busy.set(false);
                }
                if (isNetworkError(error)) {
                    offline.set(true);
                }
                updateSignedOut();
                done.completeExceptionally(error);
                followUp();
            });
        });
        return done;
    }

    /** Runs the sync asked for while the last one ran (on ui, after that one's state change). */
    private void followUp() {
        CompletableFuture<List<DriveFile>> waiting = again;
        if (waiting == null) {
            return;
        }
        again = null;
        sync(false).whenComplete((files, error) -> {
            if (error != null) {
                waiting.completeExceptionally(error);
            } else {
                waiting.complete(files);
            }
        });
    }

    private void reloadFromCache() {
        LibrarySync open = sync;
        View v = view.get();
        long gen = ++generation;
        background.run(() -> open.store().load(statusesOf(v)), rows -> {
            if (gen == generation && view.get() == v && sync == open) {
                all.setAll(files(rows));
            }
            return rows;
        });
    }

    /** Applies a sync's changes to the list in place: a few changes must not re-sort 100,000 rows. */
    private void applyDelta(LibrarySync.Outcome outcome) {
        if (!outcome.changedAnything()) {
            return;
        }
        Set<String> wanted = statusesOf(view.get());
        Map<String, DriveFile> pending = new LinkedHashMap<>(outcome.upserted());
        Set<String> removed = new HashSet<>(outcome.removed());
        Map<String, Integer> index = new HashMap<>(all.size() * 2);
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i).id(), i);
        }
        Set<String> drop = new HashSet<>(removed);
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Integer at = index.get(e.getKey());
            if (at == null) {
                continue;
            }
            it.remove();
            if (wanted.contains(e.getValue().status())) {
                if (!sameState(all.get(at), e.getValue())) {
                    // Not the echo of this app's own command: that one is shown already.
                    all.set(at, e.getValue());
                }
            } else {
                drop.add(e.getKey());
            }
        }
        if (!drop.isEmpty()) {
            all.removeIf(f -> drop.contains(f.id()));
        }
        List<DriveFile> add = pending.values().stream().filter(f -> wanted.contains(f.status())).toList();
        if (!add.isEmpty()) {
            all.addAll(add);
        }
    }

    /**
     * Syncs every {@code period} while the model lives (until {@link #stopAutoSync}): a sync that finds nothing new
     * costs one small request. Skipped while no one is signed in.
     */
    public synchronized void startAutoSync(java.time.Duration period) {
        stopAutoSync();
        if (cache == null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "library-sync");
            t.setDaemon(true);
            return t;
        });
        long ms = period.toMillis();
        autoSync = timer.scheduleWithFixedDelay(() -> background.ui().execute(() -> {
            DriveClient c = client.get();
            if (c != null && c.isLoggedIn()) {
                syncNow();
            }
        }), ms, ms, TimeUnit.MILLISECONDS);
    }

    public synchronized void stopAutoSync() {
        if (autoSync != null) {
            autoSync.cancel(false);
            autoSync = null;
        }
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** The server cannot be reached at all (its backend did not start): say so over the cached library. */
    public void serverUnreachable() {
        offline.set(true);
    }

    /**
     * The account signed in explicitly signed out: its offline library is deleted from this computer (the file names,
     * tags and dates of the whole drive should not stay behind on a shared or handed-on machine; the next sign-in
     * syncs it again), and the next start shows the login. The list empties at once; the files go on the io executor.
     */
    public CompletableFuture<Void> signedOut() {
        stopAutoSync();
        ++generation;
        all.clear();
        me.set(null);
        if (cache == null) {
            return CompletableFuture.completedFuture(null);
        }
        sync = null;
        return CompletableFuture.runAsync(cache::deleteAccount, background.io());
    }

    private void rememberAccount(Me who) {
        if (cache == null || who.userId() == null) {
            return;
        }
        String name = who.username() != null ? who.username() : username;
        background.io().execute(() -> {
            try {
                cache.remember(new LibraryCache.Account(who.userId(), name));
            } catch (java.io.IOException e) {
                System.err.println("Could not remember the signed-in account: " + e.getMessage());
            }
        });
    }

    private void updateSignedOut() {
        DriveClient c = client.get();
        signedOut.set(c == null || !c.isLoggedIn());
    }

    private void updateOfflineText() {
        String since = syncedAt.get() == null ? "" : " as of " + Messages.when(syncedAt.get());
        if (offline.get()) {
            offlineText.set("Offline: showing your library" + since + ". Changes need the server; "
                    + "it reconnects by itself.");
        } else if (signedOut.get() && sync != null) {
            offlineText.set("Not signed in: showing your library" + since + ". Sign in to sync and make changes.");
        } else {
            offlineText.set("");
        }
    }

    /** The same state of a file, whatever its signed URLs (new ones come with every answer). */
    static boolean sameState(DriveFile a, DriveFile b) {
        return withoutUrls(a).equals(withoutUrls(b));
    }

    private static DriveFile withoutUrls(DriveFile f) {
        var m = f.media();
        var media = m == null ? null : new com.audmg.drive.desktop.api.MediaInfo(m.width(), m.height(), m.takenAt(),
                m.camera(), m.orientation(), m.durationMs(), m.title(), m.artist(), m.album(), m.track(), m.year(),
                m.codec(), m.sampleRate(), m.channels(), m.bitrate(), m.coverUrl() == null ? null : "",
                m.waveformUrl() == null ? null : "", m.playableUrl() == null ? null : "");
        return new DriveFile(f.id(), f.name(), f.contentType(), f.kind(), f.size(), f.createdAt(), f.status(),
                f.updatedAt(), f.trashedAt(), f.version(), f.processing(), f.thumbnailUrl() == null ? null : "", media);
    }

    static boolean isNetworkError(Throwable error) {
        return Background.unwrap(error) instanceof ApiException api && api.status() == 0
                && !"interrupted".equals(api.code());
    }

    static boolean isNotSignedIn(Throwable error) {
        return Background.unwrap(error) instanceof ApiException api && "not_signed_in".equals(api.code());
    }

    private static ApiException notSignedIn() {
        return new ApiException(401, "not_signed_in", "Sign in to do this: you are seeing your library as last synced.");
    }

    /**
     * A client to call the server with, or the plain reason why there is none. After an offline start nobody has
     * signed in yet: say so. Otherwise a client without a session is called anyway: its 401 tells the app that the
     * session ended (back to the login).
     */
    private DriveClient signedInClient() throws ApiException {
        DriveClient c = client.get();
        if (c == null || (openedSignedOut && !c.isLoggedIn())) {
            throw notSignedIn();
        }
        return c;
    }

    private static Set<String> statusesOf(View v) {
        return v == View.TRASH ? Set.of("trashed") : Set.of("ready");
    }

    private static List<DriveFile> files(List<CachedFile> rows) {
        List<DriveFile> out = new ArrayList<>(rows.size());
        for (CachedFile r : rows) {
            out.add(r.file());
        }
        return out;
    }

    /** When a photo was taken (EXIF), else when the file was uploaded: the timeline's time. */
    public static Instant takenOrUploaded(DriveFile f) {
        var m = f.media();
        return m != null && m.takenAt() != null ? m.takenAt() : f.createdAt();
    }

    /** The timeline group of a file: the month it was taken (else uploaded) in, in the given zone. */
    public static YearMonth monthOf(DriveFile f, ZoneId zone) {
        Instant t = takenOrUploaded(f);
        return t == null ? null : YearMonth.from(t.atZone(zone));
    }

    /** The month heading of a file in this machine's time zone (the timeline's groups). */
    public static String monthHeading(DriveFile f) {
        return monthHeading(monthOf(f, ZoneId.systemDefault()));
    }

    /** A month heading, e.g. "November 2026". */
    public static String monthHeading(YearMonth month) {
        return month == null ? "Unknown date"
                : month.getMonth().getDisplayName(TextStyle.FULL, Locale.getDefault()) + " " + month.getYear();
    }

    public CompletableFuture<Me> loadUsage() {
        return background.run(() -> signedInClient().me(), m -> {
            me.set(m);
            return m;
        });
    }

    /** A file uploaded meanwhile: shown at once in the drive view. */
    public void added(DriveFile file) {
        if (view.get() == View.FILES) {
            all.removeIf(f -> f.sameFile(file));
            all.add(file);
        }
        if (cache != null) {
            syncNow();
        }
        loadUsage();
    }

    /** Moves files to the trash; they leave the list as soon as the server has taken each. */
    public CompletableFuture<Bulk> trash(Collection<DriveFile> files) {
        return bulk(files, f -> {
            signedInClient().delete(f.id());
            return f;
        }, true);
    }

    /** Brings files back from the trash (also the undo of {@link #trash}). */
    public CompletableFuture<Bulk> restore(Collection<DriveFile> files) {
        return bulk(files, f -> signedInClient().restore(f.id()), view.get() == View.TRASH);
    }

    /** Deletes files for good. */
    public CompletableFuture<Bulk> deleteForever(Collection<DriveFile> files) {
        return bulk(files, f -> {
            signedInClient().deleteForever(f.id());
            return f;
        }, true);
    }

    /** Renames a file; the server's answer replaces it in the list. An unchanged or empty name does nothing. */
    public CompletableFuture<DriveFile> rename(DriveFile file, String newName) {
        String name = newName == null ? "" : newName.strip();
        if (name.isEmpty() || name.equals(file.name())) {
            return CompletableFuture.completedFuture(file);
        }
        return background.run(() -> signedInClient().rename(file.id(), name), renamed -> {
            replace(renamed);
            syncNow();
            return renamed;
        });
    }

    /** The file replaced in place (same id), when it is listed. */
    public void replace(DriveFile file) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).sameFile(file)) {
                all.set(i, file);
                return;
            }
        }
    }

    private interface FileCall {
        DriveFile apply(DriveFile f) throws ApiException;
    }

    /**
     * Runs a call per file (one after another: the server's index takes one change at a time anyway), then removes
     * the files that worked from the list when {@code removeDone}, or puts the server's answer back into the list.
     */
    private CompletableFuture<Bulk> bulk(Collection<DriveFile> files, FileCall call, boolean removeDone) {
        List<DriveFile> targets = List.copyOf(files);
        View v = view.get();
        busy.set(true);
        CompletableFuture<Bulk> result = background.run(() -> {
            List<DriveFile> done = new ArrayList<>();
            Map<DriveFile, ApiException> failed = new LinkedHashMap<>();
            for (DriveFile f : targets) {
                try {
                    DriveFile answer = call.apply(f);
                    done.add(answer == null ? f : answer);
                } catch (ApiException e) {
                    failed.put(f, e);
                }
            }
            return new Bulk(List.copyOf(done), failed);
        }, bulk -> {
            busy.set(false);
            if (view.get() == v) {
                for (DriveFile f : bulk.done()) {
                    if (removeDone) {
                        all.removeIf(x -> x.sameFile(f));
                    } else if (all.stream().anyMatch(x -> x.sameFile(f))) {
                        replace(f);
                    } else {
                        all.add(f);
                    }
                }
            }
            return bulk;
        });
        result.whenComplete((b, e) -> {
            if (e != null) {
                background.ui().execute(() -> busy.set(false));
            } else {
                background.ui().execute(() -> {
                    if (b.failed().values().stream().anyMatch(LibraryModel::isNetworkError)) {
                        offline.set(true);
                    }
                    syncNow();
                });
                loadUsage();
            }
        });
        return result;
    }

    // ---- derived state -------------------------------------------------------------------------

    private void applyFilter() {
        String q = query.get() == null ? "" : query.get().trim().toLowerCase(Locale.ROOT);
        String k = kind.get();
        filtered.setPredicate(f -> (k == null || k.equals(f.kind())) && (q.isEmpty() || matches(f, q)));
    }

    /** Name, and the title, artist and album of audio, as the server's search does. */
    static boolean matches(DriveFile f, String lowerQuery) {
        if (contains(f.name(), lowerQuery)) {
            return true;
        }
        var m = f.media();
        return m != null && (contains(m.title(), lowerQuery) || contains(m.artist(), lowerQuery)
                || contains(m.album(), lowerQuery));
    }

    /** Case-insensitive substring test without a lower-cased copy (a search runs it over every loaded row). */
    private static boolean contains(String s, String lowerQuery) {
        if (s == null) {
            return false;
        }
        int n = lowerQuery.length();
        for (int i = 0, last = s.length() - n; i <= last; i++) {
            if (s.regionMatches(true, i, lowerQuery, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private void applyOrder() {
        Comparator<DriveFile> c = columnOrder.get();
        shown.setComparator(c != null ? c : sort.get() == null ? Sort.NEWEST.comparator() : sort.get().comparator());
    }

    private void updateCount() {
        String noun = view.get() == View.TRASH ? " in the trash" : "";
        countText.set(filtered.size() == all.size() ? plural(all.size()) + noun
                : filtered.size() + " of " + plural(all.size()) + noun);
    }

    private static String plural(int n) {
        return n == 1 ? "1 file" : n + " files";
    }
}
