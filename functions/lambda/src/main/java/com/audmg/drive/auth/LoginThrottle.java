package com.audmg.drive.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Failed logins per username in a sliding window, kept in S3 (one small document per
 * username, updated with compare-and-swap). Applies to unknown usernames alike, so the
 * throttle does not reveal which accounts exist.
 */
public final class LoginThrottle {

    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_ATTEMPTS = 8;

    private final JsonObjectStore store;
    private final Clock clock;

    public LoginThrottle(JsonObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Seconds until the next attempt is allowed, or empty when attempts are allowed now. */
    public Optional<Long> retryAfterSeconds(String username) {
        long now = clock.millis();
        List<Long> failures = store.get(Keys.throttle(username))
                .map(v -> recent(v.document(), now)).orElse(List.of());
        if (failures.size() < MAX_FAILURES) {
            return Optional.empty();
        }
        // The window frees a slot when the oldest failure that keeps it full expires.
        long oldestBlocking = failures.get(failures.size() - MAX_FAILURES);
        long waitMillis = oldestBlocking + WINDOW.toMillis() - now;
        return Optional.of(Math.max(1, (waitMillis + 999) / 1000));
    }

    /** Best effort: a failure lost to persistent contention is not recorded. */
    public void recordFailure(String username) {
        store.update(Keys.throttle(username), current -> {
            long now = clock.millis();
            List<Long> failures = new ArrayList<>(current.map(doc -> recent(doc, now)).orElse(List.of()));
            failures.add(now);
            // Only the newest failures matter for the decision; keep the document small.
            if (failures.size() > MAX_FAILURES * 2) {
                failures = failures.subList(failures.size() - MAX_FAILURES * 2, failures.size());
            }
            ObjectNode doc = Json.object();
            ArrayNode array = doc.putArray("failures");
            failures.forEach(array::add);
            return doc;
        }, MAX_ATTEMPTS);
    }

    public void reset(String username) {
        store.delete(Keys.throttle(username));
    }

    private static List<Long> recent(JsonNode doc, long now) {
        long cutoff = now - WINDOW.toMillis();
        List<Long> result = new ArrayList<>();
        for (JsonNode value : doc.path("failures")) {
            long at = value.asLong();
            if (at > cutoff) {
                result.add(at);
            }
        }
        result.sort(null);
        return result;
    }
}
