package com.audmg.drive.desktop.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailCacheTest {

    @TempDir
    Path dir;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void get_shouldFetchOnce_whenSameIdRequestedConcurrentlyAndLater() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        ThumbnailCache cache = new ThumbnailCache(dir, (id, target) -> {
            fetches.incrementAndGet();
            gate.await();
            Files.write(target, id.getBytes());
        }, executor);
        CompletableFuture<Path> a = cache.get("file-1");
        CompletableFuture<Path> b = cache.get("file-1");
        gate.countDown();
        Path p = a.get(5, TimeUnit.SECONDS);
        assertEquals(p, b.get(5, TimeUnit.SECONDS));
        assertArrayEquals("file-1".getBytes(), Files.readAllBytes(p));
        // a later request is a disk hit, and survives a new cache instance (app restart)
        ThumbnailCache reopened = new ThumbnailCache(dir, (id, t) -> fetches.incrementAndGet(), executor);
        assertEquals(p, reopened.get("file-1").get(5, TimeUnit.SECONDS));
        assertEquals(1, fetches.get());
    }

    @Test
    void get_shouldLeaveNoEntry_whenFetchFails() {
        ThumbnailCache cache = new ThumbnailCache(dir, (id, target) -> {
            Files.write(target, new byte[] {1, 2});
            throw new IllegalStateException("boom");
        }, executor);
        assertThrows(ExecutionException.class, () -> cache.get("broken").get(5, TimeUnit.SECONDS));
        assertTrue(cache.cached("broken").isEmpty());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void evict_shouldRemoveEntry_andUnsafeIdsAreRejected() throws Exception {
        ThumbnailCache cache = new ThumbnailCache(dir, (id, t) -> Files.write(t, new byte[] {7}), executor);
        cache.get("abc").get(5, TimeUnit.SECONDS);
        assertTrue(cache.cached("abc").isPresent());
        cache.evict("abc");
        assertFalse(cache.cached("abc").isPresent());
        assertThrows(IllegalArgumentException.class, () -> cache.pathFor("../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> cache.pathFor(".."));
    }

    @Test
    void get_shouldKeepTheFolderWithinItsBound_droppingTheLeastRecentlyUsed() throws Exception {
        // GIVEN a cache bounded to 10 KB and entries of 3 KB
        ThumbnailCache cache = new ThumbnailCache(dir, (id, t) -> Files.write(t, new byte[3 * 1024]), executor,
                10 * 1024);
        cache.get("a").get(5, TimeUnit.SECONDS);
        cache.get("b").get(5, TimeUnit.SECONDS);
        cache.get("c").get(5, TimeUnit.SECONDS);
        Files.setLastModifiedTime(cache.pathFor("a"), java.nio.file.attribute.FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(cache.pathFor("b"), java.nio.file.attribute.FileTime.fromMillis(2_000));
        Files.setLastModifiedTime(cache.pathFor("c"), java.nio.file.attribute.FileTime.fromMillis(3_000));
        // WHEN "a" is used again and a fourth entry goes past the bound
        cache.get("a").get(5, TimeUnit.SECONDS);
        cache.get("d", (id, t) -> Files.write(t, new byte[3 * 1024])).get(5, TimeUnit.SECONDS);
        // THEN the least recently used entries went until the folder is under the bound; the new one and "a" stay
        assertTrue(cache.cached("d").isPresent());
        assertTrue(cache.cached("a").isPresent());
        assertFalse(cache.cached("b").isPresent());
        long total;
        try (var files = Files.list(dir)) {
            total = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(total <= 10 * 1024, "folder holds " + total + " bytes");
    }
}
