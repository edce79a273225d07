package com.audmg.drive.auth;

import java.time.Instant;
import java.util.Optional;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Accounts as JSON documents in the data bucket, one per lower-cased username under a
 * hashed key. Creation is create-only, so concurrent sign-ups of one name have one winner.
 */
public final class AccountStore {

    /** A stored account. */
    public record Account(String userId, String username, String passwordHash, Instant createdAt) {
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
        ObjectNode doc = Json.object();
        doc.put("userId", account.userId());
        doc.put("username", account.username());
        doc.put("passwordHash", account.passwordHash());
        doc.put("createdAt", account.createdAt().toString());
        try {
            store.create(Keys.account(account.username()), doc);
        } catch (JsonObjectStore.ConditionFailedException e) {
            throw new UsernameTakenException();
        }
    }

    public Optional<Account> find(String username) {
        return findVersioned(username).map(VersionedAccount::account);
    }

    /** An account and the ETag it was read with (for {@link #replacePasswordHash}). */
    public record VersionedAccount(Account account, String etag) {
    }

    public Optional<VersionedAccount> findVersioned(String username) {
        return store.get(Keys.account(username)).map(versioned -> {
            JsonNode doc = versioned.document();
            return new VersionedAccount(new Account(doc.path("userId").asText(), doc.path("username").asText(),
                    doc.path("passwordHash").asText(), Instant.parse(doc.path("createdAt").asText())),
                    versioned.etag());
        });
    }

    /** Writes a new password hash only if the account is unchanged since read. */
    public void replacePasswordHash(VersionedAccount current, String passwordHash, Instant changedAt) {
        ObjectNode doc = Json.object();
        doc.put("userId", current.account().userId());
        doc.put("username", current.account().username());
        doc.put("passwordHash", passwordHash);
        doc.put("createdAt", current.account().createdAt().toString());
        doc.put("passwordChangedAt", changedAt.toString());
        store.replace(Keys.account(current.account().username()), doc, current.etag());
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
