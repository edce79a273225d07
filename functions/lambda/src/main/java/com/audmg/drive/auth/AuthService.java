package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;

/** Sign-up, login, refresh, password change and account deletion. */
public final class AuthService {

    private static final ApiException INVALID_CREDENTIALS =
            new ApiException(401, "invalid_credentials", "invalid username or password");
    private static final ApiException INVALID_TOKEN =
            new ApiException(401, "invalid_token", "the refresh token is not valid (expired, used or revoked)");

    private final AccountStore accounts;
    private final LoginThrottle throttle;
    private final SignUpThrottle signUps;
    private final PasswordHasher hasher;
    private final SessionService sessions;
    private final MfaService mfa;
    private final EmailService email;
    private final Devices devices;
    private final Clock clock;

    /** What a complete login answers: the session's tokens and a device token for this client. */
    public record LoginResult(SessionService.Tokens tokens, String deviceToken) {
    }

    public AuthService(AccountStore accounts, LoginThrottle throttle, SignUpThrottle signUps, PasswordHasher hasher,
                       SessionService sessions, MfaService mfa, EmailService email, Devices devices, Clock clock) {
        this.devices = devices;
        this.accounts = accounts;
        this.throttle = throttle;
        this.signUps = signUps;
        this.hasher = hasher;
        this.sessions = sessions;
        this.mfa = mfa;
        this.email = email;
        this.clock = clock;
    }

    /**
     * Cheap checks first (name, password policy, e-mail, name taken, the sign-up budget); bcrypt last. With an
     * e-mail address the account starts with it unverified and a verification code is mailed to it.
     */
    public AccountStore.Account signUp(String rawUsername, String password, String rawEmail, String client) {
        String username = Credentials.normalizeUsername(rawUsername);
        Credentials.validateNewPassword(password, username, "password");
        String address = rawEmail == null ? null : EmailService.normalizeEmail(rawEmail, "email");
        if (accounts.find(username).isPresent()) {
            throw usernameTaken();
        }
        signUps.reserve(client).ifPresent(wait -> {
            throw tooManyAttempts(wait, "too many sign-ups, try again later");
        });
        String userId = Keys.newId();
        var account = new AccountStore.Account(userId, username, hasher.hash(password), clock.instant(), address,
                false, false);
        String code = EmailService.newCode();
        try {
            accounts.create(account, address == null ? doc -> { } : email.pendingVerification(userId, address, code));
        } catch (AccountStore.UsernameTakenException e) {
            throw usernameTaken();
        }
        if (address != null) {
            email.sendVerification(username, address, code);
        }
        return account;
    }

    /**
     * A password login. With a valid device token of the account ({@code deviceToken}, may be null) the
     * attempt counts in that device's budget only; otherwise in the username's budgets for untrusted clients.
     */
    public LoginResult login(String rawUsername, String password, String deviceToken, String client,
                             String clientLabel) {
        if (rawUsername.isEmpty() || rawUsername.length() > 64 || password.length() > 1024) {
            throw INVALID_CREDENTIALS;
        }
        String username = rawUsername.toLowerCase(Locale.ROOT);
        Optional<AccountStore.VersionedAccount> found = accounts.findVersioned(username);
        Optional<String> device = found.flatMap(a -> devices.trusted(deviceToken, a));
        AccountStore.Account account = (device.isPresent()
                ? verifiedOnDevice(found.get(), device.get(), password)
                : verified(username, found.map(AccountStore.VersionedAccount::account), password, client))
                .orElseThrow(() -> INVALID_CREDENTIALS);
        if (account.mfa()) {
            // The password was right; the session waits for the second factor (POST /auth/login/mfa).
            throw mfa.mfaRequired(account, device.orElse(null));
        }
        SessionService.Tokens tokens = sessions.start(account.userId(), account.username(), clientLabel);
        // An account deleted while this login ran: its deletion may have listed the sessions before this one.
        Optional<AccountStore.VersionedAccount> now = accounts.findVersioned(username)
                .filter(a -> a.account().userId().equals(account.userId()));
        if (now.isEmpty()) {
            sessions.revoke(account.userId(), tokens.sessionId());
            throw INVALID_CREDENTIALS;
        }
        return new LoginResult(tokens, devices.issue(now.get(), device.orElse(null)));
    }

    public SessionService.Tokens refresh(String refreshToken) {
        try {
            return sessions.refresh(refreshToken);
        } catch (TokenService.InvalidTokenException e) {
            throw INVALID_TOKEN;
        }
    }

    /**
     * Re-authentication before a change that could hand the account to someone else (its password,
     * its e-mail address, its deletion): a stolen access token alone is not enough. Counts in the session's own
     * budget ({@link DeviceThrottle#reserveInSession}), not the username's: strangers guessing at the login cannot
     * hold the signed-in owner back, and a session guessing is locked after a few wrong passwords.
     */
    public AccountStore.VersionedAccount confirmPassword(TokenService.Principal caller, String password) {
        if (password.length() > 1024) {
            throw INVALID_CREDENTIALS;
        }
        AccountStore.VersionedAccount current = ownAccount(caller);
        String userId = caller.userId();
        devices.throttle().reserveInSession(userId, caller.sessionId()).ifPresent(wait -> {
            throw tooManyAttempts(wait, "too many wrong passwords in this session, try again later");
        });
        if (!hasher.verify(password, current.account().passwordHash())) {
            StructuredLog.metric("PasswordReentryFailures", 1, "Count");
            throw INVALID_CREDENTIALS;
        }
        devices.throttle().succeededInSession(userId, caller.sessionId());
        return current;
    }

