package com.audmg.drive.desktop.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * On-disk cache of small images (the server's thumbnails), keyed by a safe key that names one content (file id and
 * version), so entries never go stale; concurrent requests for the same key share one fetch. The folder is bounded
 * by size: past {@code maxBytes} the least recently used entries are deleted. Originals do not belong here.
 */
public final class ThumbnailCache {

    /** Fetches the bytes of a file into {@code target}. */
    @FunctionalInterface
    public interface Fetcher {
        void fetch(String fileId, Path target) throws Exception;
    }

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final Path dir;
    private final Fetcher fetcher;
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
    private final long maxBytes;
    /** Bytes in the folder, scanned on first store; -1 until then. */
    private long totalBytes = -1;

    /** Default bound of the folder: thousands of server thumbnails (tens of KB each). */
    public static final long DEFAULT_MAX_BYTES = 200L * 1024 * 1024;

    public ThumbnailCache(Path dir, Fetcher fetcher, ExecutorService executor) {
        this(dir, fetcher, executor, DEFAULT_MAX_BYTES);
    }

    public ThumbnailCache(Path dir, Fetcher fetcher, ExecutorService executor, long maxBytes) {
        this.dir = dir;
        this.fetcher = fetcher;
        this.executor = executor;
        this.maxBytes = maxBytes;
    }

    public Optional<Path> cached(String fileId) {
        Path p = pathFor(fileId);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The cached file for the key, fetching it in the background with the cache's fetcher when missing. */
    public CompletableFuture<Path> get(String fileId) {
        return get(fileId, fetcher);
    }

    /** The cached file for the key, fetching it in the background with {@code fetch} when missing. */
    public CompletableFuture<Path> get(String key, Fetcher fetch) {
        Optional<Path> hit = cached(key);
        if (hit.isPresent()) {
            touch(hit.get());
            return CompletableFuture.completedFuture(hit.get());
        }
        // Registered before the fetch starts: a fetch finishing at once must not update the map from inside
        // its own computeIfAbsent (ConcurrentHashMap refuses that recursive update).
        CompletableFuture<Path> created = new CompletableFuture<>();
        CompletableFuture<Path> existing = inFlight.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        try {
            executor.execute(() -> {
                try {
                    Path p = load(key, fetch);
                    inFlight.remove(key, created);
                    created.complete(p);
                } catch (Throwable t) {
                    inFlight.remove(key, created);
                    created.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            inFlight.remove(key, created);
            created.completeExceptionally(shuttingDown);
        }
        return created;
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // only the eviction order suffers
        }
    }

    /** Deletes least recently used entries until the folder is within its bound. */
    private synchronized void stored(Path entry) {
        try {
            if (totalBytes < 0) {
                totalBytes = 0;
                try (var files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        totalBytes += Files.isRegularFile(f) ? Files.size(f) : 0;
                    }
                }
            } else {
                totalBytes += Files.size(entry);
            }
            if (totalBytes <= maxBytes) {
                return;
            }
            java.util.List<Path> entries;
            try (var files = Files.list(dir)) {
                entries = files.filter(f -> f.getFileName().toString().endsWith(".img")).toList();
            }
            java.util.List<Path> oldestFirst = new java.util.ArrayList<>(entries);
            oldestFirst.sort(java.util.Comparator.comparingLong(ThumbnailCache::modified));
            for (Path f : oldestFirst) {
                if (totalBytes <= maxBytes * 9 / 10 || f.equals(entry)) {
                    continue;
                }
                long size = Files.size(f);
                if (Files.deleteIfExists(f)) {
                    totalBytes -= size;
                }
            }
        } catch (IOException e) {
            totalBytes = -1; // rescan next time
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    public synchronized void evict(String fileId) {
        try {
            Path p = pathFor(fileId);
            if (totalBytes >= 0 && Files.isRegularFile(p)) {
                totalBytes -= Files.size(p);
            }
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale entry is only wasted space
        }
    }

    private Path load(String id, Fetcher fetch) {
        Path target = pathFor(id);
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(dir);
            fetch.fetch(id, tmp);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            stored(target);
            return target;
        } catch (Exception e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to clean
            }
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    Path pathFor(String fileId) {
        if (!SAFE_ID.matcher(fileId).matches() || fileId.startsWith(".")) {
            throw new IllegalArgumentException("unexpected file id: " + fileId);
        }
        return dir.resolve(fileId + ".img");
    }
}
