package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** A file of the drive as the API describes it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriveFile(String id, String name, String contentType, String kind, long size, Instant createdAt,
                        String status) {

    public boolean isImage() {
        return "image".equals(kind);
    }

    public boolean isAudio() {
        return "audio".equals(kind);
    }
}
