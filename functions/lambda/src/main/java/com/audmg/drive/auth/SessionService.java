package com.audmg.drive.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Login sessions: one small document per session, {@code sessions/<userId>/<sessionId>.json}, holding
 * the SHA-256 of the current refresh token (never the token), the hashes it replaced, and its times.
 * A session is live while its document exists and its refresh token has not expired; revoking deletes
 * the document, so every access token of the session stops working at the next check.
 *
 * <p>Refresh tokens are {@code <userId>.<sessionId>.<secret>} (256 random bits) and rotate on every
 * use (compare-and-swap on the document). Presenting a token this session already replaced means two
 * parties hold it: the whole session is revoked (token-theft detection).
 */
public final class SessionService {

    /** Sessions kept per user; a login beyond this ends the oldest ones. */
    public static final int MAX_SESSIONS = 20;
    private static final int KEPT_USED_HASHES = 20;
    private static final int MAX_CLIENT_LENGTH = 120;
    private static final int CAS_ATTEMPTS = 4;
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What login and refresh answer. */
    public record Tokens(String token, long expiresIn, String refreshToken, String sessionId, String userId) {
    }

    /** A session as listed to its owner. */
    public record SessionInfo(String sessionId, Instant createdAt, Instant lastUsedAt, String client) {
    }

    private final JsonObjectStore store;
    private final TokenService tokens;
    private final Duration refreshTtl;
    private final Clock clock;

    public SessionService(JsonObjectStore store, TokenService tokens, Duration refreshTtl, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.refreshTtl = refreshTtl;
        this.clock = clock;
    }

    /** Starts a session for a user who just proved who they are. */
    public Tokens start(String userId, String username, String client) {
        Instant now = clock.instant();
        String sessionId = Keys.newTimeId(now);
        String secret = newSecret();
        ObjectNode doc = Json.object();
        doc.put("sessionId", sessionId);
        doc.put("userId", userId);
        doc.put("username", username);
        doc.put("createdAt", now.toString());
        doc.put("lastUsedAt", now.toString());
        doc.put("expiresAt", now.plus(refreshTtl).toString());
        doc.put("client", client == null ? "" : truncate(client));
        doc.put("refreshHash", sha256(secret));
        doc.putArray("usedHashes");
        store.create(Keys.session(userId, sessionId), doc);
        pruneOldest(userId);
        return issue(userId, username, sessionId, secret);
    }

