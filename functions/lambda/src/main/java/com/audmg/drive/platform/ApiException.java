package com.audmg.drive.platform;

import java.util.Map;

/**
 * A failure with an HTTP status and an API error code; mapped to a response in one place
 * ({@link ApiHandler}). Messages are shown to clients, so they never carry secrets.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers;
    private final String field;
    private final Map<String, String> details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        this(status, code, message, headers, null);
    }

    private ApiException(int status, String code, String message, Map<String, String> headers, String field) {
        this(status, code, message, headers, field, Map.of());
    }

    private ApiException(int status, String code, String message, Map<String, String> headers, String field,
                         Map<String, String> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
        this.field = field;
        this.details = Map.copyOf(details);
    }

    /** An error whose error object carries more named values (e.g. {@code mfaToken}). */
    public static ApiException withDetails(int status, String code, String message, Map<String, String> details) {
        return new ApiException(status, code, message, Map.of(), null, details);
    }

    /** More values of the error object, beside code, message and field. */
    public Map<String, String> details() {
        return details;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException invalidRequest(String field, String message) {
        return new ApiException(400, "invalid_request", message, Map.of(), field);
    }

    public static ApiException notFound() {
        return new ApiException(404, "not_found", "file not found");
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "missing or invalid bearer token");
    }
}
