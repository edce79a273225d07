package com.audmg.drive.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Mailer;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The account's e-mail address, its verification, and password reset by a code sent to it.
 *
 * <p>Codes are stored as keyed hashes ({@link AccountSecrets}) with an expiry in the account
 * document: {@code emailVerification} = {email, codeHash, expiresAt, attempts}, {@code passwordReset}
 * = {codeHash, expiresAt}. A verification code is 8 digits, typed by a signed-in user: each attempt
 * is counted by compare-and-swap before the code is compared, so it takes at most
 * {@value #ATTEMPTS_PER_CODE} guesses (one in 20 million), even in parallel; then it is void. A reset
 * code is typed by anyone who names the account, so guesses must not void it (a stranger could then
 * block every reset of an account): it is 12 characters of a 30-letter alphabet (about 59 bits),
 * which no budget of guesses comes near, and guesses are budgeted per client
 * ({@value #RESET_CONFIRMS_PER_CLIENT_PER_HOUR} an hour) without touching the account. A used code
 * is removed, so it works once.
 *
 * <p>Mail per account is budgeted ({@value #MAILS_PER_HOUR} an hour, one a minute, for verification
 * codes and for reset codes each), so neither a
 * stranger asking for resets nor a session changing the address can flood a mailbox. Reset requests
 * are budgeted per client as well ({@link #RESETS_PER_CLIENT_PER_HOUR} an hour).
 */
public final class EmailService {

    static final int ATTEMPTS_PER_CODE = 5;
    static final int MAILS_PER_HOUR = 5;
    public static final int RESETS_PER_CLIENT_PER_HOUR = 10;
    public static final int RESET_CONFIRMS_PER_CLIENT_PER_HOUR = 20;
    /** Reset code letters: no 0/O, 1/I/L or U, so a code read aloud or retyped survives. */
    private static final String RESET_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    private static final int RESET_CODE_LENGTH = 12;
    private static final long MAIL_INTERVAL_MILLIS = 60_000;
    private static final int MAX_EMAIL_LENGTH = 254;
    /** One address, no display name, nothing that could end or add a header line. */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CAS_ATTEMPTS = 5;
    private static final ApiException INVALID_CODE = new ApiException(401, "invalid_code", "the code is not valid");

    private final AccountStore accounts;
    private final AccountSecrets secrets;
    private final Mailer mailer;
    private final ClientBudget resetRequests;
    private final ClientBudget resetConfirms;
    private final PasswordHasher hasher;
    private final SessionService sessions;
    private final Duration resetResponseFloor;
    private final Duration verificationTtl;
    private final Duration resetTtl;
    private final Clock clock;

    /** @param verificationTtl how long an e-mail verification code works; {@code resetTtl}: a reset code */
    public EmailService(AccountStore accounts, AccountSecrets secrets, Mailer mailer, ClientBudget resetRequests,
                        ClientBudget resetConfirms, PasswordHasher hasher, SessionService sessions, Duration resetResponseFloor,
                        Duration verificationTtl, Duration resetTtl, Clock clock) {
        this.verificationTtl = verificationTtl;
        this.resetTtl = resetTtl;
        this.accounts = accounts;
        this.secrets = secrets;
        this.mailer = mailer;
        this.resetRequests = resetRequests;
        this.resetConfirms = resetConfirms;
        this.hasher = hasher;
        this.sessions = sessions;
        this.resetResponseFloor = resetResponseFloor;
        this.clock = clock;
    }

    /** A valid address in canonical form (domain lower-cased), or 400 naming {@code field}. */
    public static String normalizeEmail(String raw, String field) {
        String email = raw == null ? "" : raw.strip();
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            throw ApiException.invalidRequest(field, field + " must be an e-mail address");
        }
        int at = email.lastIndexOf('@');
        return email.substring(0, at) + "@" + email.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** What sign-up stores beside a new account with an address: its pending verification. */
    public Consumer<ObjectNode> pendingVerification(String userId, String email, String code) {
        Instant now = clock.instant();
        return doc -> {
            ObjectNode pending = doc.putObject("emailVerification");
            pending.put("email", email);
            pending.put("codeHash", secrets.codeHash("email", userId, code));
            pending.put("expiresAt", now.plus(verificationTtl).toString());
            pending.put("attempts", 0);
            countMail(doc, "verify", now.toEpochMilli());
        };
    }

    public static String newCode() {
        return String.format(Locale.ROOT, "%08d", RANDOM.nextInt(100_000_000));
    }

    /** A password reset code: 12 letters and digits in groups of four ({@code ABCD-EFGH-JKMN}). */
    static String newResetCode() {
        StringBuilder code = new StringBuilder(RESET_CODE_LENGTH + 2);
        for (int i = 0; i < RESET_CODE_LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(RESET_ALPHABET.charAt(RANDOM.nextInt(RESET_ALPHABET.length())));
        }
        return code.toString();
    }

    /** A code as typed: without spaces and dashes, reset codes in upper case. */
    private static String normalized(String purpose, String code) {
        String bare = code == null ? "" : code.replaceAll("[\\s-]", "");
        return "reset".equals(purpose) ? bare.toUpperCase(Locale.ROOT) : bare;
    }

    /** Sends the verification code of a new account (best effort: the account exists either way). */
    public void sendVerification(String username, String email, String code) {
        try {
            mailer.send(email, "Your Audmg Drive verification code", verificationText(username, code));
        } catch (Mailer.MailException e) {
            StructuredLog.warn("verification mail for a new account not sent: " + e.getMessage());
        }
    }

    /** Sets a new address (unverified until its code comes back) and mails the code to it. */
    public void changeEmail(TokenService.Principal caller, String rawEmail) {
        String email = normalizeEmail(rawEmail, "email");
        String code = newCode();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AccountStore.VersionedAccount account = own(caller);
            long now = clock.millis();
            Optional<Long> wait = mailWait(account.document(), "verify", now);
            if (wait.isPresent()) {
                throw new ApiException(429, "too_many_attempts", "too many e-mails sent, try again later",
                        Map.of("Retry-After", Long.toString(wait.get())));
            }
            try {
                accounts.update(account, doc -> {
                    doc.put("email", email);
                    doc.put("emailVerified", false);
                    pendingVerification(caller.userId(), email, code).accept(doc);
                });
            } catch (JsonObjectStore.ConditionFailedException e) {
                continue;
            }
            try {
                mailer.send(email, "Your Audmg Drive verification code", verificationText(caller.username(), code));
            } catch (Mailer.MailException e) {
                StructuredLog.warn("verification mail not sent: " + e.getMessage());
                throw new ApiException(503, "mail_unavailable", "the e-mail could not be sent, try again later",
                        Map.of("Retry-After", "60"));
            }
            // A session alone can change the address (and then reset the password through it): tell the owner's
            // verified address, so a stolen session taking over the account does not go unnoticed.
            String previous = account.account().email();
            if (account.account().emailVerified() && !previous.equalsIgnoreCase(email)) {
                try {
                    mailer.send(previous, "The e-mail address of your Audmg Drive account was changed",
                            "The address of the Audmg Drive account " + caller.username() + " was changed to " + email
                                    + ".\r\n\r\nIf you did not do this, log in, change your password (which ends every"
                                    + " other session) and set your address again.\r\n");
                } catch (Mailer.MailException e) {
                    StructuredLog.warn("address change notice not sent: " + e.getMessage());
                }
            }
            return;
        }
        throw busy();
    }

    /** Marks the pending address verified when the code is right. */
    public void verifyEmail(TokenService.Principal caller, String code) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            AccountStore.VersionedAccount account = own(caller);
            JsonNode pending = account.document().path("emailVerification");
            String email = pending.path("email").asText(null);
            if (email == null || !email.equals(account.account().email())) {
                throw INVALID_CODE;
            }
            Optional<Boolean> matched = tryCode(account, "emailVerification", "email", caller.userId(), code,
                    doc -> {
                        doc.remove("emailVerification");
                        doc.put("emailVerified", true);
                    });
            if (matched.isPresent()) {
                if (!matched.get()) {
                    throw INVALID_CODE;
                }
                return;
            }
        }
        throw busy();
    }

    /**
     * Mails a reset code to the account's verified address, if there is an account, it has one, and its
     * mail budget allows. The caller answers 202 whatever happened; this takes at least the configured
     * floor either way, so timing tells little about whether the name exists.
     */
    public void requestReset(String rawUsername, String client) {
        long started = System.nanoTime();
        resetRequests.reserve(client).ifPresent(wait -> {
            throw new ApiException(429, "too_many_attempts", "too many reset requests, try again later",
                    Map.of("Retry-After", Long.toString(wait)));
        });
        try {
            String username = rawUsername.toLowerCase(Locale.ROOT);
            if (username.isEmpty() || username.length() > 64) {
                return;
            }
            mailResetCode(username);
        } finally {
            pad(started);
        }
    }

    private void mailResetCode(String username) {
        String code = newResetCode();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccountStore.VersionedAccount> found = accounts.findVersioned(username);
            if (found.isEmpty() || !found.get().account().emailVerified()) {
                return;
            }
            AccountStore.VersionedAccount account = found.get();
            long now = clock.millis();
            if (mailWait(account.document(), "reset", now).isPresent()) {
                StructuredLog.metric("PasswordResetMailsThrottled", 1, "Count");
                return;
            }
            try {
                accounts.update(account, doc -> {
                    ObjectNode reset = doc.putObject("passwordReset");
                    reset.put("codeHash", secrets.codeHash("reset", account.account().userId(), normalized("reset", code)));
                    reset.put("expiresAt", clock.instant().plus(resetTtl).toString());
                    countMail(doc, "reset", now);
                });
            } catch (JsonObjectStore.ConditionFailedException e) {
                continue;
            }
            try {
                mailer.send(account.account().email(), "Your Audmg Drive password reset code",
                        "Someone (hopefully you) asked to reset the password of the Audmg Drive account "
                                + account.account().username() + ".\r\n\r\nYour code: " + code + "\r\n\r\nIt works once,"
                                + " for " + describe(resetTtl) + ". If you did not ask for it, ignore this"
                                + " message: your password stays as it is.\r\n");
                StructuredLog.metric("PasswordResetMailsSent", 1, "Count");
            } catch (Mailer.MailException e) {
                StructuredLog.warn("password reset mail not sent: " + e.getMessage());
            }
            return;
        }
    }

    /** Sets a new password when the reset code is right; every session of the account ends. */
    public void confirmReset(String rawUsername, String code, String newPassword, String client) {
        resetConfirms.reserve(client).ifPresent(wait -> {
            throw new ApiException(429, "too_many_attempts", "too many reset codes tried, try again later",
                    Map.of("Retry-After", Long.toString(wait)));
        });
        String username = rawUsername.toLowerCase(Locale.ROOT);
        // The policy first: the same answer whether the account exists or not, and no code attempt spent.
        Credentials.validateNewPassword(newPassword, username, "newPassword");
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            if (username.isEmpty() || username.length() > 64) {
                throw INVALID_CODE;
            }
            AccountStore.VersionedAccount account = accounts.findVersioned(username).orElseThrow(() -> INVALID_CODE);
            String userId = account.account().userId();
            Optional<Boolean> matched = tryCode(account, "passwordReset", "reset", userId, code, doc -> {
                doc.remove("passwordReset");
                doc.put("passwordHash", hasher.hash(newPassword));
                doc.put("passwordChangedAt", clock.instant().toString());
                Devices.revokeAll(doc);
            });
            if (matched.isPresent()) {
                if (!matched.get()) {
                    throw INVALID_CODE;
                }
                sessions.revokeAll(userId, null);
                StructuredLog.metric("PasswordResets", 1, "Count");
                return;
            }
        }
        throw busy();
    }

    /**
     * One attempt at the code kept under {@code field}: counted (and the code voided after the last
     * attempt) in the same compare-and-swap that applies {@code onMatch} when it is right. Empty when the
     * account changed meanwhile (read again and retry); otherwise whether the code matched.
     */
    private Optional<Boolean> tryCode(AccountStore.VersionedAccount account, String field, String purpose,
                                      String userId, String code, Consumer<ObjectNode> onMatch) {
        JsonNode pending = account.document().path(field);
        boolean counted = !"reset".equals(purpose);
        if (!pending.path("codeHash").isTextual()
                || !clock.instant().isBefore(Instant.parse(pending.path("expiresAt").asText()))
                || counted && pending.path("attempts").asInt(0) >= ATTEMPTS_PER_CODE) {
            return Optional.of(false);
        }
        String presented = normalized(purpose, code);
        boolean wellFormed = counted ? presented.matches("[0-9]{8}")
                : presented.length() == RESET_CODE_LENGTH && presented.chars().allMatch(c -> RESET_ALPHABET.indexOf(c) >= 0);
        boolean right = wellFormed && MessageDigest.isEqual(
                secrets.codeHash(purpose, userId, presented).getBytes(), pending.path("codeHash").asText().getBytes());
        if (!right && !counted) {
            // A wrong reset code changes nothing (the per-client budget paid for the guess).
            return Optional.of(false);
        }
        try {
            accounts.update(account, doc -> {
                if (right) {
                    onMatch.accept(doc);
                } else {
                    ((ObjectNode) doc.get(field)).put("attempts", pending.path("attempts").asInt(0) + 1);
                }
            });
        } catch (JsonObjectStore.ConditionFailedException e) {
            return Optional.empty();
        }
        return Optional.of(right);
    }

    /** Empty when the account may be sent a mail of this purpose now; otherwise the seconds to wait. */
    private static Optional<Long> mailWait(JsonNode doc, String purpose, long now) {
        JsonNode budget = doc.path("mailBudget").path(purpose);
        long last = budget.path("last").asLong(0);
        if (now - last < MAIL_INTERVAL_MILLIS) {
            return Optional.of(Math.max(1, (last + MAIL_INTERVAL_MILLIS - now + 999) / 1000));
        }
        long windowStart = budget.path("windowStart").asLong(0);
        if (now - windowStart < 3_600_000 && budget.path("count").asInt(0) >= MAILS_PER_HOUR) {
            return Optional.of(Math.max(1, (windowStart + 3_600_000 - now + 999) / 1000));
        }
        return Optional.empty();
    }

    private static void countMail(ObjectNode doc, String purpose, long now) {
        JsonNode old = doc.path("mailBudget").path(purpose);
        if (!(doc.get("mailBudget") instanceof ObjectNode)) {
            doc.putObject("mailBudget");
        }
        ObjectNode budget = ((ObjectNode) doc.get("mailBudget")).putObject(purpose);
        boolean sameWindow = now - old.path("windowStart").asLong(0) < 3_600_000;
        budget.put("windowStart", sameWindow ? old.path("windowStart").asLong(0) : now);
        budget.put("count", (sameWindow ? old.path("count").asInt(0) : 0) + 1);
        budget.put("last", now);
    }

    /** A lifetime as a person reads it: "15 minutes", "24 hours", "7 days" (rounded down to the unit). */
    static String describe(Duration lifetime) {
        long minutes = Math.max(1, lifetime.toMinutes());
        if (minutes < 120) {
            return plural(minutes, "minute");
        }
        return minutes < 72 * 60 ? plural(minutes / 60, "hour") : plural(minutes / (24 * 60), "day");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }

    private String verificationText(String username, String code) {
        return "Your code to verify this address for the Audmg Drive account " + username + ": " + code
                + "\r\n\r\nIt works once, for " + describe(verificationTtl) + ". If you did not ask for it,"
                + " ignore this message.\r\n";
    }

    private void pad(long startedNanos) {
        long remaining = resetResponseFloor.toNanos() - (System.nanoTime() - startedNanos);
        if (remaining > 0) {
            try {
                Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private AccountStore.VersionedAccount own(TokenService.Principal caller) {
        return accounts.findVersioned(caller.username())
                .filter(found -> found.account().userId().equals(caller.userId()))
                .orElseThrow(ApiException::unauthorized);
    }

    private static ApiException busy() {
        return new ApiException(503, "busy", "the account changed meanwhile, try again", Map.of("Retry-After", "1"));
    }
}
