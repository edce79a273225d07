package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.Me;
import java.util.Optional;

/**
 * "Keep me signed in": keeps the refresh token of the connection in a {@link TokenStore} and follows it (a refresh
 * token works once: every refresh brings a new one), forgets it at sign-out, and at start exchanges it for a session.
 */
public final class StaySignedIn {

    /** What a start with a kept token gave. */
    public sealed interface Outcome {
    }

    /** No token kept: show the login. */
    public record NotKept() implements Outcome {
    }

    /** Signed in again: open the drive. */
    public record SignedIn(Me me) implements Outcome {
    }

    /** The server refused the kept token (signed out elsewhere, password changed, expired): it is forgotten. */
    public record Ended(String message) implements Outcome {
    }

    /** The server could not be asked (offline, server error): the token stays kept for the next start. */
    public record Failed(String message) implements Outcome {
    }

    public static final String ENDED_MESSAGE = "You were signed out (the session was ended or has expired). "
            + "Please log in again.";

    private final TokenStore store;
    private final String connection;
    private volatile boolean enabled;

    /**
     * @param connection what the token belongs to: "local" for the built-in local cloud, else the remote API URL
     */
    public StaySignedIn(TokenStore store, String connection, boolean enabled) {
        this.store = store;
        this.connection = connection;
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public TokenStore store() {
        return store;
    }

    /**
     * Whether the next sessions are kept. Off forgets a kept token at once; on keeps the current session's token (if
     * any) of the client {@link #follow followed}.
     */
    public void setEnabled(boolean on, DriveClient client) {
        enabled = on;
        if (!on) {
            store.clear(connection);
        } else if (client != null && client.refreshToken() != null) {
            store.save(connection, client.refreshToken());
        }
    }

    /** Keeps each new refresh token of {@code client} while enabled, and forgets it when its session ends. */
    public void follow(DriveClient client) {
        client.onRefreshTokenChanged(token -> {
            if (token == null) {
                store.clear(connection);
            } else if (enabled) {
                store.save(connection, token);
            }
        });
    }

    /** Whether a token is kept for this connection. */
    public boolean hasKeptToken() {
        return store.load(connection).isPresent();
    }

    /** Blocking: signs {@code client} in with the kept token. Call off the FX thread. */
    public Outcome resume(DriveClient client) {
        Optional<String> kept = store.load(connection);
        if (kept.isEmpty()) {
            return new NotKept();
        }
        try {
            client.resume(kept.get());
            return new SignedIn(client.me());
        } catch (ApiException e) {
            if (e.status() == 400 || e.status() == 401) {
                store.clear(connection);
                client.logout();
                return new Ended(ENDED_MESSAGE);
            }
            return new Failed("Could not sign you in again: " + SessionModel.sentence(e.getMessage()));
        }
    }

    /** Forgets the kept token (sign-out, deleted account). */
    public void forget() {
        store.clear(connection);
    }
}
