package com.audmg.drive.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Copies a few of the benchmark's own classes into a folder, so that a measured process runs on the product's jar
 * plus that folder only: the product is measured as shipped, with nothing of the benchmark's classpath beside it.
 */
public final class ClassesFolder {
    private ClassesFolder() {
    }

    /** Copies each class and its named nested classes into {@code dir}; returns {@code dir}. */
    public static Path copy(Path dir, Class<?>... classes) {
        try {
            for (Class<?> c : classes) {
                copy(dir, c.getDeclaredClasses());
                String name = c.getName().replace('.', '/') + ".class";
                Path target = dir.resolve(name);
                Files.createDirectories(target.getParent());
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException("class file not found: " + name);
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same classes as a jar ({@code folder} holds the copies): the JDK's AOT cache accepts jars only on the
     * class path (a non-empty folder there stops the cache from being made).
     */
    public static Path jar(Path jar, Path folder, Class<?>... classes) {
        copy(folder, classes);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path f : files) {
                out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
