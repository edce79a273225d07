package com.audmg.drive.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only files for the data folder, which holds secrets (the token secret, the S3 credentials),
 * every account's password hash and every user's files: folders 0700, files 0600 (or whatever the owner
 * had, without group and other bits).
 *
 * <p>Java cannot set a process umask, so each file the local cloud writes is created with its mode
 * (or made private before it is renamed into place), and files that a library writes on its own
 * (s3proxy's blobs) are made private right after the write. The data folder itself is 0700 first, so
 * nothing inside is reachable by another user even in that moment. On file systems without POSIX
 * permissions (Windows) all of this does nothing.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} and any missing parents as 0700 folders; an existing {@code dir} is made 0700. */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            Path parent = absolute.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                createDirectories(parent);
            }
            try {
                if (posix(absolute)) {
                    Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(FOLDER));
                } else {
                    Files.createDirectory(absolute);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Created meanwhile (or a file: the next line says so).
            }
        }
        makePrivate(absolute);
        return dir;
    }

    /**
     * Takes every permission away from group and others (0644 becomes 0600, 0755 becomes 0700); the owner's
     * own bits are kept. Symbolic links are left alone.
     */
    public static void makePrivate(Path path) throws IOException {
        if (!posix(path)) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes attributes = view.readAttributes();
        if (attributes.isSymbolicLink()) {
            return;
        }
        Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : attributes.permissions()) {
            if (p.name().startsWith("OWNER_")) {
                kept.add(p);
            }
        }
        if (!kept.equals(attributes.permissions())) {
            view.setPermissions(kept);
        }
    }

    /** {@link #makePrivate} for a path that may be gone already (deleted or renamed by someone else). */
    public static void makePrivateIfPresent(Path path) throws IOException {
        try {
            makePrivate(path);
        } catch (java.nio.file.NoSuchFileException gone) {
            // Nothing left to protect.
        }
    }

    /** Whether group and others have no permission on {@code path}. */
    public static boolean isPrivate(Path path) throws IOException {
        if (!posix(path)) {
            return true;
        }
        for (PosixFilePermission p : Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!p.name().startsWith("OWNER_")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes everything under {@code root} owner-only, {@code root} itself last (so that an interrupted run
     * is done again at the next start). Entries this user cannot change are counted, not fatal.
     *
     * @return how many entries could not be changed
     */
    public static int makeTreePrivate(Path root) throws IOException {
        if (!posix(root)) {
            return 0;
        }
        int[] failed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                tryPrivate(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                tryPrivate(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                failed[0]++;
                return FileVisitResult.CONTINUE;
            }

            private void tryPrivate(Path p) {
                try {
                    makePrivateIfPresent(p);
                } catch (IOException e) {
                    failed[0]++;
                }
            }
        });
        return failed[0];
    }

    /** Makes private every entry of {@code dir} whose name starts with {@code prefix}, and what is under it. */
    public static void makeEntriesPrivate(Path dir, String prefix) throws IOException {
        if (!posix(dir) || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString()
                .startsWith(prefix))) {
            for (Path e : entries) {
                makeTreePrivate(e);
            }
        }
    }

    /** Writes {@code file} through an owner-only temporary file in its folder, renamed into place. */
    public static void write(Path file, byte[] content) throws IOException {
        Path absolute = file.toAbsolutePath();
        createDirectories(absolute.getParent());
        // createTempFile makes 0600 files on POSIX file systems.
        Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            makePrivate(tmp);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code file} as {@link #write} does, but durably when {@code sync}: the temporary file's bytes are
     * forced to the disk before it is renamed into place, so that after a power loss the file is either the old
     * one or the whole new one. The rename itself is durable once its folder is synced ({@link #syncFolder}),
     * which callers writing many files do once for all of them.
     */
    public static void write(Path file, byte[] content, boolean sync) throws IOException {
        if (!sync) {
            write(file, content);
            return;
        }
        Path absolute = file.toAbsolutePath();
        createDirectories(absolute.getParent());
        Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(false);
            }
            makePrivate(tmp);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces a folder's entries (files created, renamed or deleted in it) to the disk (fsync of the folder). Where
     * a folder cannot be opened for that (Windows), does nothing.
     */
    public static void syncFolder(Path dir) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (java.nio.file.AccessDeniedException | UnsupportedOperationException notOnThisSystem) {
            // Windows opens no folder as a file; its NTFS journal orders metadata itself.
        }
    }

    /** Opens {@code file} for appending, creating it owner-only when it does not exist. */
    public static OutputStream append(Path file) throws IOException {
        if (posix(file) && !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another writer created it first.
            }
        }
        makePrivate(file);
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
