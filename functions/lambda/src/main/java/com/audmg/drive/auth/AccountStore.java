package com.audmg.drive.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Accounts as JSON documents in the data bucket, one per lower-cased username under a
 * hashed key. Creation is create-only, so concurrent sign-ups of one name have one winner;
 * every later change is a compare-and-swap on the whole document ({@link #update}), so a change
 * never loses another made meanwhile (a password change, a used TOTP step, a used recovery code).
 *
 * <p>Besides the fields of {@link Account} the document holds what {@link MfaService} and
 * {@link EmailService} keep: the TOTP secret (encrypted), hashed recovery codes, hashed e-mail codes.
 */
public final class AccountStore {

    /** A stored account. {@code email} is null when none was given. */
    public record Account(String userId, String username, String passwordHash, Instant createdAt, String email,
                          boolean emailVerified, boolean mfa) {
        public Account(String userId, String username, String passwordHash, Instant createdAt) {
            this(userId, username, passwordHash, createdAt, null, false, false);
        }
    }

    /** Someone holds the username already. */
    public static final class UsernameTakenException extends RuntimeException {
        public UsernameTakenException() {
            super("username taken", null, false, false);
        }
    }

    private final JsonObjectStore store;

    public AccountStore(JsonObjectStore store) {
        this.store = store;
    }

    public void create(Account account) {
        create(account, doc -> { });
    }

    /** Creates the account; {@code extra} adds fields of other services (a pending e-mail verification). */
    public void create(Account account, Consumer<ObjectNode> extra) {
        ObjectNode doc = Json.object();
        doc.put("userId", account.userId());
        doc.put("username", account.username());
        doc.put("passwordHash", account.passwordHash());
        doc.put("createdAt", account.createdAt().toString());
        if (account.email() != null) {
            doc.put("email", account.email());
            doc.put("emailVerified", account.emailVerified());
        }
        extra.accept(doc);
        try {
            store.create(Keys.account(account.username()), doc);
        } catch (JsonObjectStore.ConditionFailedException e) {
            throw new UsernameTakenException();
        }
    }

    public Optional<Account> find(String username) {
        return findVersioned(username).map(VersionedAccount::account);
    }

    /** An account, its whole document and the ETag it was read with (for {@link #update}). */
    public record VersionedAccount(Account account, ObjectNode document, String etag) {
    }

    public Optional<VersionedAccount> findVersioned(String username) {
        return store.get(Keys.account(username)).map(versioned -> {
            JsonNode doc = versioned.document();
            ObjectNode copy = doc instanceof ObjectNode o ? o.deepCopy() : Json.object();
            String email = doc.path("email").isTextual() ? doc.path("email").asText() : null;
            return new VersionedAccount(new Account(doc.path("userId").asText(), doc.path("username").asText(),
                    doc.path("passwordHash").asText(), Instant.parse(doc.path("createdAt").asText()), email,
                    email != null && doc.path("emailVerified").asBoolean(false),
                    doc.path("mfa").path("enabledAt").isTextual()),
                    copy, versioned.etag());
        });
    }

    /**
     * Writes the document as {@code change} leaves a copy of it, only if the account is unchanged since
     * {@code current} was read; otherwise {@link JsonObjectStore.ConditionFailedException}.
     */
    public void update(VersionedAccount current, Consumer<ObjectNode> change) {
        ObjectNode next = current.document().deepCopy();
        change.accept(next);
        store.replace(Keys.account(current.account().username()), next, current.etag());
    }

    /** Writes a new password hash only if the account is unchanged since read; every device token stops being valid. */
    public void replacePasswordHash(VersionedAccount current, String passwordHash, Instant changedAt) {
        update(current, doc -> {
            doc.put("passwordHash", passwordHash);
            doc.put("passwordChangedAt", changedAt.toString());
            Devices.revokeAll(doc);
        });
    }

    /** Asks the sweeper to delete the user's library and bytes (the account itself is gone already). */
    public void markForPurge(String userId, Instant deletedAt) {
        ObjectNode doc = Json.object();
        doc.put("userId", userId);
        doc.put("deletedAt", deletedAt.toString());
        store.overwrite(Keys.purge(userId), doc);
    }

    public void delete(String username) {
        store.delete(Keys.account(username));
    }
}
