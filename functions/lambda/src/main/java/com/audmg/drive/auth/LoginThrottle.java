package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A budget of password verifications per username that slows guessing down instead of locking
 * the owner out. A verification must be <em>reserved</em> before bcrypt runs, and a reservation is
 * a compare-and-swap write of the username's budget document, so concurrent requests cannot all
 * pass a check before any of them is counted.
 *
 * <p>Each reservation counts as a failure until a successful login clears that client's count.
 * Two budgets are kept in the one document:
 * <ul>
 * <li>per client (source IP, hashed; an IPv6 address counts as its /64, see {@link ClientAddress}): {@value #FREE_PER_CLIENT} verifications freely, then at most one
 *     per interval that doubles from 1 s up to {@value #MAX_CLIENT_INTERVAL_SECONDS} s; forgotten after an hour
 *     without attempts. One guessing client therefore gets about four guesses an hour.</li>
 * <li>per username over all clients: {@value #FREE_PER_USERNAME} freely, then one per interval doubling up to
 *     {@value #MAX_USERNAME_INTERVAL_SECONDS} s; forgotten after 15 quiet minutes. A distributed attack gets at
 *     most two guesses a minute; an owner without a device token competes with it for those slots (and mostly
 *     loses against an attacker who keeps polling), which is what {@link DeviceThrottle} is for.</li>
 * </ul>
 * A successful login takes its own reservation back from the username's budget (and clears its client's
 * count): the owner logging in never uses up the budget of untrusted clients.
 *
 * <p>Unknown usernames get the same budgets in memory only (per container): failures for names that do
 * not exist leave nothing in S3 (the requirement: a copy of the bucket must not tell which names
 * were tried, and a sprayer must not fill it). Guessing the password of an account that does not exist
 * gains nothing, so a budget per container is enough to make the answers look alike. When every
 * compare-and-swap attempt loses to concurrent writers the answer is "wait" (fail closed), never a
 * verification.
 *
 * <p>Logins that present a valid device token of the account do not come here at all: they count in
 * {@link DeviceThrottle}.
 */
public final class LoginThrottle {

    static final int FREE_PER_CLIENT = 5;
    static final int FREE_PER_USERNAME = 20;
    static final long MAX_CLIENT_INTERVAL_SECONDS = 900;
    static final long MAX_USERNAME_INTERVAL_SECONDS = 30;
    private static final long CLIENT_MEMORY_MILLIS = 3_600_000;
    private static final long USERNAME_MEMORY_MILLIS = 900_000;
    private static final int MAX_CLIENTS_KEPT = 50;
    private static final int MAX_UNKNOWN_NAMES = 10_000;

    private final JsonObjectStore store;
    private final Clock clock;
    private final Map<String, ObjectNode> unknownNames = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > MAX_UNKNOWN_NAMES;
        }
    };

    public LoginThrottle(JsonObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Reserves one password verification for the username from this client. Empty: go ahead and
     * verify. Otherwise the seconds to wait; nothing may be verified now.
     */
    public Optional<Long> reserve(String username, String client, boolean accountExists) {
        String clientKey = clientKey(client);
        if (!accountExists) {
            synchronized (unknownNames) {
                ObjectNode budget = unknownNames.computeIfAbsent(Keys.sha256(username.toLowerCase(Locale.ROOT)),
                        k -> Json.object());
                return apply(budget, clientKey, clock.millis());
            }
        }
        return BudgetDocument.reserve(store, Keys.throttle(username), budget -> apply(budget, clientKey, clock.millis()));
    }

    /**
     * The owner got in from this client: its count starts again, and the reservation this login made in the
     * username's budget is taken back, so that logging in uses up nothing of it (best effort).
     */
    public void succeeded(String username, String client) {
        String clientKey = clientKey(client);
        long now = clock.millis();
        store.update(Keys.throttle(username), current -> {
            ObjectNode budget = current.map(doc -> doc instanceof ObjectNode o ? o.deepCopy() : Json.object())
                    .orElseGet(Json::object);
            clients(budget).remove(clientKey);
            if (budget.get("total") instanceof ObjectNode total) {
                long failures = Math.max(0, total.path("failures").asLong(0) - 1);
                total.put("failures", failures);
                if (failures < FREE_PER_USERNAME) {
                    total.remove("next");
                } else if (total.path("next").asLong(0) > now) {
                    // The interval this login's reservation started is not the attackers' to wait for any longer
                    // than they would have without it.
                    total.put("next", now);
                }
            }
            return budget;
        }, 3);
    }

    /** The account is gone: its budget goes too (a later attempt on the name counts as an unknown name's). */
    public void forget(String username) {
        store.delete(Keys.throttle(username));
    }

    /**
     * Applies one reservation to a budget document: checks both budgets at {@code now} and, when both
     * allow it, counts the attempt in both. Returns the wait in seconds when either refuses.
     */
    static Optional<Long> apply(ObjectNode budget, String clientKey, long now) {
        ObjectNode clients = clients(budget);
        forgetOld(clients, now);
        ObjectNode client = clients.has(clientKey) ? (ObjectNode) clients.get(clientKey) : Json.object();
        ObjectNode total = budget.has("total") ? (ObjectNode) budget.get("total") : Json.object();
        if (now - total.path("last").asLong(0) > USERNAME_MEMORY_MILLIS) {
            total = Json.object();
        }
        long next = Math.max(client.path("next").asLong(0), total.path("next").asLong(0));
        if (now < next) {
            return Optional.of(Math.max(1, (next - now + 999) / 1000));
        }
        count(client, now, FREE_PER_CLIENT, MAX_CLIENT_INTERVAL_SECONDS);
        count(total, now, FREE_PER_USERNAME, MAX_USERNAME_INTERVAL_SECONDS);
        clients.set(clientKey, client);
        budget.set("total", total);
        return Optional.empty();
    }

    private static void count(ObjectNode budget, long now, int free, long maxIntervalSeconds) {
        long failures = budget.path("failures").asLong(0) + 1;
        budget.put("failures", failures);
        budget.put("last", now);
        if (failures >= free) {
            long exponent = Math.min(failures - free, 20);
            long interval = Math.min(1000L << exponent, maxIntervalSeconds * 1000);
            budget.put("next", now + interval);
        }
    }

    private static void forgetOld(ObjectNode clients, long now) {
        for (Iterator<Map.Entry<String, JsonNode>> it = clients.fields(); it.hasNext(); ) {
            if (now - it.next().getValue().path("last").asLong(0) > CLIENT_MEMORY_MILLIS) {
                it.remove();
            }
        }
        while (clients.size() >= MAX_CLIENTS_KEPT) {
            String oldest = null;
            long oldestAt = Long.MAX_VALUE;
            for (Iterator<Map.Entry<String, JsonNode>> it = clients.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getValue().path("last").asLong(0) < oldestAt) {
                    oldestAt = entry.getValue().path("last").asLong(0);
                    oldest = entry.getKey();
                }
            }
            clients.remove(oldest);
        }
    }

    private static ObjectNode clients(ObjectNode budget) {
        if (!(budget.get("clients") instanceof ObjectNode)) {
            budget.set("clients", Json.object());
        }
        return (ObjectNode) budget.get("clients");
    }

    private static String clientKey(String client) {
        return Keys.sha256(ClientAddress.of(client)).substring(0, 16);
    }
}
