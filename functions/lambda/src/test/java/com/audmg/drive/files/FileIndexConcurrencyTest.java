package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
import com.audmg.drive.Media;
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

    /** Runs n calls at once (released together) and returns their results in call order. */
    private static <T> List<T> race(int n, java.util.function.IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void completeUpload_shouldNeverExceedQuota_whenUploadsRace() throws Exception {
        // GIVEN 12 uploads of 1,000 real bytes each, created at once against a quota of 10,000
        // (concurrent creates do not serialize, so a few may be accepted beyond the quota)
        String token = api.newUser("racing-uploader");
        byte[] bytes = Arrays.copyOf(Media.png(2, 2), 1000);
        List<JsonNode> accepted = new ArrayList<>();
        for (int status : race(12, i -> {
            var response = api.create(token, "pic-" + i + ".png", "image/png", bytes.length);
            if (response.getStatusCode() == 201) {
                synchronized (accepted) {
                    accepted.add(json(response));
                }
            }
            return response.getStatusCode();
        })) {
            assertTrue(status == 201 || status == 507, "create answered " + status);
        }
        assertTrue(accepted.size() >= 10, "the quota's worth of uploads is accepted: " + accepted.size());
        for (JsonNode created : accepted) {
            assertEquals(200, Api.put(created.get("upload"), bytes).statusCode());
        }

        // WHEN all of them are completed at once
        List<Integer> completed = race(accepted.size(), i ->
                api.complete(token, accepted.get(i).get("file").get("id").asText()).getStatusCode());

        // THEN exactly the quota's worth becomes ready, the rest is refused, and nothing is lost
        assertEquals(10, completed.stream().filter(s -> s == 200).count(), completed.toString());
        assertEquals(accepted.size() - 10, completed.stream().filter(s -> s == 507).count(), completed.toString());
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        List<FileRecord> stored = new FileIndex(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET)).read(userId);
        assertEquals(10, stored.size(), "no concurrent update was lost");
        assertEquals(10_000, json(check(api.me(token), 200)).get("usage").get("bytes").asLong());
        for (FileRecord file : stored) {
            assertEquals(200, Api.download(json(check(api.get(token, file.id()), 200))
                    .get("download").get("url").asText()).statusCode(), "bytes of a ready file are there");
        }
    }

    @Test
    void completeUpload_shouldKeepUploadPending_whenOverQuota_untilRoomIsMade() {
        // GIVEN a user at the quota, and an upload that got past create's check (as a racing
        // create can): its record and bytes written directly
        String token = api.newUser("over-the-top");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        byte[] bytes = Arrays.copyOf(Media.png(3, 3), 5000);
        List<String> ready = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ready.add(json(check(api.upload(token, "full-" + i + ".png", "image/png", bytes), 200))
                    .get("file").get("id").asText());
        }
        FileRecord late = new FileRecord(Keys.newId(), "late.png", "image/png", "image", bytes.length,
                Instant.now(), FileRecord.PENDING);
        new PendingUploads(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET), cloud.s3(), TestCloud.MEDIA_BUCKET,
                Duration.ofMinutes(15)).add(userId, late);
        cloud.s3().putObject(b -> b.bucket(TestCloud.MEDIA_BUCKET).key(Keys.media(userId, late.id())),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));

        // WHEN it is completed: refused, and still pending
        var refused = api.complete(token, late.id());
        assertEquals(507, refused.getStatusCode());
        assertEquals("quota_exceeded", Api.errorCode(refused));
        assertEquals(late.id(), json(check(api.list(token, Map.of("status", "pending")), 200))
                .get("items").get(0).get("id").asText());

        // THEN once room is made it completes, with its bytes
        assertEquals(204, api.delete(token, ready.get(0)).getStatusCode());
        assertEquals(200, api.complete(token, late.id()).getStatusCode());
        assertArrayEquals(bytes, Api.download(json(check(api.get(token, late.id()), 200))
                .get("download").get("url").asText()).body());
        assertEquals(10_000, json(check(api.me(token), 200)).get("usage").get("bytes").asLong());
    }

    @Test
    void createUpload_shouldNotContend_whenOneUserCreatesManyAtOnce() throws Exception {
        String token = api.newUser("burst-creator");

        List<Integer> statuses = race(16, i -> api.create(token, "burst-" + i + ".mp3", "audio/mpeg", 1).getStatusCode());

        assertEquals(List.copyOf(java.util.Collections.nCopies(16, 201)), statuses);
        JsonNode pending = json(check(api.list(token, Map.of("status", "pending", "limit", "1000")), 200));
        assertEquals(16, pending.get("items").size());
        pending.get("items").forEach(item -> assertEquals("pending", item.get("status").asText()));
        assertEquals(0, json(check(api.list(token, Map.of()), 200)).get("items").size(), "ready files only by default");
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