    /**
     * For a change of the e-mail address (the address password-reset codes go to): the password when given; without
     * it (the body of shared/API.md, {@code {"email"}}) a session that signed in within the last
     * {@link #RECENT_SIGN_IN} (GitHub's "sudo mode"): a client right after its login needs no second prompt, an
     * access token used later (or stolen) needs the password.
     */
    public void confirmPasswordOrRecentSignIn(TokenService.Principal caller, String password) {
        if (password != null) {
            confirmPassword(caller, password);
            return;
        }
        ownAccount(caller);
        java.time.Instant signedIn = sessions.signedInAt(caller).orElseThrow(ApiException::unauthorized);
        if (signedIn.plus(RECENT_SIGN_IN).isBefore(clock.instant())) {
            throw ApiException.invalidRequest("currentPassword", "field 'currentPassword' is required: this session"
                    + " signed in more than " + RECENT_SIGN_IN.toMinutes() + " minutes ago");
        }
    }

    /** How long after signing in a session may change the e-mail address without entering the password again. */
    public static final java.time.Duration RECENT_SIGN_IN = java.time.Duration.ofMinutes(10);

    /** Sets a new password; every other session of the account ends. */
    public void changePassword(TokenService.Principal caller, String currentPassword, String newPassword) {
        AccountStore.VersionedAccount current = confirmPassword(caller, currentPassword);
        Credentials.validateNewPassword(newPassword, caller.username(), "newPassword");
        try {
            accounts.replacePasswordHash(current, hasher.hash(newPassword), clock.instant());
        } catch (JsonObjectStore.ConditionFailedException e) {
            throw new ApiException(503, "busy", "the account changed meanwhile, try again", Map.of("Retry-After", "1"));
        }
        sessions.revokeAll(caller.userId(), caller.sessionId());
    }

    /**
     * Deletes the account at once (its record and every session: no token of it works any more) and
     * marks its library and bytes for the sweeper, which deletes them within its next hourly run.
     */
    public void deleteAccount(TokenService.Principal caller, String password) {
        confirmPassword(caller, password);
        accounts.markForPurge(caller.userId(), clock.instant());
        accounts.delete(caller.username());
        sessions.revokeAll(caller.userId(), null);
        mfa.forget(caller.userId());
        // What the account left beside it: its password budget and its devices' budgets (its device tokens
        // name a user id that no longer exists, so none is valid any more).
        throttle.forget(caller.username());
        devices.throttle().forget(caller.userId());
        StructuredLog.metric("AccountsDeleted", 1, "Count");
    }

    /** The caller's account, which must still be the one its token names. */
    private AccountStore.VersionedAccount ownAccount(TokenService.Principal caller) {
        return accounts.findVersioned(caller.username())
                .filter(found -> found.account().userId().equals(caller.userId()))
                .orElseThrow(ApiException::unauthorized);
    }

    /**
     * Reserves a verification in the username's budget, then runs bcrypt (against a decoy hash for
     * an unknown username, which takes as long). Empty when the password is wrong or there is no account.
     */
    private Optional<AccountStore.Account> verified(String username, Optional<AccountStore.Account> account,
                                                    String password, String client) {
        throttle.reserve(username, client, account.isPresent()).ifPresent(wait -> {
            throw tooManyAttempts(wait, "too many failed attempts, try again later");
        });
        if (account.isPresent() && hasher.verify(password, account.get().passwordHash())) {
            throttle.succeeded(username, client);
            return account;
        }
        if (account.isEmpty()) {
            hasher.verifyDecoy(password);
        }
        StructuredLog.metric("LoginFailures", 1, "Count");
        return Optional.empty();
    }

    /** As {@link #verified} for a client with a valid device token: only that device's budget counts. */
    private Optional<AccountStore.Account> verifiedOnDevice(AccountStore.VersionedAccount account, String deviceId,
                                                            String password) {
        String userId = account.account().userId();
        devices.throttle().reserve(userId, deviceId).ifPresent(wait -> {
            StructuredLog.metric("DeviceLoginsLocked", 1, "Count");
            throw tooManyAttempts(wait, "too many failed attempts from this device, try again later");
        });
        if (hasher.verify(password, account.account().passwordHash())) {
            devices.throttle().succeeded(userId, deviceId);
            return Optional.of(account.account());
        }
        StructuredLog.metric("LoginFailures", 1, "Count");
        return Optional.empty();
    }

    private static ApiException usernameTaken() {
        return new ApiException(409, "username_taken", "username is taken");
    }

    private static ApiException tooManyAttempts(long waitSeconds, String message) {
        return new ApiException(429, "too_many_attempts", message, Map.of("Retry-After", Long.toString(waitSeconds)));
    }
}
