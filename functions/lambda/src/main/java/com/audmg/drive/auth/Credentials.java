package com.audmg.drive.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.audmg.drive.platform.ApiException;

/** Username and password rules of API.md. */
public final class Credentials {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");
    private static final Set<String> COMMON_PASSWORDS = loadCommonPasswords();

    private Credentials() {
    }

    /** Validates a username and returns its canonical (lower-cased) form. */
    public static String normalizeUsername(String raw) {
        String username = raw.toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(username).matches()) {
            throw ApiException.invalidRequest("username",
                    "username must be 3-32 characters of a-z 0-9 . _ - starting with a letter or digit");
        }
        return username;
    }

    public static void validateNewPassword(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < 8 || length > 128) {
            throw ApiException.invalidRequest("password", "password must be 8-128 characters");
        }
        if (COMMON_PASSWORDS.contains(password.toLowerCase(Locale.ROOT))) {
            throw ApiException.invalidRequest("password", "password is too common");
        }
    }

    static boolean isCommonPassword(String password) {
        return COMMON_PASSWORDS.contains(password.toLowerCase(Locale.ROOT));
    }

    private static Set<String> loadCommonPasswords() {
        Set<String> passwords = new HashSet<>();
        try (InputStream in = Credentials.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt missing from the artifact");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    passwords.add(trimmed.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(passwords);
    }
}
