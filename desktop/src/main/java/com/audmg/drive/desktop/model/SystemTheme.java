package com.audmg.drive.desktop.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Whether the desktop prefers a dark theme, best effort (JavaFX 21 has no API for it): on Linux the GTK_THEME variable
 * and GNOME's {@code color-scheme} / {@code gtk-theme} (gsettings), on Windows the registry's AppsUseLightTheme, on
 * macOS {@code defaults read -g AppleInterfaceStyle}. Unknown means light.
 */
public final class SystemTheme {

    /** The theme choices of the settings. */
    public enum Mode {
        SYSTEM, LIGHT, DARK;

        public static Mode parse(String s) {
            try {
                return s == null ? SYSTEM : valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return SYSTEM;
            }
        }

        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String os;
    private final Map<String, String> env;
    private final Function<List<String>, Optional<String>> run;

    public SystemTheme() {
        this(System.getProperty("os.name", ""), System.getenv(), SystemTheme::runQuietly);
    }

    /** For tests: the OS name, the environment and how a command's output is read. */
    public SystemTheme(String os, Map<String, String> env, Function<List<String>, Optional<String>> run) {
        this.os = os.toLowerCase(Locale.ROOT);
        this.env = env;
        this.run = run;
    }

    /** Whether {@code mode} means dark here. */
    public boolean isDark(Mode mode) {
        return switch (mode) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> prefersDark().orElse(false);
        };
    }

    /** The desktop's preference, or empty when it cannot be told. */
    public Optional<Boolean> prefersDark() {
        if (os.contains("win")) {
            return run.apply(List.of("reg", "query",
                            "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize",
                            "/v", "AppsUseLightTheme"))
                    .map(out -> out.contains("0x0") ? Boolean.TRUE : out.contains("0x1") ? Boolean.FALSE : null);
        }
        if (os.contains("mac")) {
            // Prints "Dark" in dark mode; fails (no such key) in light mode.
            return Optional.of(run.apply(List.of("defaults", "read", "-g", "AppleInterfaceStyle"))
                    .map(out -> out.trim().equalsIgnoreCase("dark")).orElse(false));
        }
        String gtkTheme = env.get("GTK_THEME");
        if (gtkTheme != null && !gtkTheme.isBlank()) {
            return Optional.of(gtkTheme.toLowerCase(Locale.ROOT).contains("dark"));
        }
        Optional<String> scheme = run.apply(List.of("gsettings", "get", "org.gnome.desktop.interface",
                "color-scheme"));
        if (scheme.isPresent()) {
            String s = scheme.get().toLowerCase(Locale.ROOT);
            if (s.contains("prefer-dark")) {
                return Optional.of(true);
            }
            if (s.contains("prefer-light")) {
                return Optional.of(false);
            }
        }
        return run.apply(List.of("gsettings", "get", "org.gnome.desktop.interface", "gtk-theme"))
                .map(t -> t.toLowerCase(Locale.ROOT).contains("dark"));
    }

    /** The command's standard output when it exists on the PATH and exits 0 within 2 s. */
    static Optional<String> runQuietly(List<String> command) {
        if (!onPath(command.get(0))) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream in = p.getInputStream()) {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Whether {@code program} is an executable in a folder of {@code PATH} (tests skip what is not installed). */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p) || Files.isExecutable(Path.of(dir, program + ".exe"))) {
                return true;
            }
        }
        return false;
    }
}
