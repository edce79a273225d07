package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Optional;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

/**
 * The per-device budget of OWASP's device-cookie scheme: password attempts that present a valid device
 * token count here, in one small document per device ({@code throttle/device/<userId>/<deviceId>.json}),
 * and not in the username's budget for untrusted clients, so strangers exhausting that budget do not
 * lock the owner out of the clients the owner logged in from.
 *
 * <p>As in {@link LoginThrottle}, an attempt is <em>reserved</em> (compare-and-swap) before bcrypt runs
 * and counts as a failure until the password proves right, which deletes the document. {@value #FREE}
 * failures within {@value #WINDOW_MINUTES} minutes put the device token on the lockout list for
 * {@value #WINDOW_MINUTES} minutes: a stolen device token is worth {@value #FREE} guesses per
 * {@value #WINDOW_MINUTES} minutes, then nothing until the lock ends.
 *
 * <p>A signed-in session re-entering its password (to change it or the e-mail address, or to delete the account)
 * gets a budget of the same kind of its own ({@link #reserveInSession}): the session is as much a client the owner
 * proved to be theirs as a device token is, so strangers exhausting the username's budget cannot delay those
 * changes, and a stolen access token is worth {@value #FREE} guesses per {@value #WINDOW_MINUTES} minutes.
 */
public final class DeviceThrottle {

    static final int FREE = 5;
    static final long WINDOW_MINUTES = 15;
    private static final long WINDOW_MILLIS = WINDOW_MINUTES * 60_000;

    private final JsonObjectStore store;
    private final Clock clock;

    public DeviceThrottle(JsonObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Empty: verify the password now (this attempt is counted). Otherwise the seconds this device is locked. */
    public Optional<Long> reserve(String userId, String deviceId) {
        return reserveKey(Keys.deviceThrottle(userId, deviceId));
    }

    /** As {@link #reserve}, for a password re-entered in the session {@code sessionId}. */
    public Optional<Long> reserveInSession(String userId, String sessionId) {
        return reserveKey(Keys.sessionThrottle(userId, sessionId));
    }

    private Optional<Long> reserveKey(String key) {
        return BudgetDocument.reserve(store, key, budget -> {
            long now = clock.millis();
            long lockedUntil = budget.path("lockedUntil").asLong(0);
            if (now < lockedUntil) {
                return Optional.of(Math.max(1, (lockedUntil - now + 999) / 1000));
            }
            if (now - budget.path("first").asLong(0) > WINDOW_MILLIS || lockedUntil > 0) {
                budget.removeAll();
                budget.put("first", now);
            }
            long failures = budget.path("failures").asLong(0) + 1;
            budget.put("failures", failures);
            if (failures >= FREE) {
                budget.put("lockedUntil", now + WINDOW_MILLIS);
            }
            return Optional.empty();
        });
    }

    /** The password was right from this device: its count (and any lock its last attempt set) is gone. */
    public void succeeded(String userId, String deviceId) {
        store.delete(Keys.deviceThrottle(userId, deviceId));
    }

    /** The password re-entered in this session was right. */
    public void succeededInSession(String userId, String sessionId) {
        store.delete(Keys.sessionThrottle(userId, sessionId));
    }

    /** The account is gone: so are its devices' and sessions' budgets. */
    public void forget(String userId) {
        store.listAll(Keys.deviceThrottlePrefix(userId)).toList().forEach(entry -> store.delete(entry.key()));
    }
}
