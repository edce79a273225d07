package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.Settings;
import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.library.LibraryCache;
import com.audmg.drive.desktop.media.AudioStreamProxy;
import com.audmg.drive.desktop.media.ThumbnailCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** What the views share: settings, the API client, background threads, caches. */
public final class AppContext implements AutoCloseable {

    private final Path dataDir;
    private final Settings settings;
    private final Notifier notifier = new Notifier();
    private final ExecutorService io;
    private final ExecutorService thumbnailIo;
    private AudioStreamProxy audioProxy;
    private volatile DriveClient client;
    private final ThumbnailCache thumbnails;
    private LibraryCache libraryCache;
    private volatile com.audmg.drive.desktop.model.StaySignedIn staySignedIn;
    private volatile Runnable onAccountDeleted = () -> { };

    public AppContext(Path dataDir, Settings settings) throws IOException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.io = Executors.newCachedThreadPool(daemon("io"));
        // Newest request first: after a fast scroll the tiles on screen load before the ones scrolled past.
        this.thumbnailIo = new java.util.concurrent.ThreadPoolExecutor(3, 3, 30, java.util.concurrent.TimeUnit.SECONDS,
                new LifoQueue(), daemon("thumbnail"));
        // Server thumbnails only (each call passes its fetch); originals are never cached. Ready before any
        // connection: an offline start shows the thumbnails on disk.
        this.thumbnails = new ThumbnailCache(dataDir.resolve("thumbnails"), (key, target) -> {
            throw new IllegalStateException("no fetch given for " + key);
        }, thumbnailIo);
    }

    /**
     * The offline library of the configured server (its folder {@code library/} in the data folder). The built-in
     * local cloud gets a new port at every start, so it is named, not addressed.
     */
    public synchronized LibraryCache libraryCache() {
        String remote = settings.remoteApiUrl == null ? "" : settings.remoteApiUrl.trim();
        String server = remote.isEmpty() ? "built-in local cloud" : remote;
        if (libraryCache == null || !libraryCache.server().equals(server)) {
            if (libraryCache != null) {
                libraryCache.close();
            }
            libraryCache = new LibraryCache(dataDir.resolve("library"), server);
        }
        return libraryCache;
    }

    /** A work queue that hands out the most recently offered task first. */
    private static final class LifoQueue extends java.util.concurrent.LinkedBlockingDeque<Runnable> {
        @Override
        public boolean offer(Runnable r) {
            return offerFirst(r);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Uses this client from now on (build it off the FX thread: its HttpClient loads the TLS context). */
    public void connect(DriveClient c) {
        this.client = c;
    }

    /** Keeps the session of the current connection across restarts (set by the main window at each connect). */
    public com.audmg.drive.desktop.model.StaySignedIn staySignedIn() {
        return staySignedIn;
    }

    public void staySignedIn(com.audmg.drive.desktop.model.StaySignedIn stay) {
        this.staySignedIn = stay;
    }

    /** What the app does once the account is deleted: forget its local data, back to the login. */
    public Runnable onAccountDeleted() {
        return onAccountDeleted;
    }

    public void onAccountDeleted(Runnable r) {
        this.onAccountDeleted = r;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Settings settings() {
        return settings;
    }

    public void saveSettings() {
        settings.save(dataDir);
    }

    public Notifier notifier() {
        return notifier;
    }

    public ExecutorService io() {
        return io;
    }

    /** Blocking work on the io threads, state changes on the FX thread: what the models run on. */
    public com.audmg.drive.desktop.model.Background background() {
        return new com.audmg.drive.desktop.model.Background(io, Fx::later);
    }

    public DriveClient client() {
        return client;
    }

    public ThumbnailCache thumbnails() {
        return thumbnails;
    }

    /** Started on first use: it carries an HttpClient, whose TLS context costs start-up time before the first frame. */
    public synchronized AudioStreamProxy audioProxy() {
        if (audioProxy == null) {
            try {
                audioProxy = new AudioStreamProxy();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot open the loopback audio endpoint", e);
            }
        }
        return audioProxy;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (audioProxy != null) {
                audioProxy.close();
            }
            if (libraryCache != null) {
                libraryCache.close();
            }
        }
        io.shutdownNow();
        thumbnailIo.shutdownNow();
    }
}
