package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The {@code media} object of a file (API.md): image fields for images, audio fields for audio; every field may be
 * null, and the whole object is null until the server has processed the file.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MediaInfo(Integer width, Integer height, Instant takenAt, String camera, Integer orientation,
                        Long durationMs, String title, String artist, String album, Integer track, Integer year,
                        String codec, Integer sampleRate, Integer channels, Integer bitrate, String coverUrl,
                        String waveformUrl, String playableUrl) {

    public boolean hasPlayable() {
        return playableUrl != null && !playableUrl.isBlank();
    }

    public boolean hasCover() {
        return coverUrl != null && !coverUrl.isBlank();
    }

    /** Duration in seconds, or NaN when unknown. */
    public double durationSeconds() {
        return durationMs == null ? Double.NaN : durationMs / 1000.0;
    }
}
