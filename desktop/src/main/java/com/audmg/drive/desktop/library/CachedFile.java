package com.audmg.drive.desktop.library;

import com.audmg.drive.desktop.api.DriveFile;
import java.time.Instant;

/** A cached file and when the server sent that state (its signed URLs are as old). */
public record CachedFile(DriveFile file, Instant receivedAt) {
}
