package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

import com.audmg.drive.platform.Backoff;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A number of requests per hour per key (a client's source IP, hashed into the key), counted in fixed
 * one-hour windows with compare-and-swap, so concurrent requests cannot overrun it. A compare-and-swap
 * lost again and again answers "wait", never an uncounted request.
 */
public final class ClientBudget {

    private static final long WINDOW_MILLIS = 3_600_000;
    private static final int CAS_ATTEMPTS = 8;

    private final JsonObjectStore store;
    private final Function<String, String> key;
    private final int perHour;
    private final Clock clock;

    /** @param key the document key of a client (e.g. {@code Keys::resetThrottle}) */
    public ClientBudget(JsonObjectStore store, Function<String, String> key, int perHour, Clock clock) {
        this.store = store;
        this.key = key;
        this.perHour = perHour;
        this.clock = clock;
    }

    /** Empty when this request may go ahead (and is counted), else the seconds to wait. */
    public Optional<Long> reserve(String client) {
        return take(store, key.apply(client == null || client.isBlank() ? "unknown" : client), perHour, clock);
    }

    static Optional<Long> take(JsonObjectStore store, String key, int limit, Clock clock) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<JsonObjectStore.Versioned> current = store.get(key);
            long now = clock.millis();
            long windowStart = current.map(v -> v.document().path("windowStart").asLong(0)).orElse(0L);
            long count = current.map(v -> v.document().path("count").asLong(0)).orElse(0L);
            if (now - windowStart >= WINDOW_MILLIS) {
                windowStart = now;
                count = 0;
            }
            if (count >= limit) {
                return Optional.of(Math.max(1, (windowStart + WINDOW_MILLIS - now + 999) / 1000));
            }
            ObjectNode next = Json.object();
            next.put("windowStart", windowStart);
            next.put("count", count + 1);
            try {
                store.replace(key, next, current.map(JsonObjectStore.Versioned::etag).orElse(null));
                return Optional.empty();
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
            }
        }
        return Optional.of(1L);
    }
}
