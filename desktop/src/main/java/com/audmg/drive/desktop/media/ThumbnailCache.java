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
 * On-disk cache of image bytes keyed by file id. A file id is immutable content, so entries never go stale;
 * concurrent requests for the same id share one fetch. JavaFX then decodes the cached file downscaled.
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

    public ThumbnailCache(Path dir, Fetcher fetcher, ExecutorService executor) {
        this.dir = dir;
        this.fetcher = fetcher;
        this.executor = executor;
    }

    public Optional<Path> cached(String fileId) {
        Path p = pathFor(fileId);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The cached file for the id, fetching it in the background when missing. */
    public CompletableFuture<Path> get(String fileId) {
        Optional<Path> hit = cached(fileId);
        if (hit.isPresent()) {
            return CompletableFuture.completedFuture(hit.get());
        }
        return inFlight.computeIfAbsent(fileId, id -> CompletableFuture.supplyAsync(() -> load(id), executor)
                .whenComplete((p, e) -> inFlight.remove(id)));
    }

    public void evict(String fileId) {
        try {
            Files.deleteIfExists(pathFor(fileId));
        } catch (IOException ignored) {
            // a stale entry is only wasted space
        }
    }

    private Path load(String id) {
        Path target = pathFor(id);
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(dir);
            fetcher.fetch(id, tmp);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
