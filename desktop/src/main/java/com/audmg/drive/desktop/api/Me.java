package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The signed-in user with storage usage. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Me(String userId, String username, Usage usage, long quotaBytes) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(long files, long bytes, long trashedFiles, long trashedBytes) {
    }
}
