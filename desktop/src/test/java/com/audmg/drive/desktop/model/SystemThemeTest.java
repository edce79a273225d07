package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The system's dark preference as each desktop reports it (the commands' outputs as they print them). */
class SystemThemeTest {

    private static SystemTheme on(String os, Map<String, String> env, Map<String, String> outputs) {
        return new SystemTheme(os, env, command -> Optional.ofNullable(outputs.get(String.join(" ", command))));
    }

    @Test
    void linux_shouldReadGtkThemeThenGnomeColorSchemeThenThemeName() {
        String scheme = "gsettings get org.gnome.desktop.interface color-scheme";
        String gtk = "gsettings get org.gnome.desktop.interface gtk-theme";
        assertEquals(Optional.of(true), on("Linux", Map.of("GTK_THEME", "Adwaita:dark"), Map.of()).prefersDark());
        assertEquals(Optional.of(true), on("Linux", Map.of(), Map.of(scheme, "'prefer-dark'\n")).prefersDark());
        assertEquals(Optional.of(false), on("Linux", Map.of(), Map.of(scheme, "'prefer-light'\n")).prefersDark());
        assertEquals(Optional.of(true), on("Linux", Map.of(), Map.of(scheme, "'default'\n", gtk, "'Yaru-dark'\n"))
                .prefersDark());
        assertEquals(Optional.empty(), on("Linux", Map.of(), Map.of()).prefersDark(), "no gsettings: unknown");
        assertFalse(on("Linux", Map.of(), Map.of()).isDark(SystemTheme.Mode.SYSTEM), "unknown falls back to light");
        assertTrue(on("Linux", Map.of(), Map.of()).isDark(SystemTheme.Mode.DARK));
    }

    @Test
    void windowsAndMac() {
        String reg = String.join(" ", List.of("reg", "query",
                "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize", "/v", "AppsUseLightTheme"));
        assertEquals(Optional.of(true), on("Windows 11", Map.of(), Map.of(reg,
                "    AppsUseLightTheme    REG_DWORD    0x0\r\n")).prefersDark());
        assertEquals(Optional.of(false), on("Windows 11", Map.of(), Map.of(reg,
                "    AppsUseLightTheme    REG_DWORD    0x1\r\n")).prefersDark());
        assertEquals(Optional.of(true), on("Mac OS X", Map.of(),
                Map.of("defaults read -g AppleInterfaceStyle", "Dark\n")).prefersDark());
        assertEquals(Optional.of(false), on("Mac OS X", Map.of(), Map.of()).prefersDark());
        assertEquals(SystemTheme.Mode.DARK, SystemTheme.Mode.parse("dark"));
        assertEquals(SystemTheme.Mode.SYSTEM, SystemTheme.Mode.parse("purple"));
    }

    @Test
    void watch_shouldPassOnAChangeOfTheDesktopsPreferenceWhileRunning() throws Exception {
        String scheme = "gsettings get org.gnome.desktop.interface color-scheme";
        Map<String, String> outputs = new java.util.concurrent.ConcurrentHashMap<>(Map.of(scheme, "'default'\n"));
        var changes = new java.util.concurrent.LinkedBlockingQueue<Boolean>();
        try (SystemThemeWatch watch = new SystemThemeWatch(on("Linux", Map.of(), outputs), changes::add)
                .start(java.time.Duration.ofMillis(20))) {
            // WHEN the user switches GNOME to dark, then back to light
            outputs.put(scheme, "'prefer-dark'\n");
            assertEquals(Boolean.TRUE, changes.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            outputs.put(scheme, "'prefer-light'\n");
            assertEquals(Boolean.FALSE, changes.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            // AND nothing is passed on while it stays the same
            assertFalse(watch.poll());
            assertEquals(null, changes.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }
}
