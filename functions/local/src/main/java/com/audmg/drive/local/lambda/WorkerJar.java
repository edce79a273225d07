package com.audmg.drive.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.audmg.drive.local.lambda.bootstrap.WorkerMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds the worker JVM's whole classpath: one small jar with the bootstrap, aws-lambda-java-core
 * and aws-lambda-java-serialization, copied from wherever those classes are (a classes folder in
 * tests, separate jars, this module's fat jar, or the desktop app's fat jar).
 */
final class WorkerJar {
    private static final List<String> PREFIXES = List.of(
            "com/audmg/drive/local/lambda/bootstrap/",
            "com/amazonaws/services/lambda/runtime/",
            "com/amazonaws/lambda/thirdparty/",
            "META-INF/services/com.amazonaws.lambda.thirdparty.");
    private static final String EXCLUDED = "com/amazonaws/services/lambda/runtime/events/";

    private WorkerJar() {
    }

    static Path build(Path runtimeDir) throws IOException {
        Files.createDirectories(runtimeDir);
        Path tmp = Files.createTempFile(runtimeDir, "lambda-worker", ".tmp");
        Set<Path> sources = new java.util.LinkedHashSet<>();
        for (Class<?> c : List.of(WorkerMain.class, Context.class, LambdaEventSerializers.class)) {
            sources.add(location(c));
        }
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
            for (Path source : sources) {
                if (Files.isDirectory(source)) {
                    try (Stream<Path> files = Files.walk(source)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                            String name = source.relativize(f).toString().replace('\\', '/');
                            if (wanted(name) && written.add(name)) {
                                try (InputStream in = Files.newInputStream(f)) {
                                    copy(out, name, in);
                                }
                            }
                        }
                    }
                } else {
                    try (JarFile jar = new JarFile(source.toFile())) {
                        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                            if (!e.isDirectory() && wanted(e.getName()) && written.add(e.getName())) {
                                try (InputStream in = jar.getInputStream(e)) {
                                    copy(out, e.getName(), in);
                                }
                            }
                        }
                    }
                }
            }
        }
        Path jar = runtimeDir.resolve("lambda-worker.jar");
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }

    private static boolean wanted(String name) {
        if (name.startsWith(EXCLUDED)) {
            return false;
        }
        for (String p : PREFIXES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static void copy(JarOutputStream out, String name, InputStream in) throws IOException {
        out.putNextEntry(new JarEntry(name));
        in.transferTo((OutputStream) out);
        out.closeEntry();
    }

    private static Path location(Class<?> c) throws IOException {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot locate the classes of " + c.getName(), e);
        }
    }
}
