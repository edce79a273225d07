package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.audmg.drive.Api;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

/** The per-user index under concurrent writers, and at a size where listing must stay per page. */
class FileIndexConcurrencyTest {

    private static TestCloud cloud;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        Wiring wiring = cloud.wiring(Map.of("QUOTA_BYTES", "10000"));
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void createUpload_shouldNeverExceedQuota_whenRequestsRace() throws Exception {
        String token = api.newUser("racing-uploader");
        int requests = 12;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String name = "clip-" + i + ".wav";
            results.add(pool.submit(() -> {
                start.await();
                return api.create(token, name, "audio/wav", 1000).getStatusCode();
            }));
        }
        start.countDown();
        int created = 0;
        int overQuota = 0;
        for (Future<Integer> result : results) {
            int status = result.get();
            created += status == 201 ? 1 : 0;
            overQuota += status == 507 ? 1 : 0;
        }
        pool.shutdown();

        assertEquals(10, created, "exactly the quota's worth of uploads is accepted");
        assertEquals(2, overQuota);
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        List<FileRecord> stored = new FileIndex(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET)).read(userId);
        assertEquals(10, stored.size(), "no concurrent update was lost");
    }

    @Test
    void list_shouldPageThroughThousandsOfFiles_withOneIndexReadPerPage() {
        String token = api.newUser("archivist");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        int total = 2500;
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        new FileIndex(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET)).update(userId, files -> {
            List<FileRecord> many = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                many.add(new FileRecord(Keys.newId(), "track " + i + ".mp3", "audio/mpeg", "audio", 1,
                        base.plusSeconds(i / 3), FileRecord.READY));
            }
            return many;
        });

        Set<String> seen = new HashSet<>();
        Instant previous = Instant.MAX;
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "1000") : Map.of("limit", "1000", "cursor", cursor);
            JsonNode page = json(check(api.list(token, query), 200));
            for (JsonNode item : page.get("items")) {
                assertTrue(seen.add(item.get("id").asText()), "no duplicates across pages");
                Instant createdAt = Instant.parse(item.get("createdAt").asText());
                assertTrue(!createdAt.isAfter(previous), "newest first");
                previous = createdAt;
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertEquals(3, pages);
        assertEquals(total, seen.size());
        assertEquals(total, json(check(api.me(token), 200)).get("usage").get("files").asLong());
    }

    @Test
    void update_shouldAnswerBusyWithRetryAfter_whenEveryAttemptLosesTheRace() {
        // GIVEN a writer that changes the index between every read and write of the update
        FileIndex index = new FileIndex(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET));
        String userId = Keys.newId();
        index.update(userId, files -> files);

        // WHEN the update never wins its compare-and-swap
        var error = org.junit.jupiter.api.Assertions.assertThrows(com.audmg.drive.platform.ApiException.class,
                () -> index.update(userId, files -> {
                    // content must change: S3's ETag of identical bytes is identical
                    index.update(userId, inner -> {
                        List<FileRecord> more = new ArrayList<>(inner);
                        more.add(new FileRecord(Keys.newId(), "rival.mp3", "audio/mpeg", "audio", 1,
                                Instant.now(), FileRecord.READY));
                        return more;
                    });
                    return files;
                }));

        // THEN it is a documented, retryable 503, not an internal error
        assertEquals(503, error.status());
        assertEquals("busy", error.code());
        assertEquals("1", error.headers().get("Retry-After"));
    }
}
