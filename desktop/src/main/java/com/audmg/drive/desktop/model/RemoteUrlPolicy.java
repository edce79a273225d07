package com.audmg.drive.desktop.model;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Which remote API URLs the app accepts: https anywhere; plain http only to this computer (localhost, 127.0.0.0/8,
 * ::1), as LocalStack runs. Anything else is refused with a sentence: over plain http the password, the tokens and
 * the files would cross the network unencrypted (there is no "I understand" for a LAN: use https, e.g. a reverse
 * proxy with a certificate).
 */
public final class RemoteUrlPolicy {

    private RemoteUrlPolicy() {
    }

    /** Empty when {@code url} is accepted, else the sentence that says why not. */
    public static Optional<String> refusal(String url) {
        String s = url == null ? "" : url.trim();
        if (s.isEmpty()) {
            return Optional.of("Enter the API's URL, such as https://abc123.execute-api.eu-west-1.amazonaws.com/dev.");
        }
        URI u;
        try {
            u = new URI(s);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("This is not a URL. Enter one such as "
                    + "https://abc123.execute-api.eu-west-1.amazonaws.com/dev.");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null || u.getHost().isBlank()) {
            return Optional.of("Enter an https URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/dev.");
        }
        if (u.getUserInfo() != null) {
            return Optional.of("Leave the user name and password out of the URL: you log in after connecting.");
        }
        if (scheme.equals("http") && !isLoopback(u.getHost())) {
            return Optional.of("Use https for a remote API: over plain http your password and files would cross "
                    + "the network unencrypted. Plain http is accepted only for this computer (localhost, 127.0.0.1).");
        }
        return Optional.empty();
    }

    /** A loopback host by its name or literal address, without a DNS lookup. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.");
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
