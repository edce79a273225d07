package com.audmg.drive.desktop.testing;

import java.nio.ByteBuffer;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s) computed here, independently of the server's library. */
public final class Totp {

    private Totp() {
    }

    public static long stepNow() {
        return System.currentTimeMillis() / 30_000;
    }

    public static String code(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 6-digit code valid for no step near {@code step}. */
    public static String wrongCode(byte[] secret, long step) {
        for (int candidate = 0; ; candidate++) {
            String code = String.format(Locale.ROOT, "%06d", candidate);
            boolean valid = false;
            for (long s = step - 3; s <= step + 3; s++) {
                valid |= code.equals(code(secret, s));
            }
            if (!valid) {
                return code;
            }
        }
    }

    /** RFC 4648 base32 without padding, as the server shows the secret. */
    public static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace("=", "").toUpperCase(Locale.ROOT).toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
