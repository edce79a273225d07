package com.audmg.drive.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.audmg.drive.platform.ApiException;
import com.nulabinc.zxcvbn.Feedback;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;

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
        validateNewPassword(password, null, "password");
    }

    /**
     * Length 8-128, not on the bundled list of common passwords, and not easily guessed by zxcvbn's
     * estimate (score 3 of 4 or better: about 10^8 guesses or more, with the username as a known word).
     * The message says why a password was refused.
     */
    public static void validateNewPassword(String password, String username, String field) {
        int length = password.codePointCount(0, password.length());
        if (length < 8 || length > 128) {
            throw ApiException.invalidRequest(field, field + " must be 8-128 characters");
        }
        if (COMMON_PASSWORDS.contains(password.toLowerCase(Locale.ROOT))) {
            throw ApiException.invalidRequest(field, field + " is one of the most common passwords");
        }
        Strength strength = Estimator.ZXCVBN.measure(password, username == null ? List.of() : List.of(username));
        if (strength.getScore() < MIN_SCORE) {
            Feedback feedback = strength.getFeedback();
            StringBuilder message = new StringBuilder(field).append(" is too easy to guess");
            if (feedback.getWarning() != null && !feedback.getWarning().isBlank()) {
                message.append(": ").append(feedback.getWarning().strip());
            }
            if (!feedback.getSuggestions().isEmpty()) {
                message.append(message.charAt(message.length() - 1) == '.' ? " " : ". ")
                        .append(String.join(" ", feedback.getSuggestions()));
            }
            throw ApiException.invalidRequest(field, message.toString());
        }
    }

    /** Loads zxcvbn's dictionaries now (a cold start does it on a background thread). */
    public static void prepare() {
        Estimator.ZXCVBN.getClass();
    }

    /**
     * Loads zxcvbn's dictionaries and runs one estimate of a made-up password, so that the first real estimate
     * finds its classes loaded (SnapStart before its snapshot, an AOT training run for its cache).
     */
    public static void prime() {
        Estimator.ZXCVBN.measure("correct-Horse-battery-4-staple", List.of("primer"));
    }

    /** zxcvbn's dictionaries load in about 0.3 s: only where passwords are set, on first use. */
    private static final class Estimator {
        static final Zxcvbn ZXCVBN = new Zxcvbn();
    }

    private static final int MIN_SCORE = 3;

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
