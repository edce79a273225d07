package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.audmg.drive.Api;
import com.audmg.drive.Media;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * DELETE /me leaves nothing of the account: every per-account key of {@link Keys} is listed here, filled by
 * using the account (logins right and wrong, with and without a device token, second-factor guesses, files),
 * and checked gone: the account's own documents at once, its library and bytes after the sweeper's run;
 * then both buckets are listed whole and no key names the account's id or its hashed name.
 */
class AccountLeftoversTest {

    private static final String PASSWORD = "a long and quiet river";

    private static TestCloud cloud;
    private static Wiring wiring;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        wiring = cloud.wiring(Map.of());
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void deleteMe_shouldLeaveNoKeyOfTheAccount_inEitherBucket() {
        check(api.signUp("leaver", PASSWORD, "leaver@example.com", "192.0.2.10"), 201);
        JsonNode login = json(check(api.login("leaver", PASSWORD, "192.0.2.10", null), 200));
        String token = login.path("token").asText();
        String device = login.path("deviceToken").asText();
        String userId = json(check(api.me(token), 200)).path("userId").asText();
        String deviceId = com.auth0.jwt.JWT.decode(device).getClaim("did").asString();
        json(check(api.login("leaver", PASSWORD, "192.0.2.11", null), 200));
        assertEquals(401, api.login("leaver", "a wrong guess", "192.0.2.12", null).getStatusCode());
        assertEquals(401, api.login("leaver", "a wrong guess", "192.0.2.12", device).getStatusCode());
        assertEquals(401, api.changePassword(token, "a wrong guess", "a new and longer river").getStatusCode());
        String sessionId = com.auth0.jwt.JWT.decode(token).getClaim("sid").asString();
        check(api.beginMfa(token), 200);
        assertEquals(401, api.confirmMfa(token, "000000").getStatusCode());
        check(api.upload(token, "photo.png", "image/png", Media.png(8, 8)), 200);
        String trashed = json(check(api.upload(token, "old.png", "image/png", Media.png(4, 4)), 200)).path("file").path("id").asText();
        assertEquals(204, api.delete(token, trashed).getStatusCode());

        // Every per-account key the account can have (Keys), each filled now.
        List<String> ownDocuments = List.of(Keys.account("leaver"), Keys.throttle("leaver"), Keys.codeThrottle(userId),
                Keys.deviceThrottle(userId, deviceId), Keys.sessionThrottle(userId, sessionId));
        for (String key : ownDocuments) {
            assertEquals(1, count(TestCloud.DATA_BUCKET, key), key + " before");
        }
        assertEquals(2, count(TestCloud.DATA_BUCKET, Keys.sessionPrefix(userId)));
        assertTrue(count(TestCloud.DATA_BUCKET, Keys.libraryPrefix(userId)) > 0);
        assertEquals(2, count(TestCloud.MEDIA_BUCKET, Keys.mediaPrefix(userId)));

        assertEquals(204, api.deleteAccount(token, PASSWORD).getStatusCode());

        // At once: the account, its sessions and budgets; the library and bytes are the sweeper's (purge marker).
        for (String key : ownDocuments) {
            assertEquals(0, count(TestCloud.DATA_BUCKET, key), key + " after DELETE /me");
        }
        assertEquals(0, count(TestCloud.DATA_BUCKET, Keys.deviceThrottlePrefix(userId)));
        assertEquals(0, count(TestCloud.DATA_BUCKET, Keys.sessionPrefix(userId)));
        assertEquals(1, count(TestCloud.DATA_BUCKET, Keys.purge(userId)));

        // A wrong-password login with the device token that was still running at the deletion writes its budget
        // after it; the purge removes that too.
        new JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET).overwrite(Keys.deviceThrottle(userId, deviceId),
                Json.object().put("failures", 1));

        wiring.librarySweeper().sweep(Duration.ofMinutes(1));

        for (String prefix : List.of(Keys.purge(userId), Keys.libraryPrefix(userId), Keys.pendingPrefix(userId),
                Keys.index(userId), Keys.deviceThrottlePrefix(userId))) {
            assertEquals(0, count(TestCloud.DATA_BUCKET, prefix), prefix + " after the sweep");
        }
        assertEquals(0, count(TestCloud.MEDIA_BUCKET, Keys.mediaPrefix(userId)));
        String hashedName = Keys.sha256("leaver");
        List<String> left = new ArrayList<>();
        for (String bucket : List.of(TestCloud.DATA_BUCKET, TestCloud.MEDIA_BUCKET)) {
            cloud.s3().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).build()).contents()
                    .forEach(o -> left.add(bucket + ":" + o.key()));
        }
        for (String key : left) {
            assertTrue(!key.contains(userId) && !key.contains(hashedName), "left after DELETE /me: " + key + " of " + left);
        }
    }

    private static int count(String bucket, String prefix) {
        return cloud.s3().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().size();
    }
}
