package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Media;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Trash, rename, versions, the change feed, lifecycles and migration, through the handlers on a real S3. */
class LibraryTest {

    private static final long QUOTA = 4_000_000;
    private static TestCloud cloud;
    private static MutableClock clock;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        wiring = cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "1000000", "QUOTA_BYTES", Long.toString(QUOTA)), clock);
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    private static String upload(String token, String name, byte[] bytes) {
        return json(check(api.upload(token, name, "image/png", bytes), 200)).get("file").get("id").asText();
    }

    private static JsonNode file(String token, String id) {
        return json(check(api.get(token, id), 200)).get("file");
    }

    private static JsonNode usage(String token) {
        return json(check(api.me(token), 200)).get("usage");
    }

    @Test
    void renameTrashAndRestore_shouldKeepIdBytesAndCounts() {
        String token = api.newUser("trasher");
        byte[] png = Media.png(20, 10);
        String id = upload(token, "a.png", png);

        assertEquals("b.png", json(check(api.rename(token, id, "b.png"), 200)).get("file").get("name").asText());
        assertInvalidField(api.rename(token, id, ""), "name");
        check(api.delete(token, id), 204);
        JsonNode trashed = file(token, id);
        assertEquals("trashed", trashed.get("status").asText());
        assertTrue(trashed.hasNonNull("trashedAt"));
        assertEquals(png.length, usage(token).get("trashedBytes").asLong());
        assertEquals(0, usage(token).get("files").asLong());

        JsonNode restored = json(check(api.restore(token, id), 200)).get("file");
        assertEquals("ready", restored.get("status").asText());
        assertEquals("b.png", restored.get("name").asText());
        assertFalse(restored.has("trashedAt"));
        assertArrayEquals(png, Api.download(json(check(api.get(token, id), 200)).get("download").get("url").asText()).body());
        assertEquals(1, usage(token).get("files").asLong());
        assertEquals(0, usage(token).get("trashedFiles").asLong());
    }

    @Test
    void versions_shouldKeepOlderContent_restoreIt_andCountIt() {
        String token = api.newUser("versioner");
        byte[] v1 = Media.png(10, 10);
        byte[] v2 = Media.png(30, 30);
        String id = upload(token, "pic.png", v1);

        JsonNode created = json(check(api.createVersion(token, id, "image/png", v2.length), 201));
        String versionId = created.get("version").get("versionId").asText();
        assertEquals(200, Api.put(created.get("upload"), v2).statusCode());
        JsonNode done = json(check(api.completeVersion(token, id, versionId), 200)).get("file");
        assertEquals(2, done.get("version").asInt());
        assertEquals(id, done.get("id").asText());
        assertArrayEquals(v2, Api.download(json(check(api.get(token, id), 200)).get("download").get("url").asText()).body());

        JsonNode items = json(check(api.versions(token, id), 200)).get("items");
        assertEquals(2, items.size());
        assertTrue(items.get(0).get("current").asBoolean());
        String first = items.get(1).get("versionId").asText();
        assertArrayEquals(v1, Api.download(json(check(api.version(token, id, first), 200)).get("download").get("url").asText()).body());
        assertEquals(v2.length, usage(token).get("bytes").asLong());
        assertEquals(v1.length, usage(token).get("versionBytes").asLong());

        JsonNode back = json(check(api.restoreVersion(token, id, first), 200)).get("file");
        assertEquals(3, back.get("version").asInt());
        assertArrayEquals(v1, Api.download(json(check(api.get(token, id), 200)).get("download").get("url").asText()).body());
        assertEquals(3, json(check(api.versions(token, id), 200)).get("items").size());
        // v1's bytes are shared by versions 1 and 3: counted once.
        assertEquals(v1.length, usage(token).get("bytes").asLong());
        assertEquals(v2.length, usage(token).get("versionBytes").asLong());
        assertEquals(404, api.version(token, id, Keys.newTimeId(Instant.now())).getStatusCode());
        assertEquals(200, api.completeVersion(token, id, versionId).getStatusCode(), "a repeated complete answers the file");
    }

    @Test
    void complete_shouldRefuseBytesOfAnotherFormat_evenOfTheSameKind() {
        String token = api.newUser("gif-as-png");
        byte[] gif = Media.image("gif", 8, 8);
        JsonNode created = json(check(api.create(token, "x.png", "image/png", gif.length), 201));
        assertEquals(200, Api.put(created.get("upload"), gif).statusCode());

        APIGatewayProxyResponseEvent response = api.complete(token, created.get("file").get("id").asText());

        assertEquals(415, response.getStatusCode());
        assertEquals("content_mismatch", errorCode(response));
        assertEquals(0, usage(token).get("pendingUploads").asLong());
        assertEquals(0, usage(token).get("pendingBytes").asLong());
    }

    @Test
    void uploadUrl_shouldNeverWriteAgain_afterItsFileWasDeleted() {
        String token = api.newUser("url-reuser");
        byte[] png = Media.png(12, 12);
        JsonNode created = json(check(api.create(token, "once.png", "image/png", png.length), 201));
        assertEquals(200, Api.put(created.get("upload"), png).statusCode());
        String id = created.get("file").get("id").asText();
        check(api.complete(token, id), 200);
        check(api.deletePermanently(token, id), 204);

        byte[] other = png.clone();
        other[other.length - 1] ^= 1;
        assertEquals(412, Api.put(created.get("upload"), other).statusCode());
        assertEquals(404, api.get(token, id).getStatusCode());
        assertEquals(0, usage(token).get("trashedBytes").asLong() + usage(token).get("bytes").asLong());
    }

    @Test
    void createsRacingForTheQuota_shouldReserveAtomically() throws Exception {
        String token = api.newUser("racer");
        long size = 900_000; // 4 fit in the 4,000,000-byte quota
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<APIGatewayProxyResponseEvent>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                results.add(pool.submit(() -> api.create(token, "big" + n + ".wav", "audio/wav", size)));
            }
            int created = 0;
            for (Future<APIGatewayProxyResponseEvent> r : results) {
                int status = r.get().getStatusCode();
                assertTrue(status == 201 || status == 507, "status " + status + ": " + r.get().getBody());
                created += status == 201 ? 1 : 0;
            }
            assertEquals(4, created);
            assertEquals(4 * size, usage(token).get("pendingBytes").asLong());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void changeFeed_shouldKeepAnExactCopy_acrossCompactions() {
        String token = api.newUser("feeder");
        Map<String, JsonNode> copy = new HashMap<>();
        String cursor = sync(token, null, copy);
        Random random = new Random(7);
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 90; round++) {
            int op = ids.isEmpty() ? 0 : random.nextInt(5);
            if (op <= 1) {
                ids.add(upload(token, "f" + round + ".png", Media.png(4 + random.nextInt(8), 4)));
            } else {
                String id = ids.get(random.nextInt(ids.size()));
                switch (op) {
                    case 2 -> api.rename(token, id, "renamed" + round + ".png");
                    case 3 -> api.delete(token, id);
                    default -> {
                        api.deletePermanently(token, id);
                        ids.remove(id);
                    }
                }
            }
            if (round % 17 == 0) {
                cursor = sync(token, cursor, copy);
            }
        }
        cursor = sync(token, cursor, copy);
        assertEquals(all(token), copy, "the copy kept by the feed equals the library");
        // A second client from scratch sees the same.
        Map<String, JsonNode> fresh = new HashMap<>();
        sync(token, null, fresh);
        assertEquals(all(token), fresh);
        assertEquals(410, api.changes(token, Map.of("cursor", forgedCursor())).getStatusCode());
        assertInvalidField(api.changes(token, Map.of("cursor", "garbage")), "cursor");
    }

    @Test
    void lifecycle_shouldDeleteBytesOnceUrlsAreDead_andPurgeOldTrashAndAbandonedUploads() {
        String[] token = {api.newUser("lifecycler")};
        Runnable relogin = () -> token[0] = json(check(api.login("lifecycler", "correct horse lifecycler"), 200))
                .get("token").asText();
        String userId = json(check(api.me(token[0]), 200)).get("userId").asText();
        byte[] png = Media.png(9, 9);
        JsonNode created = json(check(api.create(token[0], "gone.png", "image/png", png.length), 201));
        Api.put(created.get("upload"), png);
        String gone = created.get("file").get("id").asText();
        check(api.complete(token[0], gone), 200);
        check(api.deletePermanently(token[0], gone), 204);
        String trashed = upload(token[0], "trash.png", Media.png(7, 7));
        check(api.delete(token[0], trashed), 204);
        check(api.create(token[0], "never.png", "image/png", 100), 201);
        String goneKey = mediaKey(created.get("upload"));
        head(goneKey); // still there while its URL lives

        clock.advance(Duration.ofMinutes(30));
        relogin.run(); // access tokens live 15 minutes
        LibrarySweeper sweeper = wiring.librarySweeper();
        sweeper.sweep(Duration.ofMinutes(1));
        assertThrows(NoSuchKeyException.class, () -> head(goneKey));
        assertEquals(1, usage(token[0]).get("pendingUploads").asLong(), "not abandoned yet");

        clock.advance(Duration.ofHours(2));
        relogin.run();
        sweeper.sweep(Duration.ofMinutes(1));
        assertEquals(0, usage(token[0]).get("pendingUploads").asLong());
        assertEquals(1, usage(token[0]).get("trashedFiles").asLong());

        clock.advance(FileLifecycle.TRASH_KEPT);
        relogin.run();
        sweeper.sweep(Duration.ofMinutes(1));
        sweeper.sweep(Duration.ofMinutes(1)); // the released bytes' markers are due at once (URL long dead)
        assertEquals(0, usage(token[0]).get("trashedFiles").asLong());
        assertEquals(404, api.get(token[0], trashed).getStatusCode());
        List<String> left = new ArrayList<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.MEDIA_BUCKET).prefix(userId + "/")).contents()
                .forEach(o -> left.add(o.key()));
        assertEquals(List.of(), left, "no bytes left behind");
    }

    @Test
    void migration_shouldKeepEveryFileOfThePreviousLayout_andServeLargeLibrariesInPages() {
        String token = api.newUser("migrant");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        // The previous release's layout, as it wrote it: one index document, pending records.
        ArrayNode files = previousReleaseIndex(userId, 1_234, Instant.parse("2025-01-01T00:00:00Z"));
        Set<String> ids = new HashSet<>();
        files.forEach(f -> ids.add(f.get("id").asText()));
        byte[] bytes = Media.png(3, 3);
        String withBytes = files.get(5).get("id").asText();
        cloud.s3().putObject(PutObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(userId + "/" + withBytes).build(),
                RequestBody.fromBytes(bytes));

        assertEquals(1_234, usage(token).get("files").asLong());
        Set<String> listed = new HashSet<>();
        String cursor = null;
        String previous = null;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "500") : Map.of("limit", "500", "cursor", cursor);
            JsonNode page = json(check(api.list(token, query), 200));
            for (JsonNode f : page.get("items")) {
                assertTrue(listed.add(f.get("id").asText()), "listed once");
                String created = f.get("createdAt").asText();
                assertTrue(previous == null || created.compareTo(previous) <= 0, "newest first");
                previous = created;
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertEquals(ids, listed);
        // A container that has read none of the segments (lookups scan a segment's bytes for the one
        // record) finds every file as the listing shows it, in each of the segments.
        Api cold = coldContainerFinds(token, files, 97);
        check(cold.get(token, Keys.newId()), 404);
        assertArrayEquals(bytes, Api.download(json(check(api.get(token, withBytes), 200)).get("download").get("url").asText()).body());
        // New files go on top; old ones can be changed like any other.
        String fresh = upload(token, "new.png", Media.png(5, 5));
        assertEquals(fresh, json(check(api.list(token, Map.of("limit", "1")), 200)).get("items").get(0).get("id").asText());
        check(api.rename(token, withBytes, "renamed.png"), 200);
        assertEquals("renamed.png", file(token, withBytes).get("name").asText());
        assertEquals(1_235, usage(token).get("files").asLong());
    }

    @Test
    void migration_ofALibraryTooLargeForARequest_shouldBeHandedToTheSweeper_andAnswered503UntilItIsDone() {
        List<String> handedOff = new java.util.concurrent.CopyOnWriteArrayList<>();
        Wiring handing = cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "1000000", "QUOTA_BYTES", Long.toString(QUOTA)), clock)
                .withMigration(new LibraryStore.MigrationPolicy(20_000, handedOff::add));
        Api requests = new Api(handing);
        String token = api.newUser("bigmigrant");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        previousReleaseIndex(userId, 400, Instant.parse("2025-02-01T00:00:00Z")); // some 70 KB of old index
        for (int i = 0; i < 3; i++) {
            APIGatewayProxyResponseEvent upgrading = check(requests.me(token), 503);
            assertEquals("library_upgrading", json(upgrading).get("error").get("code").asText());
            assertEquals("5", upgrading.getHeaders().get("Retry-After"));
            check(requests.list(token, Map.of()), 503);
        }
        assertEquals(List.of(userId), handedOff, "handed off once, not per request");
        assertFalse(cloud.s3().listObjectsV2(b -> b.bucket(TestCloud.DATA_BUCKET).prefix(Keys.libraryPrefix(userId)))
                .contents().stream().anyMatch(o -> o.key().equals(Keys.libraryHead(userId))), "nothing migrated yet");
        // What the asynchronous Invoke runs: the sweeper's function with {"migrateUserId": ...}.
        Map<String, Object> done = new SweepUploadsHandler(handing.librarySweeper())
                .handleRequest(Map.of("migrateUserId", userId), null);
        assertEquals(400L, done.get("files"));
        assertEquals(400, json(check(requests.me(token), 200)).get("usage").get("files").asLong());
        // A small old library is still migrated by the request that finds it.
        String smallToken = api.newUser("smallmigrant");
        String smallId = json(check(api.me(smallToken), 200)).get("userId").asText();
        previousReleaseIndex(smallId, 20, Instant.parse("2025-02-01T00:00:00Z"));
        assertEquals(20, json(check(requests.me(smallToken), 200)).get("usage").get("files").asLong());
        assertEquals(List.of(userId), handedOff);
    }

    @Test
    void migration_shouldResumeWhatAnAttemptThatRanOutOfTimeWrote_andCollectOnlyForeignObjects() {
        String token = api.newUser("resumer");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        previousReleaseIndex(userId, 1_100, Instant.parse("2025-03-01T00:00:00Z"));
        assertEquals(1_100, usage(token).get("files").asLong());
        Set<String> first = libraryKeys(userId);
        String manifest = headManifest(userId);

        // An attempt that wrote everything but its head (it ran out of time), and one that wrote other
        // content before the previous release's files changed.
        cloud.s3().deleteObject(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.libraryHead(userId)));
        String foreign = Keys.librarySegment(userId, Keys.newId());
        cloud.s3().putObject(PutObjectRequest.builder().bucket(TestCloud.DATA_BUCKET).key(foreign).build(),
                RequestBody.fromString("{\"files\":[]}"));

        Api fresh = new Api(cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "1000000", "QUOTA_BYTES", Long.toString(QUOTA)), clock));
        assertEquals(1_100, json(check(fresh.me(token), 200)).get("usage").get("files").asLong());
        assertEquals(manifest, headManifest(userId), "the same content, the same manifest");
        Set<String> second = libraryKeys(userId);
        second.remove(foreign);
        assertEquals(first, second, "no segment written twice under another name");
        Set<String> markedForDeletion = new HashSet<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.DATA_BUCKET).prefix(Keys.GC_PREFIX)).contents()
                .forEach(o -> markedForDeletion.add(o.key().replaceFirst("^gc/\\d+/d/", "")));
        assertTrue(markedForDeletion.contains(foreign), "the other attempt's segment is garbage");
        first.forEach(k -> assertFalse(markedForDeletion.contains(k), "live object marked for deletion: " + k));
        assertEquals(100, json(check(fresh.list(token, Map.of("limit", "100")), 200)).get("items").size());
    }

    @Test
    void migration_ofALargeLibraryOfPreviousReleaseIds_shouldKeepEachLocatorSmall_andFindEveryFile() {
        String token = api.newUser("oldids");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        int count = LibraryStore.TWO_CHARACTER_LOCATORS_ABOVE + 1;
        ArrayNode files = previousReleaseIndex(userId, count, Instant.parse("2024-06-01T00:00:00Z"), true);
        assertEquals(count, usage(token).get("files").asLong());

        List<software.amazon.awssdk.services.s3.model.S3Object> locators = new ArrayList<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.DATA_BUCKET).prefix(Keys.libraryPrefix(userId) + "loc/"))
                .contents().forEach(locators::add);
        assertTrue(locators.size() > 900, locators.size() + " locators");
        for (var locator : locators) {
            assertTrue(locator.key().matches(".*/loc/[a-z2-7]{2}\\.json"), locator.key());
            assertTrue(locator.size() < 4_096, locator.key() + " is " + locator.size() + " bytes");
        }
        // A container that has read nothing finds old files through their two-character locator.
        Api cold = coldContainerFinds(token, files, 1_013);
        check(cold.rename(token, files.get(count - 1).get("id").asText(), "the oldest.png"), 200);
        assertEquals("the oldest.png", file(token, files.get(count - 1).get("id").asText()).get("name").asText());
        assertEquals(1, LibraryStore.locatorChars(LibraryStore.TWO_CHARACTER_LOCATORS_ABOVE));
    }

    /**
     * A container that has read none of the library (lookups scan a segment's bytes for the one record) finds
     * every {@code step}-th file of the previous release's index as that release stored it; returns its Api.
     */
    private static Api coldContainerFinds(String token, ArrayNode files, int step) {
        Api cold = new Api(cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "1000000", "QUOTA_BYTES", Long.toString(QUOTA)), clock));
        for (int i = 0; i < files.size(); i += step) {
            JsonNode old = files.get(i);
            JsonNode found = json(check(cold.get(token, old.get("id").asText()), 200)).get("file");
            assertEquals(old.get("name").asText(), found.get("name").asText());
            assertEquals(old.get("size").asLong(), found.get("size").asLong());
            assertEquals(old.get("createdAt").asText(), found.get("createdAt").asText());
        }
        return cold;
    }

    /** Replaces the user's library by a previous-release index of {@code count} ready files; returns its entries. */
    private static ArrayNode previousReleaseIndex(String userId, int count, Instant base) {
        return previousReleaseIndex(userId, count, base, false);
    }


    /**
     * As above; with {@code previousReleaseIds} the ids are as the previous release made them (26 base32
     * characters, no creation time in them), found after the migration through the library's locators.
     */
    private static ArrayNode previousReleaseIndex(String userId, int count, Instant base, boolean previousReleaseIds) {
        cloud.s3().deleteObject(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.libraryHead(userId)));
        Random random = new Random(count);
        ObjectNode index = Json.object();
        index.put("version", 1);
        ArrayNode files = index.putArray("files");
        for (int i = 0; i < count; i++) {
            ObjectNode f = files.addObject();
            f.put("id", previousReleaseIds ? previousReleaseId(random) : Keys.newId());
            f.put("name", "old" + i + ".png");
            f.put("contentType", "image/png");
            f.put("kind", "image");
            f.put("size", 100 + i);
            f.put("createdAt", base.plusSeconds(i).toString());
            f.put("status", "ready");
        }
        cloud.s3().putObject(PutObjectRequest.builder().bucket(TestCloud.DATA_BUCKET).key("index/" + userId + ".json").build(),
                RequestBody.fromString(Json.write(index)));
        return files;
    }

    private static String previousReleaseId(Random random) {
        StringBuilder id = new StringBuilder(26);
        for (int c = 0; c < 26; c++) {
            id.append("abcdefghijklmnopqrstuvwxyz234567".charAt(random.nextInt(32)));
        }
        return id.toString();
    }

    private static Set<String> libraryKeys(String userId) {
        Set<String> keys = new HashSet<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.DATA_BUCKET).prefix(Keys.libraryPrefix(userId)))
                .contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    private static String headManifest(String userId) {
        byte[] head = cloud.s3().getObjectAsBytes(b -> b.bucket(TestCloud.DATA_BUCKET).key(Keys.libraryHead(userId))).asByteArray();
        return Json.parseObject(new String(head, java.nio.charset.StandardCharsets.UTF_8)).get("manifest").asText();
    }

    @Test
    void scrub_shouldReportMissingAndOrphanedBytesAndWrongCounters_andRepairWhatItSafelyCan() {
        String token = api.newUser("scrubbed");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        JsonNode lost = json(check(api.upload(token, "lost.png", "image/png", Media.png(6, 6)), 200)).get("file");
        upload(token, "kept.png", Media.png(8, 8));
        String lostObject = lost.get("id").asText(); // a first upload's object id is the file id
        cloud.s3().deleteObject(b -> b.bucket(TestCloud.MEDIA_BUCKET).key(userId + "/" + lostObject));
        String orphan = Keys.newTimeId(clock.instant());
        cloud.s3().putObject(PutObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(userId + "/" + orphan).build(),
                RequestBody.fromBytes(new byte[] {1, 2, 3}));
        LibraryStore store = wiring.libraryStore();
        Usage right = store.open(userId).usage();
        assertTrue(store.repairUsage(userId, Usage.ZERO, store.open(userId).seq()), "counters corrupted for the test");
        clock.advance(Duration.ofHours(1)); // the orphan is older than any upload URL now
        LibraryScrubber scrubber = wiring.libraryScrubber();

        LibraryScrubber.Report report = scrubber.scrub(false, Duration.ofMinutes(1));

        assertEquals(Set.of("missing_bytes/" + lostObject, "orphaned_bytes/" + orphan, "usage_mismatch/null"),
                problemsOf(report, userId));
        assertEquals(0, report.repaired());
        LibraryScrubber.Report repaired = scrubber.scrub(true, Duration.ofMinutes(1));
        assertEquals(2, repaired.repaired() - otherUsersRepairs(repaired, userId));
        assertEquals(right, store.open(userId).usage());
        assertThrows(NoSuchKeyException.class, () -> head(userId + "/" + orphan));
        assertEquals(Set.of("missing_bytes/" + lostObject), problemsOf(scrubber.scrub(false, Duration.ofMinutes(1)), userId),
                "what cannot be repaired is still reported");
    }

    private static Set<String> problemsOf(LibraryScrubber.Report report, String userId) {
        Set<String> problems = new HashSet<>();
        report.findings().stream().filter(f -> f.userId().equals(userId))
                .forEach(f -> problems.add(f.problem() + "/" + f.objectId()));
        return problems;
    }

    /** Repairs the scrub made in other tests' libraries (tests share the cloud). */
    private static int otherUsersRepairs(LibraryScrubber.Report report, String userId) {
        return (int) report.findings().stream().filter(f -> !f.userId().equals(userId)
                && (f.problem().equals("orphaned_bytes") || f.problem().equals("usage_mismatch"))).count();
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Applies the feed from the cursor until it has no more; returns the new cursor. */
    private static String sync(String token, String cursor, Map<String, JsonNode> copy) {
        boolean more;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "7"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = json(check(api.changes(token, query), 200));
            Set<String> seen = new HashSet<>();
            for (JsonNode change : page.get("changes")) {
                String id = change.has("file") ? change.get("file").get("id").asText() : change.get("id").asText();
                assertTrue(seen.add(id), "each file at most once per page");
                if (change.get("type").asText().equals("remove")) {
                    copy.remove(id);
                } else {
                    copy.put(id, change.get("file"));
                }
            }
            cursor = page.get("cursor").asText();
            more = page.get("hasMore").asBoolean();
        } while (more);
        return cursor;
    }

    /** Every file of every status, by id, through the listing. */
    private static Map<String, JsonNode> all(String token) {
        Map<String, JsonNode> files = new HashMap<>();
        for (String status : List.of("ready", "trashed", "pending")) {
            for (JsonNode f : json(check(api.list(token, Map.of("status", status, "limit", "1000")), 200)).get("items")) {
                files.put(f.get("id").asText(), f);
            }
        }
        return files;
    }

    private static String forgedCursor() {
        String json = Json.write(Map.of("s", Keys.newTimeId(Instant.now()), "q", 1));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertInvalidField(APIGatewayProxyResponseEvent response, String field) {
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("invalid_request", errorCode(response));
        assertEquals(field, json(response).get("error").get("field").asText());
    }

    private static String mediaKey(JsonNode upload) {
        String path = java.net.URI.create(upload.get("url").asText()).getPath();
        return path.substring(path.indexOf('/', 1) + 1);
    }

    private static void head(String key) {
        cloud.s3().headObject(HeadObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(key).build());
    }
}
