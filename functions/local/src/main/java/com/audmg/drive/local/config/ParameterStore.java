package com.audmg.drive.local.config;

import com.audmg.drive.local.PrivateFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The local stand-in for SSM Parameter Store: {@code data-dir/parameters.properties}.
 * A parameter that does not exist yet is created with a random 256-bit secret, so a fresh
 * data folder works without setup and a restart keeps the same secrets.
 */
public final class ParameterStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties values = new Properties();

    public ParameterStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    /** The value of {@code name}, generating and persisting a secret when it is missing. */
    public synchronized String getOrCreate(String name) {
        String value = values.getProperty(name);
        if (value == null) {
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            value = Base64.getEncoder().encodeToString(secret);
            values.setProperty(name, value);
            save();
        }
        return value;
    }

    /** The value of {@code name} if it exists; never creates one. */
    public synchronized Optional<String> get(String name) {
        return Optional.ofNullable(values.getProperty(name));
    }

    private void save() {
        try {
            java.io.StringWriter out = new java.io.StringWriter();
            values.store(out, "Local SSM parameters (Audmg local cloud)");
            // Secrets: owner-only, like everything in the data folder.
            PrivateFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
