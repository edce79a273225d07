package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The signed-in user with storage usage, e-mail address (null when none) and two-factor state. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Me(String userId, String username, Usage usage, long quotaBytes, String email, boolean emailVerified,
                 boolean mfa) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(long files, long bytes, long trashedFiles, long trashedBytes) {
    }
}
