package com.audmg.drive.desktop.api;

import java.util.Optional;

/**
 * A failed API call: the HTTP status, the API's snake_case error code and its human readable message.
 * Network failures use status 0 and code {@code network_error}.
 */
public class ApiException extends Exception {

    private final int status;
    private final String code;
    private final Long retryAfterSeconds;
    private final java.util.Map<String, String> details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    public ApiException(int status, String code, String message, Long retryAfterSeconds, Throwable cause) {
        this(status, code, message, retryAfterSeconds, cause, java.util.Map.of());
    }

    /** @param details the error object's other text members (e.g. {@code mfaToken} of {@code mfa_required}) */
    public ApiException(int status, String code, String message, Long retryAfterSeconds, Throwable cause,
                        java.util.Map<String, String> details) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = java.util.Map.copyOf(details);
    }

    /** A text member of the error object besides code, message and field. */
    public Optional<String> detail(String name) {
        return Optional.ofNullable(details.get(name));
    }

    public static ApiException network(Throwable cause) {
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ApiException(0, "network_error", "Cannot reach the server (" + detail + ")", null, cause);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<Long> retryAfterSeconds() {
        return Optional.ofNullable(retryAfterSeconds);
    }

    public boolean isUnauthorized() {
        return status == 401;
    }

    /** The field an {@code invalid_request} message names, when it names one of the given fields. */
    public Optional<String> field(String... candidates) {
        String msg = getMessage() == null ? "" : getMessage().toLowerCase(java.util.Locale.ROOT);
        for (String c : candidates) {
            if (msg.contains(c.toLowerCase(java.util.Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
