package com.audmg.drive.desktop.model;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the desktop's light/dark preference while the app runs ("Like the system"): JavaFX 21 tells nothing when
 * it changes, so {@link SystemTheme} is asked again every few seconds (on Linux one {@code gsettings} call, on
 * Windows one {@code reg query}, on macOS one {@code defaults read}; a few milliseconds each) and a change is passed
 * on. No JavaFX: the listener decides where to apply it.
 */
public final class SystemThemeWatch implements AutoCloseable {

    /** How often the preference is read again. */
    public static final Duration PERIOD = Duration.ofSeconds(3);

    private final SystemTheme theme;
    private final Consumer<Boolean> onChange;
    private Boolean last;
    private ScheduledExecutorService timer;

    /** {@code onChange} gets the new preference (true: dark), on the watch's thread. */
    public SystemThemeWatch(SystemTheme theme, Consumer<Boolean> onChange) {
        this.theme = theme;
        this.onChange = onChange;
    }

    /** Reads the preference now; tells the listener and returns true when it differs from the last reading. */
    public synchronized boolean poll() {
        boolean dark = theme.prefersDark().orElse(false);
        boolean changed = last != null && last != dark;
        last = dark;
        if (changed) {
            onChange.accept(dark);
        }
        return changed;
    }

    /** Polls every {@code period} on a daemon thread until {@link #close}. */
    public synchronized SystemThemeWatch start(Duration period) {
        close();
        poll();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "system-theme");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
