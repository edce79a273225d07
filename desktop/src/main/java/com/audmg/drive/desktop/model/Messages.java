package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.ApiException;

/** Plain-language text for failures: the API's own message, never a Java exception's class name. */
public final class Messages {

    private Messages() {
    }

    public static String describe(Throwable error) {
        Throwable e = Background.unwrap(error);
        if (e instanceof ApiException api) {
            return api.getMessage();
        }
        String m = e == null ? null : e.getMessage();
        if (m == null || m.isBlank() || m.matches("^[a-z]+(\\.[a-zA-Z_$0-9]+)+(:.*)?$")) {
            return "Something went wrong";
        }
        return m;
    }
}
