package com.audmg.drive.local.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Keeps a copy of every object's metadata in plain files beside the object store, so that a data folder copied
 * without extended attributes (plain {@code tar}, {@code cp -r}, {@code rsync -a}, Java's {@code Files.copy})
 * keeps working with nothing lost.
 *
 * <p>jclouds' filesystem store keeps an object's ETag ({@code user.content-md5}), content type, other
 * response headers, user metadata and storage tier only in extended attributes of the object's file. Without
 * them every conditional write fails forever. Here, after each write, all of the file's extended attributes
 * are copied into a sidecar file ({@code <sidecars>/<bucket>/<sha256(key)[0..2]>/<sha256(key)>.properties},
 * values base64); at start, a file that lost its attributes gets them back from its sidecar (when the sizes
 * agree), or, without one, a recomputed MD5 ETag and a content type guessed from the name.
 */
final class SidecarMetadata {
    static final String CONTENT_MD5 = "user.content-md5";
    static final String CONTENT_TYPE = "user.content-type";
    /** In the sidecars' folder while no run has it open: the last one closed cleanly. */
    static final String CLOSED_CLEANLY = "closed-cleanly";

    /** What {@link #reconcile()} did. */
    record Report(int objects, int restored, int recomputed, int recorded, int orphansRemoved) {
        /** One line for the console, or null when nothing needed repair. */
        String describe() {
            if (restored == 0 && recomputed == 0) {
                return null;
            }
            return "S3 metadata repaired for " + (restored + recomputed) + " of " + objects + " objects (the data"
                    + " folder was copied without extended attributes): " + restored + " restored from s3-metadata/"
                    + (recomputed == 0 ? "" : ", " + recomputed + " without a record (ETag recomputed, content type"
                    + " guessed from the name)");
        }
    }

    private final Path storage;
    private final Path sidecars;
    /** A record this run failed to write or remove: its close is not a clean one for the records. */
    private volatile boolean recordFailed;

    SidecarMetadata(Path storage, Path sidecars) {
        this.storage = storage;
        this.sidecars = sidecars;
    }

    /** After a write of {@code container}/{@code name}: copies its attributes to the sidecar. */
    void record(String container, String name) {
        Path blob = blobFile(container, name);
        try {
            if (!Files.isRegularFile(blob)) {
                forget(container, name);
                return;
            }
            write(sidecar(container, name), name, Files.size(blob), readAttributes(blob));
        } catch (IOException e) {
            recordFailed = true;
            throw new UncheckedIOException("cannot record the metadata of " + container + "/" + name, e);
        }
    }

    /** After a delete of {@code container}/{@code name}. */
    void forget(String container, String name) {
        try {
            Files.deleteIfExists(sidecar(container, name));
        } catch (IOException e) {
            recordFailed = true;
            throw new UncheckedIOException("cannot remove the metadata record of " + container + "/" + name, e);
        }
    }

    /** After a whole bucket was emptied or deleted. */
    void forgetContainer(String container) {
        Path dir = sidecars.resolve(container);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            recordFailed = true;
            throw new UncheckedIOException("cannot remove the metadata records of " + container, e);
        }
    }

    /**
     * At start: gives files without attributes theirs back. After a run that did not close cleanly (a crash, a
     * kill, a data folder from before sidecars existed) it also records files whose sidecar is missing or
     * differs, and removes sidecars whose object is gone; after a clean close the sidecars are as the last run
     * left them, and only the objects' own attributes are checked (one lookup each: reading every sidecar at every
     * start cost about 40 KB of garbage and a file read per object, some 1 GB for a library of 10,000 files).
     */
    Report reconcile() throws IOException {
        // Taken away before anything is served: a run that does not reach closedCleanly() leaves none.
        boolean cleanBefore = Files.deleteIfExists(sidecars.resolve(CLOSED_CLEANLY));
        int objects = 0;
        int restored = 0;
        int recomputed = 0;
        int recorded = 0;
        int orphans = 0;
        if (!Files.isDirectory(storage)) {
            return new Report(0, 0, 0, 0, 0);
        }
        List<Path> containers;
        try (Stream<Path> list = Files.list(storage)) {
            containers = list.filter(Files::isDirectory).toList();
        }
        for (Path containerDir : containers) {
            String container = containerDir.getFileName().toString();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(containerDir)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path file : files) {
                objects++;
                String name = containerDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(),
                        "/");
                if (cleanBefore && hasAttribute(file, CONTENT_MD5)) {
                    continue;
                }
                TreeMap<String, byte[]> attributes = readAttributes(file);
                Path sidecar = sidecar(container, name);
                if (attributes.containsKey(CONTENT_MD5)) {
                    Stored stored = read(sidecar);
                    if (stored == null || !stored.matches(Files.size(file), attributes)) {
                        write(sidecar, name, Files.size(file), attributes);
                        recorded++;
                    }
                    continue;
                }
                Stored stored = read(sidecar);
                if (stored != null && stored.size == Files.size(file) && stored.attributes.containsKey(CONTENT_MD5)) {
                    writeAttributes(file, stored.attributes);
                    restored++;
                } else {
                    TreeMap<String, byte[]> fresh = new TreeMap<>(attributes);
                    fresh.put(CONTENT_MD5, md5(file));
                    String type = Files.probeContentType(file);
                    fresh.putIfAbsent(CONTENT_TYPE, (type == null ? "application/octet-stream" : type)
                            .getBytes(StandardCharsets.UTF_8));
                    writeAttributes(file, fresh);
                    write(sidecar, name, Files.size(file), fresh);
                    recomputed++;
                }
            }
            if (!cleanBefore) {
                orphans += removeOrphans(container);
            }
        }
        return new Report(objects, restored, recomputed, recorded, orphans);
    }

    /**
     * At a clean close, once nothing writes any more: the sidecars match the objects, and the next start need not
     * read them ({@link #reconcile}). Not after a record failed to be written or removed in this run: the next start
     * then checks them all, as after a crash.
     */
    void closedCleanly() throws IOException {
        if (recordFailed) {
            return;
        }
        Files.createDirectories(sidecars);
        com.audmg.drive.local.PrivateFiles.write(sidecars.resolve(CLOSED_CLEANLY), new byte[0]);
    }

    private int removeOrphans(String container) throws IOException {
        Path dir = sidecars.resolve(container);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> records;
        try (Stream<Path> walk = Files.walk(dir)) {
            records = walk.filter(p -> p.toString().endsWith(".properties")).toList();
        }
        int removed = 0;
        for (Path record : records) {
            Stored stored = read(record);
            if (stored == null || !Files.isRegularFile(blobFile(container, stored.name))) {
                Files.deleteIfExists(record);
                removed++;
            }
        }
        return removed;
    }

    private Path blobFile(String container, String name) {
        return storage.resolve(container).resolve(name);
    }

    Path sidecar(String container, String name) {
        String hash = HexFormat.of().formatHex(digest("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        return sidecars.resolve(container).resolve(hash.substring(0, 2)).resolve(hash + ".properties");
    }

    private record Stored(String name, long size, TreeMap<String, byte[]> attributes) {
        boolean matches(long fileSize, TreeMap<String, byte[]> current) {
            if (size != fileSize || !attributes.keySet().equals(current.keySet())) {
                return false;
            }
            return attributes.entrySet().stream()
                    .allMatch(e -> java.util.Arrays.equals(e.getValue(), current.get(e.getKey())));
        }
    }

    private static Stored read(Path sidecar) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(sidecar, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        }
        String name = p.getProperty("key");
        String size = p.getProperty("size");
        if (name == null || size == null) {
            return null;
        }
        TreeMap<String, byte[]> attributes = new TreeMap<>();
        for (String property : p.stringPropertyNames()) {
            if (property.startsWith("xattr.")) {
                attributes.put(property.substring("xattr.".length()), Base64.getDecoder().decode(p.getProperty(property)));
            }
        }
        try {
            return new Stored(name, Long.parseLong(size), attributes);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void write(Path sidecar, String name, long size, TreeMap<String, byte[]> attributes)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("key", name);
        p.setProperty("size", Long.toString(size));
        attributes.forEach((k, v) -> p.setProperty("xattr." + k, Base64.getEncoder().encodeToString(v)));
        // Owner-only like everything in the data folder (content types and metadata of every object).
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, null);
        com.audmg.drive.local.PrivateFiles.write(sidecar, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the file has this extended attribute (one lookup, nothing read). */
    private static boolean hasAttribute(Path file, String name) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            view.size(name);
            return true;
        } catch (java.nio.file.FileSystemException missing) {
            return false;
        }
    }

    static TreeMap<String, byte[]> readAttributes(Path file) throws IOException {
        TreeMap<String, byte[]> attributes = new TreeMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            return attributes;
        }
        for (String name : view.list()) {
            ByteBuffer buffer = ByteBuffer.allocate(view.size(name));
            view.read(name, buffer);
            attributes.put(name, java.util.Arrays.copyOf(buffer.array(), buffer.position()));
        }
        return attributes;
    }

    private static void writeAttributes(Path file, TreeMap<String, byte[]> attributes) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            throw new IOException(file + ": this file system has no extended attributes, which the S3 store needs");
        }
        for (var e : attributes.entrySet()) {
            view.write(e.getKey(), ByteBuffer.wrap(e.getValue()));
        }
    }

    private static byte[] md5(Path file) throws IOException {
        MessageDigest md5 = digest("MD5");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                md5.update(buffer, 0, n);
            }
        }
        return md5.digest();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
