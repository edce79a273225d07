package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * The waveform peaks the server makes of an audio file ({@code media.waveformUrl}):
 * {@code {"version":1,"durationMs","peaks":[about 800 numbers 0-1]}}, the peak amplitude of each equal slice of the
 * track.
 */
public record Waveform(long durationMs, float[] peaks) {

    /** Reads the server's JSON; a format it does not know (another version, no peaks) is a {@code bad_response}. */
    public static Waveform of(JsonNode json) throws ApiException {
        JsonNode peaks = json.path("peaks");
        if (json.path("version").asInt(-1) != 1 || !peaks.isArray() || peaks.isEmpty()) {
            throw new ApiException(502, "bad_response", "Unexpected waveform from the server");
        }
        float[] out = new float[peaks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.max(0, Math.min(1, peaks.get(i).asDouble()));
        }
        return new Waveform(json.path("durationMs").asLong(0), out);
    }

    /** The highest peak of the slice [from, to) of the track (fractions 0-1): what one bar of a narrow drawing shows. */
    public float peak(double from, double to) {
        int n = peaks.length;
        int a = (int) Math.max(0, Math.min(n - 1, Math.floor(from * n)));
        int b = (int) Math.max(a + 1, Math.min(n, Math.ceil(to * n)));
        float max = 0;
        for (int i = a; i < b; i++) {
            max = Math.max(max, peaks[i]);
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Waveform w && w.durationMs == durationMs && Arrays.equals(w.peaks, peaks);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(durationMs) * 31 + Arrays.hashCode(peaks);
    }

    @Override
    public String toString() {
        return "Waveform[" + durationMs + " ms, " + peaks.length + " peaks]";
    }
}
