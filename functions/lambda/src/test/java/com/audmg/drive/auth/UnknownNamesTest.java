package com.audmg.drive.auth;

import static com.audmg.drive.Api.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.MutableClock;
import com.audmg.drive.TestCloud;

import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * The budgets of usernames that have no account, shared by every container through S3: two handler
 * instances (each with its own wiring, as two Lambda containers have) see one budget, and one client
 * cannot create more than its hourly number of such budgets.
 */
class UnknownNamesTest {

    private static TestCloud cloud;
    private static MutableClock clock;
    private static Api containerA;
    private static Api containerB;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        clock = new MutableClock(Instant.now());
        containerA = new Api(cloud.wiring(Map.of(), clock));
        containerB = new Api(cloud.wiring(Map.of(), clock));
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void unknownNamesBudget_shouldBeSharedByTwoContainers_asAKnownNamesIs() {
        check(containerA.signUp("known-one", "known one's passphrase"), 201);
        int[] statuses = new int[2 * LoginThrottle.FREE_PER_USERNAME + 2];
        int[] known = new int[statuses.length];
        for (int i = 0; i < statuses.length; i++) {
            Api container = i % 2 == 0 ? containerA : containerB;
            String client = "198.51.100." + (i + 1);
            statuses[i] = container.login("no-such-user", "guess " + i, client).getStatusCode();
            known[i] = container.login("known-one", "guess " + i, client).getStatusCode();
        }
        // Alternating between the containers, from a new client each time: the 20 free verifications of the
        // name are spent once in all (not 20 in each container), then both make everyone wait, as for a known name.
        for (int i = 0; i < statuses.length; i++) {
            int expected = i < LoginThrottle.FREE_PER_USERNAME ? 401 : 429;
            assertEquals(expected, statuses[i], "unknown name, attempt " + i);
            assertEquals(expected, known[i], "known name, attempt " + i);
        }
    }

    @Test
    void oneClient_shouldCreateAtMostItsHourlyNumberOfUnknownNameBudgets() {
        String client = "192.0.2.200";
        for (int i = 0; i < LoginThrottle.UNKNOWN_NAMES_PER_CLIENT_PER_HOUR; i++) {
            Api container = i % 2 == 0 ? containerA : containerB;
            assertEquals(401, container.login("sprayed-" + i, "guess", client).getStatusCode(), "name " + i);
        }
        APIGatewayProxyResponseEvent refused = containerB.login("sprayed-one-more", "guess", client);
        assertEquals(429, refused.getStatusCode(), refused.getBody());
        long retryAfter = Long.parseLong(refused.getHeaders().get("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
        // A name this client already has a budget for still counts as before; another client is not concerned.
        assertEquals(401, containerA.login("sprayed-3", "guess again", client).getStatusCode());
        assertEquals(401, containerA.login("sprayed-one-more", "guess", "192.0.2.201").getStatusCode());

        long budgets = cloud.s3().listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(TestCloud.DATA_BUCKET).prefix("throttle/unknown/").build()).contents().stream()
                .filter(o -> o.key().matches("throttle/unknown/[0-9a-f]{64}\\.json")).count();
        assertTrue(budgets <= LoginThrottle.UNKNOWN_NAMES_PER_CLIENT_PER_HOUR + 2 + 1 + 2, budgets + " budgets");

        clock.advance(Duration.ofHours(1));
        assertEquals(401, containerB.login("sprayed-next-hour", "guess", client).getStatusCode());
    }
}
