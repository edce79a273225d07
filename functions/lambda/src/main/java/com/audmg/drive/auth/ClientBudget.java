package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

import com.audmg.drive.platform.JsonObjectStore;

/**
 * A number of requests per hour per key (a client's source IP, hashed into the key), counted in fixed
 * one-hour windows with compare-and-swap, so concurrent requests cannot overrun it. A compare-and-swap
 * lost again and again answers "wait", never an uncounted request.
 */
public final class ClientBudget {

    private static final long WINDOW_MILLIS = 3_600_000;

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
        return take(store, key.apply(ClientAddress.of(client)), perHour, clock);
    }

    static Optional<Long> take(JsonObjectStore store, String key, int limit, Clock clock) {
        return BudgetDocument.reserve(store, key, budget -> {
            long now = clock.millis();
            long windowStart = budget.path("windowStart").asLong(0);
            long count = budget.path("count").asLong(0);
            if (now - windowStart >= WINDOW_MILLIS) {
                windowStart = now;
                count = 0;
            }
            if (count >= limit) {
                return Optional.of(Math.max(1, (windowStart + WINDOW_MILLIS - now + 999) / 1000));
            }
            budget.removeAll();
            budget.put("windowStart", windowStart);
            budget.put("count", count + 1);
            return Optional.empty();
        });
    }
}
