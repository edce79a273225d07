package com.audmg.drive.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * TOTP second factor: enrolment (a secret that takes effect only once a code from it is confirmed),
 * ten single-use recovery codes, the login step after the password, and turning it off.
 *
 * <p>In the account document: {@code mfaPending} = {secret (sealed), createdAt} while enrolling;
 * {@code mfa} = {secret (sealed), enabledAt, lastStep, recoveryCodes: [keyed hashes]} once on. A code
 * is accepted only for a time step later than {@code lastStep}, and a recovery code only while its
 * hash is in the list; both are consumed by compare-and-swap on the document, so a code works once even
 * when sent twice at the same moment. Every guess is reserved in {@link CodeThrottle} first.
 */
public final class MfaService {

    public static final String ISSUER = "Audmg Drive";
    public static final int RECOVERY_CODES = 10;
    private static final String RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final Pattern RECOVERY_CODE = Pattern.compile("[" + RECOVERY_ALPHABET + "]{12}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CAS_ATTEMPTS = 5;
    private static final ApiException INVALID_CODE = new ApiException(401, "invalid_code", "the code is not valid");

    /** What enrolment shows once: the secret and the URI an authenticator app reads (as QR code). */
    public record Enrolment(String secret, String otpauthUrl) {
    }

    private final AccountStore accounts;
    private final AccountSecrets secrets;
    private final CodeThrottle throttle;
    private final TokenService tokens;
    private final SessionService sessions;
    private final Devices devices;
    private final Duration enrolmentTtl;
    private final Clock clock;
    private final Totp totp = new Totp();

    public MfaService(AccountStore accounts, AccountSecrets secrets, CodeThrottle throttle, TokenService tokens,
                      SessionService sessions, Devices devices, Duration enrolmentTtl, Clock clock) {
        this.devices = devices;
        this.enrolmentTtl = enrolmentTtl;
        this.accounts = accounts;
        this.secrets = secrets;
        this.throttle = throttle;
        this.tokens = tokens;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Starts (or restarts) enrolment; 409 when the second factor is on already. */
    public Enrolment begin(TokenService.Principal caller) {
        AccountStore.VersionedAccount account = own(caller);
        if (account.account().mfa()) {
            throw new ApiException(409, "mfa_enabled", "two-factor authentication is on already");
        }
        byte[] secret = Totp.newSecret();
        write(account, doc -> {
            ObjectNode pending = doc.putObject("mfaPending");
            pending.put("secret", secrets.encrypt(secret, caller.userId()));
            pending.put("createdAt", clock.instant().toString());
        });
        return new Enrolment(Totp.base32(secret), Totp.otpauthUrl(ISSUER, caller.username(), secret));
    }

    /** Confirms enrolment with a code of the new secret; returns the recovery codes (shown this once). */
    public List<String> confirm(TokenService.Principal caller, String code) {
        reserve(caller.userId(), null);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AccountStore.VersionedAccount account = own(caller);
            JsonNode pending = account.document().path("mfaPending");
            if (account.account().mfa() || !pending.path("secret").isTextual()
                    || !clock.instant().isBefore(Instant.parse(pending.path("createdAt").asText())
                    .plus(enrolmentTtl))) {
                throw INVALID_CODE;
            }
            byte[] secret = secrets.decrypt(pending.path("secret").asText(), caller.userId());
            OptionalLong step = totp.matchingStep(secret, normalizeTotp(code), clock.instant());
            if (step.isEmpty()) {
                throw INVALID_CODE;
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                codes.add(newRecoveryCode());
            }
            try {
                accounts.update(account, doc -> {
                    doc.remove("mfaPending");
                    ObjectNode mfa = doc.putObject("mfa");
                    mfa.put("secret", pending.path("secret").asText());
                    mfa.put("enabledAt", clock.instant().toString());
                    mfa.put("lastStep", step.getAsLong());
                    ArrayNode hashes = mfa.putArray("recoveryCodes");
                    codes.forEach(c -> hashes.add(recoveryHash(caller.userId(), normalizeRecovery(c))));
                });
            } catch (JsonObjectStore.ConditionFailedException e) {
                continue;
            }
            throttle.succeeded(caller.userId(), null);
            StructuredLog.metric("MfaEnabled", 1, "Count");
            return codes;
        }
        throw busy();
    }

    /** Turns the second factor off; needs a current code or a recovery code. */
    public void disable(TokenService.Principal caller, String code) {
        reserve(caller.userId(), null);
        AccountStore.VersionedAccount account = own(caller);
        if (!account.account().mfa()) {
            throw new ApiException(409, "mfa_not_enabled", "two-factor authentication is not on");
        }
        consume(caller.userId(), caller.username(), code, doc -> doc.remove("mfa"));
        throttle.succeeded(caller.userId(), null);
        StructuredLog.metric("MfaDisabled", 1, "Count");
    }

    /** The second step of a login: an MFA token and a code give a session (and a device token). */
    public AuthService.LoginResult login(String mfaToken, String code, String clientLabel) {
        TokenService.MfaPrincipal principal;
        try {
            principal = tokens.verifyMfaToken(mfaToken);
        } catch (TokenService.InvalidTokenException e) {
            throw INVALID_CODE;
        }
        reserve(principal.userId(), principal.tokenId());
        consume(principal.userId(), principal.username(), code, doc -> { });
        throttle.succeeded(principal.userId(), principal.tokenId());
        SessionService.Tokens started = sessions.start(principal.userId(), principal.username(), clientLabel);
        // As for a password login: an account deleted while this login ran may have listed its sessions before
        // this one was made, which would then outlive the account.
        java.util.Optional<AccountStore.VersionedAccount> now = accounts.findVersioned(principal.username())
                .filter(a -> a.account().userId().equals(principal.userId()));
        if (now.isEmpty()) {
            sessions.revoke(principal.userId(), started.sessionId());
            throw INVALID_CODE;
        }
        return new AuthService.LoginResult(started, devices.issue(now.get(), principal.deviceId()));
    }

    /**
     * 401 {@code mfa_required} with a token for {@link #login}: what a correct password gets when MFA is on.
     * {@code deviceId}: the device of the valid device token the login presented (null: none), renewed after the step.
     */
    public ApiException mfaRequired(AccountStore.Account account, String deviceId) {
        return ApiException.withDetails(401, "mfa_required", "a second factor is required",
                Map.of("mfaToken", tokens.issueMfaToken(account.userId(), account.username(), deviceId)));
    }

    /** Deletes what the second factor keeps beside the account (its guess budget), when the account is deleted. */
    public void forget(String userId) {
        throttle.forget(userId);
    }

    private void reserve(String userId, String tokenId) {
        CodeThrottle.Decision decision = throttle.reserve(userId, tokenId);
        if (decision instanceof CodeThrottle.Wait wait) {
            StructuredLog.metric("MfaGuessesThrottled", 1, "Count");
            throw new ApiException(429, "too_many_attempts", "too many codes tried, try again later",
                    Map.of("Retry-After", Long.toString(wait.seconds())));
        }
        if (decision instanceof CodeThrottle.TokenSpent) {
            throw INVALID_CODE;
        }
    }

    /**
     * Checks a TOTP code (a step later than the last one used) or a recovery code (still unused) against
     * the account's second factor and records its use together with {@code alsoChange}, atomically.
     */
    private void consume(String userId, String username, String code, java.util.function.Consumer<ObjectNode> alsoChange) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AccountStore.VersionedAccount account = accounts.findVersioned(username)
                    .filter(a -> a.account().userId().equals(userId) && a.account().mfa())
                    .orElseThrow(() -> INVALID_CODE);
            JsonNode mfa = account.document().path("mfa");
            java.util.function.Consumer<ObjectNode> use;
            String totpCode = normalizeTotp(code);
            if (Totp.looksLikeCode(totpCode)) {
                byte[] secret = secrets.decrypt(mfa.path("secret").asText(), userId);
                OptionalLong step = totp.matchingStep(secret, totpCode, clock.instant());
                if (step.isEmpty() || step.getAsLong() <= mfa.path("lastStep").asLong(Long.MIN_VALUE)) {
                    throw INVALID_CODE;
                }
                use = doc -> ((ObjectNode) doc.get("mfa")).put("lastStep", step.getAsLong());
            } else {
                String recovery = normalizeRecovery(code);
                if (!RECOVERY_CODE.matcher(recovery).matches()) {
                    throw INVALID_CODE;
                }
                String hash = recoveryHash(userId, recovery);
                int index = -1;
                for (int i = 0; i < mfa.path("recoveryCodes").size(); i++) {
                    if (java.security.MessageDigest.isEqual(hash.getBytes(), mfa.path("recoveryCodes").get(i).asText().getBytes())) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw INVALID_CODE;
                }
                int used = index;
                use = doc -> ((ArrayNode) doc.get("mfa").get("recoveryCodes")).remove(used);
                StructuredLog.metric("RecoveryCodesUsed", 1, "Count");
            }
            try {
                accounts.update(account, use.andThen(alsoChange));
                return;
            } catch (JsonObjectStore.ConditionFailedException e) {
                // Another change meanwhile (perhaps this very code): read again and check again.
            }
        }
        throw busy();
    }

    private AccountStore.VersionedAccount own(TokenService.Principal caller) {
        return accounts.findVersioned(caller.username())
                .filter(found -> found.account().userId().equals(caller.userId()))
                .orElseThrow(ApiException::unauthorized);
    }

    private void write(AccountStore.VersionedAccount account, java.util.function.Consumer<ObjectNode> change) {
        try {
            accounts.update(account, change);
        } catch (JsonObjectStore.ConditionFailedException e) {
            throw busy();
        }
    }

    private String recoveryHash(String userId, String normalized) {
        return secrets.codeHash("recovery", userId, normalized);
    }

    private static String newRecoveryCode() {
        StringBuilder code = new StringBuilder(14);
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
        }
        return code.toString();
    }

    private static String normalizeTotp(String code) {
        return code == null ? "" : code.replace(" ", "");
    }

    /** Case, spaces and dashes do not matter; letters people confuse with digits are read as the digits. */
    static String normalizeRecovery(String code) {
        return code == null ? "" : code.toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "")
                .replace('o', '0').replace('i', '1').replace('l', '1');
    }

    private static ApiException busy() {
        return new ApiException(503, "busy", "the account changed meanwhile, try again", Map.of("Retry-After", "1"));
    }
}
