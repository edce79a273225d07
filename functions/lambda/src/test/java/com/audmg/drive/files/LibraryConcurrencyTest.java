package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Media;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Many clients of two users race every change the API has (creates, PUTs, double completes,
 * completes against DELETEs, trash, restore, rename, versions) on one library store; then every
 * invariant is checked: counters equal the files, every kept version's bytes exist at their size,
 * every stored object is referenced or scheduled for deletion, and the change feed's copy equals
 * the library. Seconds here ({@code -Dlibrary.race.seconds=N} for longer).
 */
class LibraryConcurrencyTest {

    private static final int SECONDS = Integer.getInteger("library.race.seconds", 8);
    private static TestCloud cloud;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        Wiring wiring = cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "100000", "QUOTA_BYTES", "50000000"));
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void racingChanges_shouldKeepEveryInvariant() throws Exception {
        List<String> tokens = List.of(api.newUser("racer-one"), api.newUser("racer-two"));
        Map<String, List<String>> ids = new ConcurrentHashMap<>();
        tokens.forEach(t -> ids.put(t, new CopyOnWriteArrayList<>()));
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String token = tokens.get(w % 2);
            workers.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    List<String> mine = ids.get(token);
                    String pick = mine.isEmpty() ? null : mine.get(random.nextInt(mine.size()));
                    int op = pick == null ? 0 : random.nextInt(9);
                    APIGatewayProxyResponseEvent response = switch (op) {
                        case 0, 1 -> createAndRace(token, mine, random.nextBoolean());
                        case 2 -> api.delete(token, pick);
                        case 3 -> api.deletePermanently(token, pick);
                        case 4 -> api.restore(token, pick);
                        case 5 -> api.rename(token, pick, "n" + random.nextInt(1000) + ".png");
                        case 6 -> newVersion(token, pick);
                        case 7 -> api.list(token, Map.of("status", random.nextBoolean() ? "ready" : "trashed"));
                        default -> api.get(token, pick);
                    };
                    statuses.computeIfAbsent(op + ":" + response.getStatusCode(), k -> new AtomicInteger()).incrementAndGet();
                    assertTrue(response.getStatusCode() < 500, "no server error: " + response.getBody());
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        System.out.println("library race: " + new java.util.TreeMap<>(statuses));

        for (String token : tokens) {
            checkInvariants(token);
        }
    }

    /** Create, PUT, then two completes at once, sometimes racing a DELETE of the same upload. */
    private static APIGatewayProxyResponseEvent createAndRace(String token, List<String> mine, boolean withDelete)
            throws Exception {
        byte[] png = Media.png(2 + ThreadLocalRandom.current().nextInt(30), 3);
        APIGatewayProxyResponseEvent created = api.create(token, "r.png", "image/png", png.length);
        if (created.getStatusCode() != 201) {
            return created;
        }
        JsonNode doc = json(created);
        String id = doc.get("file").get("id").asText();
        mine.add(id);
        Api.put(doc.get("upload"), png);
        ExecutorService race = Executors.newFixedThreadPool(3);
        try {
            Future<APIGatewayProxyResponseEvent> a = race.submit(() -> api.complete(token, id));
            Future<APIGatewayProxyResponseEvent> b = race.submit(() -> api.complete(token, id));
            Future<APIGatewayProxyResponseEvent> d = withDelete ? race.submit(() -> api.deletePermanently(token, id)) : null;
            a.get();
            b.get();
            if (d != null && d.get().getStatusCode() == 204) {
                mine.remove(id);
            }
            return a.get();
        } finally {
            race.shutdown();
        }
    }

    private static APIGatewayProxyResponseEvent newVersion(String token, String id) {
        byte[] png = Media.png(3, 2 + ThreadLocalRandom.current().nextInt(30));
        APIGatewayProxyResponseEvent created = api.createVersion(token, id, "image/png", png.length);
        if (created.getStatusCode() != 201) {
            return created;
        }
        JsonNode doc = json(created);
        Api.put(doc.get("upload"), png);
        return api.completeVersion(token, id, doc.get("version").get("versionId").asText());
    }

    private static void checkInvariants(String token) {
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        Map<String, JsonNode> files = new HashMap<>();
        for (String status : List.of("ready", "trashed", "pending")) {
            String cursor = null;
            do {
                Map<String, String> query = new HashMap<>(Map.of("status", status, "limit", "1000"));
                if (cursor != null) {
                    query.put("cursor", cursor);
                }
                JsonNode page = json(check(api.list(token, query), 200));
                page.get("items").forEach(f -> files.put(f.get("id").asText(), f));
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            } while (cursor != null);
        }
        // Counters equal the files.
        JsonNode usage = json(check(api.me(token), 200)).get("usage");
        long ready = files.values().stream().filter(f -> f.get("status").asText().equals("ready")).count();
        long trashed = files.values().stream().filter(f -> f.get("status").asText().equals("trashed")).count();
        assertEquals(ready, usage.get("files").asLong(), "ready files counted");
        assertEquals(trashed, usage.get("trashedFiles").asLong(), "trashed files counted");
        assertEquals(files.values().stream().filter(f -> f.get("status").asText().equals("ready"))
                .mapToLong(f -> f.get("size").asLong()).sum(), usage.get("bytes").asLong(), "ready bytes counted");

        // Every kept version's bytes exist, at their size; they are what a download serves.
        Map<String, Long> stored = new HashMap<>();
        for (S3Object o : cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.MEDIA_BUCKET)
                .prefix(userId + "/")).contents()) {
            stored.put(o.key().substring(userId.length() + 1), o.size());
        }
        Set<String> referenced = new HashSet<>();
        long versionBytes = 0;
        for (JsonNode f : files.values()) {
            if (f.get("status").asText().equals("pending")) {
                continue;
            }
            String id = f.get("id").asText();
            JsonNode download = json(check(api.get(token, id), 200)).get("download");
            assertEquals(f.get("size").asLong(), Api.download(download.get("url").asText()).body().length,
                    "the current version of " + id + " downloads at its size");
            Set<String> seenObjects = new HashSet<>();
            boolean first = true;
            for (JsonNode v : json(check(api.versions(token, id), 200)).get("items")) {
                JsonNode one = json(check(api.version(token, id, v.get("versionId").asText()), 200));
                String object = objectOf(one.get("download").get("url").asText(), userId);
                referenced.add(object);
                assertEquals(v.get("size").asLong(), stored.getOrDefault(object, -1L), "bytes of version " + v);
                if (first) {
                    seenObjects.add(object);
                } else if (seenObjects.add(object)) {
                    versionBytes += v.get("size").asLong();
                }
                first = false;
            }
        }
        assertEquals(versionBytes, usage.get("versionBytes").asLong(), "older versions counted, each object once");

        // Every stored object is referenced, belongs to an upload in flight, or is scheduled for deletion.
        Set<String> scheduled = new HashSet<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.DATA_BUCKET).prefix(Keys.GC_PREFIX)).contents()
                .forEach(o -> Keys.parseGcMarker(o.key()).filter(m -> m.bucket() == 'm')
                        .ifPresent(m -> scheduled.add(m.target().substring(m.target().lastIndexOf('/') + 1))));
        long inFlight = usage.get("pendingUploads").asLong();
        List<String> unaccounted = new ArrayList<>();
        for (String object : stored.keySet()) {
            if (!referenced.contains(object) && !scheduled.contains(object)) {
                unaccounted.add(object);
            }
        }
        assertTrue(unaccounted.size() <= inFlight, "objects neither referenced, in flight nor scheduled: "
                + unaccounted + " (uploads in flight: " + inFlight + ")");

        // The change feed's copy equals the library.
        Map<String, JsonNode> copy = new HashMap<>();
        String cursor = null;
        boolean more;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "50"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = json(check(api.changes(token, query), 200));
            for (JsonNode change : page.get("changes")) {
                if (change.get("type").asText().equals("remove")) {
                    copy.remove(change.get("id").asText());
                } else {
                    copy.put(change.get("file").get("id").asText(), change.get("file"));
                }
            }
            cursor = page.get("cursor").asText();
            more = page.get("hasMore").asBoolean();
        } while (more);
        assertEquals(files, copy, "the feed's copy equals the library (pending uploads included)");
    }

    private static String objectOf(String url, String userId) {
        String path = java.net.URI.create(url).getPath();
        return path.substring(path.indexOf(userId + "/") + userId.length() + 1);
    }
}
