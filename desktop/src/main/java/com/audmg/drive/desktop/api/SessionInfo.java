package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** One signed-in session of the account ({@code GET /me/sessions}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionInfo(String sessionId, Instant createdAt, Instant lastUsedAt, boolean current, String client) {
}
