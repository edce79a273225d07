package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.audmg.drive.platform.Backoff;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Guesses of second-factor codes (TOTP and recovery codes), per account and per MFA token, in one
 * document per account ({@code throttle/mfa/<userId>.json}). As with {@link LoginThrottle}, a guess
 * must be <em>reserved</em> (compare-and-swap) before the code is checked, so a parallel burst cannot
 * check more codes than the budget allows, and a lost race answers "wait", never an unchecked guess.
 * <ul>
 * <li>per account: {@value #FREE} guesses, then one per interval doubling from 1 s up to an hour;
 *     a correct code clears it, a day without guesses forgets it. Getting this far needs the password
 *     already; the budget then allows about 30 guesses the first day and 24 a day after that, each with a
 *     chance of 3 in a million (three steps are accepted).</li>
 * <li>per MFA token: {@value #PER_TOKEN} guesses; then that token is spent and the password must be
 *     given again (through the login throttle). A token that logged in is spent too.</li>
 * </ul>
 */
public final class CodeThrottle {

    static final int FREE = 5;
    static final int PER_TOKEN = 5;
    private static final long MAX_INTERVAL_MILLIS = 3_600_000;
    private static final long MEMORY_MILLIS = 24 * 3_600_000L;
    private static final long TOKEN_MEMORY_MILLIS = 15 * 60_000L;
    private static final int CAS_ATTEMPTS = 8;

    /** What a reservation decided. */
    public sealed interface Decision {
    }

    /** Go ahead and check one code. */
    public record Allowed() implements Decision {
    }

    /** Wait this long before the next guess. */
    public record Wait(long seconds) implements Decision {
    }

    /** This MFA token has had its guesses (or logged in already). */
    public record TokenSpent() implements Decision {
    }

    private final JsonObjectStore store;
    private final Clock clock;

    public CodeThrottle(JsonObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Reserves one guess for the account and, when not null, for the MFA token {@code tokenId}. */
    public Decision reserve(String userId, String tokenId) {
        String key = Keys.codeThrottle(userId);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<JsonObjectStore.Versioned> current = store.get(key);
            ObjectNode budget = current.map(v -> v.document() instanceof ObjectNode o ? o.deepCopy() : Json.object())
                    .orElseGet(Json::object);
            long now = clock.millis();
            if (now - budget.path("last").asLong(0) > MEMORY_MILLIS) {
                budget.put("failures", 0);
                budget.remove("next");
            }
            ObjectNode tokens = tokens(budget, now);
            String tokenKey = tokenId == null ? null : Keys.sha256(tokenId).substring(0, 24);
            if (tokenKey != null && tokens.path(tokenKey).path("guesses").asInt(0) >= PER_TOKEN) {
                return new TokenSpent();
            }
            long next = budget.path("next").asLong(0);
            if (now < next) {
                return new Wait(Math.max(1, (next - now + 999) / 1000));
            }
            long failures = budget.path("failures").asLong(0) + 1;
            budget.put("failures", failures);
            budget.put("last", now);
            if (failures >= FREE) {
                budget.put("next", now + Math.min(1000L << Math.min(failures - FREE, 30), MAX_INTERVAL_MILLIS));
            }
            if (tokenKey != null) {
                ObjectNode token = tokens.has(tokenKey) ? (ObjectNode) tokens.get(tokenKey) : tokens.putObject(tokenKey);
                token.put("guesses", token.path("guesses").asInt(0) + 1);
                token.put("first", token.path("first").asLong(now));
            }
            try {
                store.replace(key, budget, current.map(JsonObjectStore.Versioned::etag).orElse(null));
                return new Allowed();
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
            }
        }
        return new Wait(1);
    }

    /** A correct code: the account's count starts again, and the token (if any) is spent. */
    public void succeeded(String userId, String tokenId) {
        store.update(Keys.codeThrottle(userId), current -> {
            ObjectNode budget = current.map(doc -> doc instanceof ObjectNode o ? o.deepCopy() : Json.object())
                    .orElseGet(Json::object);
            budget.put("failures", 0);
            budget.remove("next");
            if (tokenId != null) {
                tokens(budget, clock.millis()).putObject(Keys.sha256(tokenId).substring(0, 24))
                        .put("guesses", PER_TOKEN).put("first", clock.millis());
            }
            return budget;
        }, 4);
    }

    /** The account is gone: its budget goes too. */
    public void forget(String userId) {
        store.delete(Keys.codeThrottle(userId));
    }

    private static ObjectNode tokens(ObjectNode budget, long now) {
        if (!(budget.get("tokens") instanceof ObjectNode)) {
            budget.set("tokens", Json.object());
        }
        ObjectNode tokens = (ObjectNode) budget.get("tokens");
        for (Iterator<Map.Entry<String, JsonNode>> it = tokens.fields(); it.hasNext(); ) {
            if (now - it.next().getValue().path("first").asLong(0) > TOKEN_MEMORY_MILLIS) {
                it.remove();
            }
        }
        return tokens;
    }
}
