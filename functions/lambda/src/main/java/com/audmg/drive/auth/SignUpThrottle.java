package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Optional;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

/**
 * Sign-ups per hour, per client (source IP, hashed) and over everyone: fixed one-hour windows counted
 * with compare-and-swap, so concurrent sign-ups cannot overrun either limit (the overall one is split
 * in eight shards of an eighth each; a sign-up takes from a random one). A compare-and-swap lost
 * again and again answers "wait", never an unchecked sign-up. Each new account costs a
 * bcrypt hash and storage: this bounds what an anonymous client can make the service spend.
 */
public final class SignUpThrottle {

    private static final int OVERALL_SHARDS = 8;

    private final JsonObjectStore store;
    private final int perClient;
    private final int overall;
    private final Clock clock;

    public SignUpThrottle(JsonObjectStore store, int perClientPerHour, int overallPerHour, Clock clock) {
        this.store = store;
        this.perClient = perClientPerHour;
        this.overall = overallPerHour;
        this.clock = clock;
    }

    /** Empty when this sign-up may go ahead (and is counted), else the seconds to wait. */
    public Optional<Long> reserve(String client) {
        Optional<Long> wait = take(Keys.signUpThrottle(client == null || client.isBlank() ? "unknown" : client),
                perClient);
        if (wait.isPresent()) {
            return wait;
        }
        // The overall budget is split over a few documents, so concurrent sign-ups rarely contend.
        int shard = java.util.concurrent.ThreadLocalRandom.current().nextInt(OVERALL_SHARDS);
        return take(Keys.signUpThrottleShard(shard), (overall + OVERALL_SHARDS - 1) / OVERALL_SHARDS);
    }

    private Optional<Long> take(String key, int limit) {
        return ClientBudget.take(store, key, limit, clock);
    }
}
