package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Uploads never completed stop counting against the quota, and their bytes are removed. */
class AbandonedUploadTest {

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        api = new Api(cloud.wiring(Map.of("QUOTA_BYTES", "1000", "URL_TTL_SECONDS", "60", "TOKEN_TTL_SECONDS", "86400"), clock));
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void createUpload_shouldReleaseQuotaAndBytes_ofUploadsAbandonedPastTheirUrlLifetime() {
        String token = api.newUser("forgetful");
        byte[] png = Media.png(3, 3);
        JsonNode created = json(check(api.create(token, "left.png", "image/png", png.length), 201));
        Api.put(created.get("upload"), png);
        String key = URI.create(created.get("upload").get("url").asText()).getPath()
                .substring(("/" + TestCloud.MEDIA_BUCKET + "/").length());
        assertEquals(507, api.create(token, "big.png", "image/png", 1000 - png.length + 1).getStatusCode());

        // the record's LastModified is the S3 server's real time: a margin for the seconds this test runs
        clock.advance(Duration.ofSeconds(60).plus(PendingUploads.ABANDON_AFTER).plusMinutes(5));

        check(api.create(token, "big.png", "image/png", 1000 - png.length + 1), 201);
        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(
                HeadObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(key).build()));
        assertEquals(404, api.complete(token, created.get("file").get("id").asText()).getStatusCode());
    }
}
