package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of {@code GET /files}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FilePage(List<DriveFile> items, String nextCursor) {
}
