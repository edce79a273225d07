package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;

/** Plain-language text for failures: the API's own message, never a Java exception's class name. */
public final class Messages {

    private Messages() {
    }

    /** A moment for a sentence: "14:05" today, else "3 Nov 14:05" (local time). */
    public static String when(java.time.Instant t) {
        var local = t.atZone(java.time.ZoneId.systemDefault());
        boolean today = local.toLocalDate().equals(java.time.LocalDate.now());
        return local.format(java.time.format.DateTimeFormatter.ofPattern(today ? "HH:mm" : "d MMM HH:mm",
                java.util.Locale.ENGLISH));
    }

    public static String describe(Throwable error) {
        Throwable e = Background.unwrap(error);
        if (e instanceof ApiException api) {
            if ("network_error".equals(api.code())) {
                return "You are offline: the server cannot be reached. Try again when it is back.";
            }
            return api.getMessage();
        }
        String m = e == null ? null : e.getMessage();
        if (m == null || m.isBlank() || m.matches("^[a-z]+(\\.[a-zA-Z_$0-9]+)+(:.*)?$")) {
            return "Something went wrong";
        }
        return m;
    }
}
