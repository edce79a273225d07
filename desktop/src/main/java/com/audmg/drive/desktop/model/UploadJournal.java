package com.audmg.drive.desktop.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The uploads not finished yet, on disk ({@code pending-uploads.json} in the data folder, owner-only: it names local
 * files), so that they resume after the app restarts. One list for every account of this computer; each entry names
 * its account (API base URL and user name) and is resumed only by it. Files are written whole to a temporary sibling
 * and moved into place, so a crash leaves the old or the new list, never half of one.
 */
public final class UploadJournal {

    /** One file waiting: where it is, the name it gets in the drive, and what it looked like when it was queued. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String account, String path, String name, long size, long modifiedMillis) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Content(int version, List<Entry> uploads) {
    }

    public static final String FILE_NAME = "pending-uploads.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;

    public UploadJournal(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** Every entry; an unreadable or missing journal is empty (it only ever saves the user some re-adding). */
    public synchronized List<Entry> read() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            Content c = JSON.readValue(file.toFile(), Content.class);
            return c.uploads() == null ? List.of() : List.copyOf(c.uploads());
        } catch (IOException e) {
            System.err.println("Ignoring unreadable " + file + ": " + e.getMessage());
            return List.of();
        }
    }

    /** Replaces {@code account}'s entries with {@code entries}, keeping the other accounts' ones. */
    public synchronized void replace(String account, List<Entry> entries) {
        List<Entry> all = new ArrayList<>();
        for (Entry e : read()) {
            if (!account.equals(e.account())) {
                all.add(e);
            }
        }
        all.addAll(entries);
        try {
            write(all);
        } catch (IOException e) {
            System.err.println("Could not save the upload queue: " + e.getMessage());
        }
    }

    private void write(List<Entry> all) throws IOException {
        Files.createDirectories(file.getParent());
        if (all.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Content(1, all)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
