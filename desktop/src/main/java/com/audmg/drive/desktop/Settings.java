package com.audmg.drive.desktop;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** User settings, kept as settings.json in the data folder. */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Settings {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Empty: embedded local cloud; otherwise the remote API base URL. */
    public String remoteApiUrl = "";
    public String lastUsername = "";
    public double windowX = Double.NaN;
    public double windowY = Double.NaN;
    public double windowWidth = 1100;
    public double windowHeight = 720;
    public boolean windowMaximized;
    public boolean listMode;
    public double volume = 0.8;
    /** "Keep me signed in" was chosen at the last login: the app starts by resuming the kept session. */
    public boolean keepSignedIn;
    /** "system", "light" or "dark". */
    public String theme = "system";

    public static Path dataDir() {
        String override = System.getProperty("audmg.dataDir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String appData = System.getenv("LOCALAPPDATA");
            return (appData != null ? Path.of(appData) : home.resolve("AppData/Local")).resolve("Audmg Drive");
        }
        if (os.contains("mac")) {
            return home.resolve("Library/Application Support/Audmg Drive");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("audmg-drive");
    }

    public static Settings load(Path dataDir) {
        Path file = dataDir.resolve("settings.json");
        if (Files.isRegularFile(file)) {
            try {
                return JSON.readValue(file.toFile(), Settings.class);
            } catch (IOException e) {
                System.err.println("Ignoring unreadable settings " + file + ": " + e.getMessage());
            }
        }
        return new Settings();
    }

    public void save(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("settings.json");
            Path tmp = dataDir.resolve("settings.json.tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("Could not save settings: " + e.getMessage());
        }
    }
}