    /** Rotates a refresh token: new tokens, the presented one dead. */
    public Tokens refresh(String refreshToken) {
        String[] parts = refreshToken == null ? new String[0] : refreshToken.split("\\.", -1);
        if (parts.length != 3 || !Keys.isId(parts[0]) || !Keys.isId(parts[1]) || !SECRET.matcher(parts[2]).matches()) {
            throw new TokenService.InvalidTokenException();
        }
        String userId = parts[0];
        String sessionId = parts[1];
        String presented = sha256(parts[2]);
        String key = Keys.session(userId, sessionId);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            JsonObjectStore.Versioned current = store.get(key).orElseThrow(TokenService.InvalidTokenException::new);
            JsonNode doc = current.document();
            Instant now = clock.instant();
            if (!now.isBefore(Instant.parse(doc.path("expiresAt").asText()))) {
                store.delete(key);
                throw new TokenService.InvalidTokenException();
            }
            if (!constantTimeEquals(presented, doc.path("refreshHash").asText())) {
                for (JsonNode used : doc.path("usedHashes")) {
                    if (constantTimeEquals(presented, used.asText())) {
                        store.delete(key);
                        StructuredLog.metric("RefreshTokenReuse", 1, "Count");
                        StructuredLog.warn("refresh token reused: session " + sessionId + " of " + userId + " revoked");
                        break;
                    }
                }
                throw new TokenService.InvalidTokenException();
            }
            String secret = newSecret();
            ObjectNode next = ((ObjectNode) doc).deepCopy();
            next.put("refreshHash", sha256(secret));
            next.put("lastUsedAt", now.toString());
            next.put("expiresAt", now.plus(refreshTtl).toString());
            ArrayNode used = Json.MAPPER.createArrayNode();
            used.add(presented);
            for (JsonNode old : doc.path("usedHashes")) {
                if (used.size() < KEPT_USED_HASHES) {
                    used.add(old);
                }
            }
            next.set("usedHashes", used);
            try {
                store.replace(key, next, current.etag());
                return issue(userId, doc.path("username").asText(), sessionId, secret);
            } catch (JsonObjectStore.ConditionFailedException e) {
                // Someone rotated or revoked it meanwhile: read again; the presented token is then a used one.
            }
        }
        throw new TokenService.InvalidTokenException();
    }

    /** Throws {@link TokenService.InvalidTokenException} unless the caller's session is live (one S3 GET). */
    public void requireLive(TokenService.Principal caller) {
        JsonNode doc = store.get(Keys.session(caller.userId(), caller.sessionId()))
                .orElseThrow(TokenService.InvalidTokenException::new).document();
        if (!clock.instant().isBefore(Instant.parse(doc.path("expiresAt").asText()))
                || !caller.userId().equals(doc.path("userId").asText())) {
            throw new TokenService.InvalidTokenException();
        }
    }

    /** When the caller's session signed in (its password, and second factor, checked then); empty when it is gone. */
    public Optional<Instant> signedInAt(TokenService.Principal caller) {
        return store.get(Keys.session(caller.userId(), caller.sessionId()))
                .map(JsonObjectStore.Versioned::document)
                .filter(doc -> caller.userId().equals(doc.path("userId").asText()))
                .map(doc -> Instant.parse(doc.path("createdAt").asText()));
    }

    /** Ends one session; false when there was none. */
    public boolean revoke(String userId, String sessionId) {
        if (!Keys.isId(sessionId)) {
            return false;
        }
        String key = Keys.session(userId, sessionId);
        if (store.get(key).isEmpty()) {
            return false;
        }
        store.delete(key);
        return true;
    }

    /** Ends every session of the user but {@code keep} (null: all of them). */
    public int revokeAll(String userId, String keep) {
        String kept = keep == null ? null : Keys.session(userId, keep);
        int revoked = 0;
        for (JsonObjectStore.Entry entry : store.listAll(Keys.sessionPrefix(userId)).toList()) {
            if (!entry.key().equals(kept)) {
                store.delete(entry.key());
                revoked++;
            }
        }
        return revoked;
    }

    /** The user's live sessions, newest first (one LIST and a GET per session, at most {@link #MAX_SESSIONS} and a few). */
    public List<SessionInfo> list(String userId) {
        Instant now = clock.instant();
        List<SessionInfo> sessions = new ArrayList<>();
        for (JsonObjectStore.Entry entry : store.list(Keys.sessionPrefix(userId), MAX_SESSIONS * 2)) {
            Optional<JsonObjectStore.Versioned> found = store.get(entry.key());
            if (found.isEmpty()) {
                continue;
            }
            JsonNode doc = found.get().document();
            if (!now.isBefore(Instant.parse(doc.path("expiresAt").asText()))) {
                store.delete(entry.key());
                continue;
            }
            sessions.add(new SessionInfo(doc.path("sessionId").asText(), Instant.parse(doc.path("createdAt").asText()),
                    Instant.parse(doc.path("lastUsedAt").asText()), doc.path("client").asText()));
        }
        sessions.sort(Comparator.comparing(SessionInfo::createdAt).reversed());
        return sessions;
    }

    /** Session ids carry their creation time, so key order is age: the oldest beyond the limit end. */
    private void pruneOldest(String userId) {
        List<JsonObjectStore.Entry> all = store.list(Keys.sessionPrefix(userId), 1000);
        for (int i = 0; i < all.size() - MAX_SESSIONS; i++) {
            store.delete(all.get(i).key());
        }
    }

    private Tokens issue(String userId, String username, String sessionId, String secret) {
        TokenService.IssuedToken access = tokens.issue(userId, username, sessionId);
        return new Tokens(access.token(), access.expiresIn(), userId + "." + sessionId + "." + secret, sessionId, userId);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String truncate(String client) {
        String printable = client.replaceAll("[\\p{Cntrl}]", " ").strip();
        return printable.length() <= MAX_CLIENT_LENGTH ? printable : printable.substring(0, MAX_CLIENT_LENGTH);
    }

    static String sha256(String value) {
        return Keys.sha256(value);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
