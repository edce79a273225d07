package com.audmg.drive.auth;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;

/** Sign-up and login. */
public final class AuthService {

    private static final ApiException INVALID_CREDENTIALS =
            new ApiException(401, "invalid_credentials", "invalid username or password");

    private final AccountStore accounts;
    private final LoginThrottle throttle;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final Clock clock;

    public AuthService(AccountStore accounts, LoginThrottle throttle, PasswordHasher hasher,
                       TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.throttle = throttle;
        this.hasher = hasher;
        this.tokens = tokens;
        this.clock = clock;
    }

    public AccountStore.Account signUp(String rawUsername, String password) {
        String username = Credentials.normalizeUsername(rawUsername);
        Credentials.validateNewPassword(password);
        var account = new AccountStore.Account(Keys.newId(), username, hasher.hash(password), clock.instant());
        try {
            accounts.create(account);
        } catch (AccountStore.UsernameTakenException e) {
            throw new ApiException(409, "username_taken", "username is taken");
        }
        return account;
    }

    public TokenService.IssuedToken login(String rawUsername, String password) {
        if (rawUsername.isEmpty() || rawUsername.length() > 64 || password.length() > 1024) {
            throw INVALID_CREDENTIALS;
        }
        String username = rawUsername.toLowerCase(java.util.Locale.ROOT);
        Optional<Long> retryAfter = throttle.retryAfterSeconds(username);
        if (retryAfter.isPresent()) {
            throw new ApiException(429, "too_many_attempts", "too many failed attempts, try again later",
                    Map.of("Retry-After", Long.toString(retryAfter.get())));
        }
        Optional<AccountStore.Account> account = accounts.find(username);
        boolean verified;
        if (account.isPresent()) {
            verified = hasher.verify(password, account.get().passwordHash());
        } else {
            hasher.verifyDecoy(password);
            verified = false;
        }
        if (!verified) {
            throttle.recordFailure(username);
            StructuredLog.metric("LoginFailures", 1, "Count");
            throw INVALID_CREDENTIALS;
        }
        throttle.reset(username);
        return tokens.issue(account.get().userId(), account.get().username());
    }
}
