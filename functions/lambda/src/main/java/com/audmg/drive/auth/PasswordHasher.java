package com.audmg.drive.auth;

import java.nio.charset.StandardCharsets;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;

/**
 * bcrypt with a configurable cost. Passwords longer than bcrypt's 72-byte input are
 * pre-hashed with SHA-512 by the library instead of being silently truncated.
 */
public final class PasswordHasher {

    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;

    private final int cost;
    private final BCrypt.Hasher hasher = BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private final BCrypt.Verifyer verifyer = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private volatile String decoyHash;
    private final java.util.concurrent.atomic.AtomicLong verifications = new java.util.concurrent.atomic.AtomicLong();

    public PasswordHasher(int cost) {
        this.cost = cost;
    }

    public String hash(String password) {
        return hasher.hashToString(cost, password.toCharArray());
    }

    public boolean verify(String password, String hash) {
        verifications.incrementAndGet();
        return verifyer.verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** How many verifications (decoys included) this hasher ran: what a guessing attack gets. */
    public long verifications() {
        return verifications.get();
    }

    /** Spends the same time as a real verification, so unknown usernames are not faster. */
    public void verifyDecoy(String password) {
        String decoy = decoyHash;
        if (decoy == null) {
            decoy = hash("decoy-password-for-unknown-users");
            decoyHash = decoy;
        }
        verify(password, decoy);
    }
}
