package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Media;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Uploads between create and complete: listing, cancelling, the limit on how many may wait. */
class PendingUploadsTest {

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        api = new Api(cloud.wiring(Map.of("URL_TTL_SECONDS", "60", "TOKEN_TTL_SECONDS", "86400",
                "MAX_UPLOAD_BYTES", "100000", "QUOTA_BYTES", "100000000"), clock));
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void pendingUploads_shouldBeListedByStatus_untilCompleted() {
        String token = api.newUser("lister");
        byte[] png = Media.png(4, 4);
        JsonNode created = json(check(api.create(token, "soon.png", "image/png", png.length), 201));
        String id = created.get("file").get("id").asText();

        JsonNode pending = json(check(api.list(token, Map.of("status", "pending")), 200));
        assertEquals(1, pending.get("items").size());
        assertEquals(id, pending.get("items").get(0).get("id").asText());
        assertEquals("pending", pending.get("items").get(0).get("status").asText());
        assertEquals(404, api.get(token, id).getStatusCode(), "nothing to download before complete");

        Api.put(created.get("upload"), png);
        check(api.complete(token, id), 200);

        assertEquals(0, json(check(api.list(token, Map.of("status", "pending")), 200)).get("items").size());
        assertEquals(id, json(check(api.list(token, Map.of("status", "ready")), 200)).get("items").get(0).get("id").asText());
        assertEquals(200, api.complete(token, id).getStatusCode(), "completing twice answers the ready file");
        APIGatewayProxyResponseEvent bad = api.list(token, Map.of("status", "everything"));
        assertEquals(400, bad.getStatusCode());
        assertEquals("invalid_request", errorCode(bad));
    }

    @Test
    void deletingPendingUpload_shouldCancelIt_andRemoveItsBytesOnceTheUrlExpired() {
        String token = api.newUser("changed-mind");
        byte[] png = Media.png(5, 5);
        JsonNode created = json(check(api.create(token, "oops.png", "image/png", png.length), 201));
        String id = created.get("file").get("id").asText();
        Api.put(created.get("upload"), png);

        assertEquals(204, api.delete(token, id).getStatusCode());

        assertEquals(404, api.complete(token, id).getStatusCode(), "a cancelled upload cannot be completed");
        assertEquals(404, api.delete(token, id).getStatusCode());
        assertEquals(0, json(check(api.list(token, Map.of("status", "pending")), 200)).get("items").size());
        // the URL can still write until it expires, so the bytes go only after that
        check(api.create(token, "next.png", "image/png", png.length), 201);
        assertEquals(png.length, cloud.s3().headObject(head(created)).contentLength());

        // (the cancel's LastModified is the S3 server's real time: a margin for the seconds this test runs)
        clock.advance(Duration.ofSeconds(60).plus(FileService.CANCEL_SETTLE).plusSeconds(30));
        List<String> others = new ArrayList<>();
        for (int i = 0; i < FileService.MAX_PENDING_UPLOADS; i++) {
            // room is only obvious from the count below the limit; at it the records are read
            APIGatewayProxyResponseEvent response = api.create(token, "more-" + i + ".png", "image/png", 10);
            if (response.getStatusCode() != 201) {
                break;
            }
            others.add(json(response).get("file").get("id").asText());
        }

        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(head(created)));
        assertEquals(FileService.MAX_PENDING_UPLOADS - 1, others.size(),
                "the cancelled record no longer counts; next.png and these wait");
    }

    @Test
    void createUpload_shouldAnswer429_whenTooManyUploadsWait() {
        String token = api.newUser("never-finishes");
        for (int i = 0; i < FileService.MAX_PENDING_UPLOADS; i++) {
            check(api.create(token, "part-" + i + ".mp3", "audio/mpeg", 10), 201);
        }

        APIGatewayProxyResponseEvent refused = api.create(token, "one-more.mp3", "audio/mpeg", 10);

        assertEquals(429, refused.getStatusCode(), refused.getBody());
        assertEquals("too_many_pending_uploads", errorCode(refused));
    }

    private static HeadObjectRequest head(JsonNode created) {
        String key = URI.create(created.get("upload").get("url").asText()).getPath()
                .substring(("/" + TestCloud.MEDIA_BUCKET + "/").length());
        return HeadObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(key).build();
    }
}
