package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Answer of {@code POST /files}: the pending file and where to send its bytes. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UploadTicket(DriveFile file, Upload upload) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Upload(String method, String url, Map<String, String> headers, String expiresAt) {
    }
}
