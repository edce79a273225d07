package com.audmg.drive.auth;

import java.util.Optional;

import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OWASP's device cookies ("Slow Down Online Guessing Attacks with Device Cookies"), as tokens in the JSON
 * API: a client that logged in gets a signed device token bound to the account; a later login for that
 * username that presents it counts in the device's own budget ({@link DeviceThrottle}) instead of the
 * username's budget for untrusted clients ({@link LoginThrottle}), so strangers guessing the password
 * cannot keep the owner out.
 *
 * <p>A device token is valid for a login when its signature, audience and expiry hold, it names this
 * account (user id and username) and its generation is the account's {@code deviceGeneration}. A password
 * change or reset raises the generation, which revokes every device token of the account; deleting the
 * account revokes them too (a new account of the same name has another user id). A token that is not
 * valid is ignored: the login counts as untrusted, as if none had been sent.
 */
public final class Devices {

    static final String GENERATION_FIELD = "deviceGeneration";
    /** Longer than any token this service issues (~400 characters); a longer value cannot be one. */
    public static final int MAX_TOKEN_LENGTH = 2048;

    private final TokenService tokens;
    private final DeviceThrottle throttle;

    public Devices(TokenService tokens, DeviceThrottle throttle) {
        this.tokens = tokens;
        this.throttle = throttle;
    }

    /** The device id of {@code deviceToken} when it is a valid device token of this account, else empty. */
    public Optional<String> trusted(String deviceToken, AccountStore.VersionedAccount account) {
        if (deviceToken == null || deviceToken.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        try {
            TokenService.DevicePrincipal device = tokens.verifyDeviceToken(deviceToken);
            boolean valid = device.userId().equals(account.account().userId())
                    && device.username().equals(account.account().username())
                    && device.generation() == generation(account.document());
            return valid ? Optional.of(device.deviceId()) : Optional.empty();
        } catch (TokenService.InvalidTokenException e) {
            return Optional.empty();
        }
    }

    /** A device token for a client that just logged in: the same device id when it presented a valid one. */
    public String issue(AccountStore.VersionedAccount account, String deviceId) {
        return tokens.issueDeviceToken(account.account().userId(), account.account().username(),
                deviceId == null ? Keys.newId() : deviceId, generation(account.document()));
    }

    public DeviceThrottle throttle() {
        return throttle;
    }

    static long generation(JsonNode accountDocument) {
        return accountDocument.path(GENERATION_FIELD).asLong(0);
    }

    /** Part of a change to the account document: every device token issued so far stops being valid. */
    public static void revokeAll(ObjectNode accountDocument) {
        accountDocument.put(GENERATION_FIELD, generation(accountDocument) + 1);
    }
}
