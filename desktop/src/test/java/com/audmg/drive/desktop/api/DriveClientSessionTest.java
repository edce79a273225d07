package com.audmg.drive.desktop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.testing.LocalCloudFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access tokens live minutes: the client refreshes them itself, once, and logs out only when that fails. */
class DriveClientSessionTest {

    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    static Path data;
    private static LocalCloudFixture cloud;

    @BeforeAll
    static void startCloud() {
        cloud = LocalCloudFixture.start(data);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void anExpiredAccessToken_shouldBeRefreshedTransparently_onceForParallelCalls() throws Exception {
        DriveClient client = new DriveClient(cloud.baseUrl());
        client.signUp("refresher", PASSWORD);
        client.login("refresher", PASSWORD);
        AtomicInteger expired = new AtomicInteger();
        client.onSessionExpired(e -> expired.incrementAndGet());
        String userId = client.me().userId();

        client.replaceAccessTokenForTest("expired.or.revoked");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Me>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(pool.submit(client::me));
        }
        for (Future<Me> call : calls) {
            assertEquals(userId, call.get().userId());
        }
        pool.shutdown();

        // Had two refreshes presented the same refresh token, the server would have ended the session.
        client.replaceAccessTokenForTest("expired.again");
        assertEquals(userId, client.me().userId());
        assertEquals(0, expired.get());
        assertTrue(client.isLoggedIn());
    }

    @Test
    void aSessionThatCannotBeRefreshed_shouldLogOut_andNotifyOnce() throws Exception {
        DriveClient client = new DriveClient(cloud.baseUrl());
        client.signUp("ended", PASSWORD);
        client.login("ended", PASSWORD);
        AtomicInteger expired = new AtomicInteger();
        client.onSessionExpired(e -> expired.incrementAndGet());
        client.me();

        client.replaceAccessTokenForTest("expired.or.revoked");
        client.replaceRefreshTokenForTest("revoked.refresh.token");
        ApiException gone = assertThrows(ApiException.class, client::me);

        assertEquals(401, gone.status());
        assertFalse(client.isLoggedIn());
        assertEquals(1, expired.get());
        client.login("ended", PASSWORD);
        client.me();
        client.logout(); // ends the session on the server too
        assertFalse(client.isLoggedIn());
    }
}
