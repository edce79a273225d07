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

    /** "512 B", "1.5 MB", "120 MB": sizes as the whole app writes them. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[i]);
    }
}
