package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds files about to be uploaded that the drive already has, and free names for "keep both". The API's {@code File}
 * carries no content hash or ETag, so a duplicate is a file of the same name (ignoring case) and the same size.
 */
final class Duplicates {

    private Duplicates() {
    }

    /** The library file with the same name (ignoring case) and size, if any. */
    static Optional<DriveFile> existing(String name, long size, List<DriveFile> library) {
        String key = name.toLowerCase(Locale.ROOT);
        for (DriveFile f : library) {
            if (f.size() == size && f.name().toLowerCase(Locale.ROOT).equals(key)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code name} if no file is called so (ignoring case), else "name (2).ext", "name (3).ext"... the first one free.
     * A name that already ends in " (n)" counts on from n.
     */
    static String freeName(String name, Collection<String> taken) {
        Set<String> used = new HashSet<>();
        taken.forEach(t -> used.add(t.toLowerCase(Locale.ROOT)));
        if (!used.contains(name.toLowerCase(Locale.ROOT))) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        int n = 2;
        var numbered = java.util.regex.Pattern.compile("(.*) \\((\\d{1,6})\\)").matcher(base);
        if (numbered.matches()) {
            base = numbered.group(1);
            n = Integer.parseInt(numbered.group(2)) + 1;
        }
        while (true) {
            String candidate = base + " (" + n + ")" + ext;
            if (!used.contains(candidate.toLowerCase(Locale.ROOT))) {
                return candidate;
            }
            n++;
        }
    }
}
