package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.UploadJob;
import com.audmg.drive.desktop.api.UploadQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Uploads: adds files and folders (folders recursively, hidden files and folders skipped) to the queue, which sends
 * two at a time; tells the library about each uploaded file. A file the drive already has (same name and size: the
 * API exposes no content hash) waits for the user's choice, skip or keep both (uploaded under a free name such as
 * "photo (2).jpg"), for it alone or for all. The overall progress (bytes of the batches under way, smoothed speed,
 * time left) is kept up to date. With a journal, the files not uploaded yet are kept on disk and {@link #resume}
 * queues them again after a restart, from their first byte (the API has no resumable uploads). State changes
 * happen on the ui thread; {@link #add}, {@link #decide} and {@link #resume} are called there.
 */
public final class UploadsModel implements AutoCloseable {

    /** What to do with a file the drive already has. */
    public enum Choice { SKIP, KEEP_BOTH }

    /** A file waiting for the user's choice: it looks like {@code existing}, already in the drive. */
    public record Duplicate(Path path, long size, DriveFile existing, long batch) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    /** What {@link #resume} did: files queued again, and a plain message for each file left out. */
    public record Resumed(List<Path> queued, List<String> skipped) {
    }

    private final UploadQueue queue;
    private final Background background;
    private final Supplier<List<DriveFile>> library;
    private final UploadJournal journal;
    private final Supplier<String> account;
    private final LongSupplier clock;
    private final ReadOnlyBooleanWrapper panelWanted = new ReadOnlyBooleanWrapper(this, "panelWanted");
    private final ObservableList<Duplicate> duplicates = FXCollections.observableArrayList();
    private final ObservableList<Duplicate> duplicatesView = FXCollections.unmodifiableObservableList(duplicates);
    private final ReadOnlyDoubleWrapper overall = new ReadOnlyDoubleWrapper(this, "overall");
    private final ReadOnlyStringWrapper overallText = new ReadOnlyStringWrapper(this, "overallText", "");
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper(this, "active");
    private final UploadProgress progress = new UploadProgress();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicBoolean saveScheduled = new AtomicBoolean();
    private final Map<UploadJob, UploadJob.State> journaled = new ConcurrentHashMap<>();
    private volatile boolean closing;
    /** The journal's entries of the last run, until {@link #resume} takes them (kept when the journal is saved). */
    private List<UploadJournal.Entry> leftOver;
    private long batches;

    /** Without duplicate checks or a journal. */
    public UploadsModel(UploadQueue queue, Background background, Consumer<DriveFile> onUploaded) {
        this(queue, background, onUploaded, List::of, null, () -> "", System::nanoTime);
    }

    /**
     * {@code library}: the files of the drive (read on the ui thread) that duplicates are looked for in;
     * {@code journal}: where unfinished uploads are kept (null: nowhere); {@code account}: whose uploads these are.
     */
    public UploadsModel(UploadQueue queue, Background background, Consumer<DriveFile> onUploaded,
                        Supplier<List<DriveFile>> library, UploadJournal journal, Supplier<String> account,
                        LongSupplier nanoClock) {
        this.queue = queue;
        this.background = background;
        this.library = library;
        this.journal = journal;
        this.account = account;
        this.clock = nanoClock;
        queue.addListener(new UploadQueue.Listener() {
            @Override
            public void changed(UploadJob job) {
                if (journaled.put(job, job.state()) != job.state()) {
                    saveJournalSoon();
                }
                if (refreshPending.compareAndSet(false, true)) {
                    background.ui().execute(() -> {
                        refreshPending.set(false);
                        refreshOverall();
                    });
                }
            }

            @Override
            public void uploaded(DriveFile file) {
                background.ui().execute(() -> onUploaded.accept(file));
            }
        });
    }

    public UploadQueue queue() {
        return queue;
    }

    /** True once something was added: the view shows the queue. */
    public ReadOnlyBooleanProperty panelWantedProperty() {
        return panelWanted.getReadOnlyProperty();
    }

    /** Files the drive already has, waiting for skip or keep both; the view asks about the first. */
    public ObservableList<Duplicate> duplicates() {
        return duplicatesView;
    }

    /** Bytes done of the batches under way, 0-1. */
    public ReadOnlyDoubleProperty overallProgressProperty() {
        return overall.getReadOnlyProperty();
    }

    /** "3 of 10 files · 12 MB of 40 MB · 2.1 MB/s · about 14 s left", or empty when nothing is under way. */
    public ReadOnlyStringProperty overallTextProperty() {
        return overallText.getReadOnlyProperty();
    }

    /** True while files are waiting or being sent. */
    public ReadOnlyBooleanProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    /**
     * Adds files, and the files inside folders (recursively), as one batch; returns the files found. Those the drive
     * already has wait in {@link #duplicates()} for {@link #decide}.
     */
    public List<Path> add(Collection<Path> filesOrFolders) {
        List<Path> files = expand(filesOrFolders);
        if (files.isEmpty()) {
            return files;
        }
        long batch = ++batches;
        panelWanted.set(false);
        panelWanted.set(true);
        List<DriveFile> existing = library.get();
        for (Path p : files) {
            long size = sizeOf(p);
            var same = size > 0 ? Duplicates.existing(p.getFileName().toString(), size, existing)
                    : java.util.Optional.<DriveFile>empty();
            if (same.isPresent()) {
                duplicates.add(new Duplicate(p, size, same.get(), batch));
            } else {
                queue.add(p, p.getFileName().toString(), batch);
            }
        }
        return files;
    }

    /** Applies the user's choice to {@code d}, or to every file waiting for one. */
    public void decide(Duplicate d, Choice choice, boolean forAll) {
        List<Duplicate> targets = forAll ? List.copyOf(duplicates) : List.of(d);
        for (Duplicate t : targets) {
            if (!duplicates.remove(t)) {
                continue;
            }
            if (choice == Choice.KEEP_BOTH) {
                queue.add(t.path(), Duplicates.freeName(t.name(), takenNames()), t.batch());
            }
        }
        refreshOverall();
    }

    /** Names in the drive and in the queue (not failed or cancelled): a "keep both" name must differ from all. */
    private List<String> takenNames() {
        List<String> names = new ArrayList<>();
        library.get().forEach(f -> names.add(f.name()));
        for (UploadJob j : queue.jobs()) {
            if (j.state() != UploadJob.State.FAILED && j.state() != UploadJob.State.CANCELLED) {
                names.add(j.name());
            }
        }
        return names;
    }

    /**
     * Queues again the uploads this account left unfinished when the app last closed. A file that vanished or changed
     * since (size or modification time) is left out with a plain message, and so is one the drive has by now (same
     * name and size: its upload finished just before the app closed).
     */
    public Resumed resume() {
        if (journal == null) {
            return new Resumed(List.of(), List.of());
        }
        String who = account.get();
        List<UploadJournal.Entry> entries;
        synchronized (journal) {
            entries = notResumed(who);
            leftOver = List.of();
        }
        List<Path> queued = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (entries.isEmpty()) {
            return new Resumed(queued, skipped);
        }
        long batch = ++batches;
        List<DriveFile> existing = library.get();
        for (UploadJournal.Entry e : entries) {
            Path p = Path.of(e.path());
            String name = p.getFileName().toString();
            if (!Files.isRegularFile(p)) {
                skipped.add("\"" + name + "\" is no longer there: not uploaded.");
                continue;
            }
            long size = sizeOf(p);
            long modified;
            try {
                modified = Files.getLastModifiedTime(p).toMillis();
            } catch (IOException ex) {
                modified = -2;
            }
            if (size != e.size() || modified != e.modifiedMillis()) {
                skipped.add("\"" + name + "\" changed since it was queued: not uploaded. Add it again to upload it.");
            } else if (Duplicates.existing(e.name(), size, existing).isPresent()) {
                skipped.add("\"" + e.name() + "\" is already in your drive.");
            } else {
                queue.add(p, e.name(), batch);
                queued.add(p);
            }
        }
        saveJournal();
        if (!queued.isEmpty()) {
            panelWanted.set(false);
            panelWanted.set(true);
        }
        return new Resumed(queued, skipped);
    }

    /** Guarded by the journal. */
    private List<UploadJournal.Entry> notResumed(String who) {
        if (leftOver == null) {
            leftOver = journal.read().stream().filter(e -> who.equals(e.account())).toList();
        }
        return leftOver;
    }

    /** Saves the journal on an io thread, once for any number of changes meanwhile (a folder of 1,000 files). */
    private void saveJournalSoon() {
        if (journal != null && !closing && saveScheduled.compareAndSet(false, true)) {
            try {
                background.io().execute(() -> {
                    saveScheduled.set(false);
                    saveJournal();
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                saveScheduled.set(false);
            }
        }
    }

    /** Keeps the files not uploaded yet (waiting or being sent) on disk; not while closing (that cancels them). */
    private void saveJournal() {
        if (journal == null) {
            return;
        }
        synchronized (journal) {
            if (closing) {
                return;
            }
            String who = account.get();
            List<UploadJob> jobs = new ArrayList<>(queue.jobs());
            jobs.sort(Comparator.comparingLong(UploadJob::batch)); // oldest batch first, as they were added
            List<UploadJournal.Entry> entries = new ArrayList<>(notResumed(who));
            for (UploadJob j : jobs) {
                if (!j.isFinished() && j.size() > 0) {
                    entries.add(new UploadJournal.Entry(who, j.path().toAbsolutePath().toString(), j.name(),
                            j.size(), j.modifiedMillis()));
                }
            }
            journal.replace(who, entries);
        }
    }

    private void refreshOverall() {
        List<UploadJob> jobs = queue.jobs();
        // The batches under way: those with a file waiting or being sent.
        java.util.Set<Long> open = new java.util.HashSet<>();
        for (UploadJob j : jobs) {
            if (!j.isFinished()) {
                open.add(j.batch());
            }
        }
        if (open.isEmpty()) {
            progress.reset();
            overall.set(duplicates.isEmpty() ? 0 : overall.get());
            overallText.set("");
            active.set(false);
            return;
        }
        long done = 0;
        long total = 0;
        int filesDone = 0;
        int files = 0;
        for (UploadJob j : jobs) {
            if (!open.contains(j.batch()) || j.state() == UploadJob.State.FAILED
                    || j.state() == UploadJob.State.CANCELLED) {
                continue;
            }
            files++;
            total += j.size();
            done += j.state() == UploadJob.State.DONE ? j.size() : j.bytesSent();
            if (j.state() == UploadJob.State.DONE) {
                filesDone++;
            }
        }
        UploadProgress.Snapshot s = progress.update(done, total, clock.getAsLong());
        active.set(true);
        overall.set(s.fraction());
        String eta = UploadProgress.eta(s.etaSeconds());
        overallText.set(filesDone + " of " + files + " files · " + UploadProgress.bytes(done)
                + " of " + UploadProgress.bytes(total)
                + (s.bytesPerSecond() > 0 ? " · " + UploadProgress.bytes((long) s.bytesPerSecond()) + "/s" : "")
                + (eta.isEmpty() ? "" : " · " + eta));
    }

    /** Recomputes the overall progress now (the view also calls it on a timer so that the time left moves). */
    public void tick() {
        refreshOverall();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Files in the given order; a folder's files sorted by path; hidden entries in folders left out. */
    public static List<Path> expand(Collection<Path> filesOrFolders) {
        List<Path> out = new ArrayList<>();
        for (Path p : filesOrFolders) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !isHiddenBelow(p, f))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(out::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    out.add(p); // the queue reports it as unreadable on its own row
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean isHiddenBelow(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Stops the uploads; those not finished stay in the journal for the next start. */
    @Override
    public void close() {
        saveJournal();
        if (journal != null) {
            synchronized (journal) {
                closing = true;
            }
        }
        closing = true;
        queue.close();
    }
}
