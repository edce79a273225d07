package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.Me;
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
 */
public final class LibraryModel {

    /** What is listed. */
    public enum View { FILES, TRASH }

    /** Sort orders offered in the toolbar. */
    public enum Sort {
        NEWEST("Newest first", Comparator.comparing(DriveFile::createdAt,
                Comparator.nullsLast(Comparator.reverseOrder()))),
        OLDEST("Oldest first", Comparator.comparing(DriveFile::createdAt,
                Comparator.nullsLast(Comparator.naturalOrder()))),
        NAME("Name", Comparator.comparing((DriveFile f) -> f.name().toLowerCase(Locale.ROOT))),
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
    private long generation;

    public LibraryModel(Supplier<DriveClient> client, Background background) {
        this.client = client;
        this.background = background;
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
        }
        return refresh();
    }

    /** Lists the current view again, then reloads the usage. */
    public CompletableFuture<List<DriveFile>> refresh() {
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

    public CompletableFuture<Me> loadUsage() {
        return background.run(() -> client.get().me(), m -> {
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
        loadUsage();
    }

    /** Moves files to the trash; they leave the list as soon as the server has taken each. */
    public CompletableFuture<Bulk> trash(Collection<DriveFile> files) {
        return bulk(files, f -> {
            client.get().delete(f.id());
            return f;
        }, true);
    }

    /** Brings files back from the trash (also the undo of {@link #trash}). */
    public CompletableFuture<Bulk> restore(Collection<DriveFile> files) {
        return bulk(files, f -> client.get().restore(f.id()), view.get() == View.TRASH);
    }

    /** Deletes files for good. */
    public CompletableFuture<Bulk> deleteForever(Collection<DriveFile> files) {
        return bulk(files, f -> {
            client.get().deleteForever(f.id());
            return f;
        }, true);
    }

    /** Renames a file; the server's answer replaces it in the list. An unchanged or empty name does nothing. */
    public CompletableFuture<DriveFile> rename(DriveFile file, String newName) {
        String name = newName == null ? "" : newName.strip();
        if (name.isEmpty() || name.equals(file.name())) {
            return CompletableFuture.completedFuture(file);
        }
        return background.run(() -> client.get().rename(file.id(), name), renamed -> {
            replace(renamed);
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
        if (f.name().toLowerCase(Locale.ROOT).contains(lowerQuery)) {
            return true;
        }
        var m = f.media();
        return m != null && (contains(m.title(), lowerQuery) || contains(m.artist(), lowerQuery)
                || contains(m.album(), lowerQuery));
    }

    private static boolean contains(String s, String lowerQuery) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(lowerQuery);
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
