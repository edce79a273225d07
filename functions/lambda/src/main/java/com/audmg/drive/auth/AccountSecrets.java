package com.audmg.drive.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived from the token secret (HMAC-SHA256 of a purpose label), so that what the data
 * bucket holds about second factors and codes is useless without the secret in SSM:
 * TOTP secrets are stored AES-256-GCM encrypted (the user id as associated data, so a ciphertext
 * copied into another account does not decrypt), and one-time codes (recovery, e-mail, reset) as
 * keyed hashes, which cannot be brute-forced offline from a copy of the bucket.
 */
public final class AccountSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;

    private final SecretKeySpec encryptionKey;
    private final byte[] hashKey;

    public AccountSecrets(String tokenSecret) {
        byte[] master = tokenSecret.getBytes(StandardCharsets.UTF_8);
        this.encryptionKey = new SecretKeySpec(hmac(master, "audmg-drive/totp-secret-encryption"), "AES");
        this.hashKey = hmac(master, "audmg-drive/one-time-code-hash");
    }

    /** A keyed hash (hex) of a one-time code, bound to its purpose and owner. */
    public String codeHash(String purpose, String userId, String code) {
        return HexFormat.of().formatHex(hmac(hashKey, purpose + "\n" + userId + "\n" + code));
    }

    public String encrypt(byte[] plain, String userId) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, iv));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                    .put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The plain bytes; {@link IllegalStateException} when the value was not sealed by this key for this user. */
    public byte[] decrypt(String sealed, String userId) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, all, 0, IV_BYTES));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("stored secret does not decrypt (token secret changed?)", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
