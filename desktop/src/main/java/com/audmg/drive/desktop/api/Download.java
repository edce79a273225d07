package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Answer of {@code GET /files/{id}}: the file and a short-lived download URL. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Download(DriveFile file, Link download) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Link(String url, String expiresAt) {
    }
}
