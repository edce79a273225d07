package com.audmg.drive.desktop.model;

/**
 * Overall progress of the uploads under way: bytes done of the total across the batches not finished yet, a smoothed
 * speed (an exponential moving average of the byte rate with a time constant of {@value #SMOOTHING_SECONDS} s, so
 * that one slow or fast moment does not swing the estimate) and the time left at that speed. Not thread-safe.
 */
final class UploadProgress {

    static final double SMOOTHING_SECONDS = 3.0;

    /** One reading. {@code etaSeconds} is NaN until a speed is known. */
    record Snapshot(long doneBytes, long totalBytes, double bytesPerSecond, double etaSeconds) {
        double fraction() {
            return totalBytes <= 0 ? 0 : Math.min(1, (double) doneBytes / totalBytes);
        }
    }

    private long lastDone = -1;
    private long lastNanos;
    private double speed = Double.NaN;

    /** A new reading at {@code nowNanos}; bytes that went backwards (a retry started over) add no speed. */
    Snapshot update(long doneBytes, long totalBytes, long nowNanos) {
        if (lastDone < 0) {
            lastDone = doneBytes;
            lastNanos = nowNanos;
        } else {
            double dt = (nowNanos - lastNanos) / 1e9;
            if (dt >= 0.05) {
                double sample = Math.max(0, doneBytes - lastDone) / dt;
                double alpha = Double.isNaN(speed) ? 1 : 1 - Math.exp(-dt / SMOOTHING_SECONDS);
                speed = Double.isNaN(speed) ? sample : speed + alpha * (sample - speed);
                lastDone = doneBytes;
                lastNanos = nowNanos;
            }
        }
        long remaining = Math.max(0, totalBytes - doneBytes);
        double eta = remaining == 0 ? 0 : Double.isNaN(speed) || speed <= 0 ? Double.NaN : remaining / speed;
        return new Snapshot(doneBytes, totalBytes, Double.isNaN(speed) ? 0 : speed, eta);
    }

    /** Forgets the speed (the queue went idle: the next batch starts afresh). */
    void reset() {
        lastDone = -1;
        speed = Double.NaN;
    }

    /** "about 5 s left", "about 2 min left", "about 1 h 5 min left"; empty when unknown. */
    static String eta(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "";
        }
        long s = Math.max(1, Math.round(seconds));
        if (s < 60) {
            return "about " + s + " s left";
        }
        long min = Math.round(s / 60.0);
        if (min < 60) {
            return "about " + min + " min left";
        }
        return "about " + (min / 60) + " h " + (min % 60) + " min left";
    }

    /** "512 B", "1.5 MB", "120 MB" (as the rest of the app writes sizes). */
    static String bytes(long n) {
        return Messages.bytes(n);
    }
}
