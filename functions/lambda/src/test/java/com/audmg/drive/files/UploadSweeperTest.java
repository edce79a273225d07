package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.audmg.drive.Api;
import com.audmg.drive.Media;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.JsonObjectStore;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The scheduled sweep removes abandoned uploads of users who never upload again, and nothing else. */
class UploadSweeperTest {

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        wiring = cloud.wiring(Map.of("URL_TTL_SECONDS", "60", "TOKEN_TTL_SECONDS", "86400"), clock);
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void sweep_shouldRemoveAbandonedUploadsOfAllUsers_andKeepEverythingElse() {
        // GIVEN one user's upload left uncompleted, another's completed upload whose record stayed
        // behind (its final delete failed), and both past the abandon time
        byte[] png = Media.png(6, 6);
        String gone = api.newUser("gone-for-good");
        JsonNode abandoned = json(check(api.create(gone, "left.png", "image/png", png.length), 201));
        Api.put(abandoned.get("upload"), png);
        String keeper = api.newUser("keeper");
        JsonNode kept = json(check(api.create(keeper, "kept.png", "image/png", png.length), 201));
        Api.put(kept.get("upload"), png);
        FileRecord keptFile = FileRecord.fromJson(json(check(api.complete(keeper, id(kept)), 200)).get("file"));
        String keeperId = json(check(api.me(keeper), 200)).get("userId").asText();
        pendingStore().add(keeperId, keptFile.withStatus(FileRecord.PENDING));
        // (records' LastModified is the S3 server's real time: a margin for the seconds this test runs)
        clock.advance(Duration.ofSeconds(60).plus(PendingUploads.ABANDON_AFTER).plusMinutes(5));
        // AND a third user's upload created just now
        String busy = api.newUser("still-busy");
        JsonNode fresh = json(check(api.create(busy, "now.png", "image/png", png.length), 201));

        // WHEN the scheduled function runs
        Map<String, Object> result = new SweepUploadsHandler(wiring.uploadSweeper()).handleRequest(Map.of(), null);

        // THEN the abandoned upload is gone, bytes included; the completed file and the fresh upload stay
        assertEquals(true, result.get("finished"));
        assertTrue((Integer) result.get("removed") >= 2 && (Integer) result.get("scanned") >= 3, result.toString());
        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(head(abandoned)));
        assertEquals(404, api.complete(gone, id(abandoned)).getStatusCode());
        assertArrayEquals(png, Api.download(json(check(api.get(keeper, id(kept)), 200))
                .get("download").get("url").asText()).body());
        assertEquals(0, json(check(api.list(keeper, Map.of("status", "pending")), 200)).get("items").size());
        assertEquals(id(fresh), json(check(api.list(busy, Map.of("status", "pending")), 200))
                .get("items").get(0).get("id").asText());
    }

    @Test
    void sweep_shouldStopWithinItsBudget_andReportItDidNotFinish() {
        String token = api.newUser("budgeted");
        check(api.create(token, "a.mp3", "audio/mpeg", 10), 201);

        UploadSweeper.Result result = wiring.uploadSweeper().sweep(Duration.ZERO);

        assertTrue(!result.finished() && result.removed() == 0, result.toString());
    }

    private static PendingUploads pendingStore() {
        return new PendingUploads(new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET), cloud.s3(),
                TestCloud.MEDIA_BUCKET, Duration.ofSeconds(60));
    }

    private static String id(JsonNode created) {
        return created.get("file").get("id").asText();
    }

    private static HeadObjectRequest head(JsonNode created) {
        String key = URI.create(created.get("upload").get("url").asText()).getPath()
                .substring(("/" + TestCloud.MEDIA_BUCKET + "/").length());
        return HeadObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(key).build();
    }
}
