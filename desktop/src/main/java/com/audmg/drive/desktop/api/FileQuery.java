package com.audmg.drive.desktop.api;

/** Query of {@code GET /files}; {@code kind} and {@code q} may be null. */
public record FileQuery(String kind, String q, int limit, String cursor) {

    public static FileQuery all() {
        return new FileQuery(null, null, 1000, null);
    }

    public FileQuery withCursor(String next) {
        return new FileQuery(kind, q, limit, next);
    }
}
