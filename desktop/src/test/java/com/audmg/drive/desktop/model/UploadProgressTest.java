package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UploadProgressTest {

    private static final long S = 1_000_000_000L;
    private static final long MB = 1_000_000L;

    @Test
    void update_shouldEstimateTheTimeLeftFromTheSmoothedSpeed() {
        UploadProgress p = new UploadProgress();
        // the first reading knows no speed yet
        UploadProgress.Snapshot first = p.update(0, 100 * MB, 0);
        assertTrue(Double.isNaN(first.etaSeconds()));
        assertEquals(0.0, first.fraction());
        // 10 MB in 1 s: 10 MB/s, 90 MB left: 9 s
        UploadProgress.Snapshot s = p.update(10 * MB, 100 * MB, S);
        assertEquals(10.0 * MB, s.bytesPerSecond(), 1);
        assertEquals(9.0, s.etaSeconds(), 1e-9);
        assertEquals(0.1, s.fraction(), 1e-9);
        // one slow second (2 MB) moves the estimate only part of the way: alpha = 1 - e^(-1/3)
        double alpha = 1 - Math.exp(-1 / UploadProgress.SMOOTHING_SECONDS);
        double speed = 10 * MB + alpha * (2 * MB - 10 * MB);
        s = p.update(12 * MB, 100 * MB, 2 * S);
        assertEquals(speed, s.bytesPerSecond(), 1);
        assertEquals(88 * MB / speed, s.etaSeconds(), 1e-6);
        assertTrue(s.bytesPerSecond() > 7 * MB, "smoothed, not the last second's 2 MB/s");
        // a retry that starts a file over (bytes go back) adds no negative speed
        s = p.update(5 * MB, 100 * MB, 3 * S);
        assertEquals(speed * (1 - alpha), s.bytesPerSecond(), 1);
        // readings closer than 50 ms change nothing
        assertEquals(s.bytesPerSecond(), p.update(6 * MB, 100 * MB, 3 * S + 10_000_000L).bytesPerSecond(), 1e-9);
        // all done: nothing left
        assertEquals(0.0, p.update(100 * MB, 100 * MB, 4 * S).etaSeconds());
    }

    @Test
    void eta_shouldSayItPlainly() {
        assertEquals("", UploadProgress.eta(Double.NaN));
        assertEquals("about 1 s left", UploadProgress.eta(0.2));
        assertEquals("about 45 s left", UploadProgress.eta(44.6));
        assertEquals("about 2 min left", UploadProgress.eta(100));
        assertEquals("about 1 h 5 min left", UploadProgress.eta(3900));
        assertEquals("1.5 MB", UploadProgress.bytes(1536 * 1024));
    }
}
