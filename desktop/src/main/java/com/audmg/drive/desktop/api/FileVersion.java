package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** One kept version of a file ({@code GET /files/{id}/versions}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FileVersion(String versionId, long size, String contentType, Instant createdAt, boolean current) {
}
