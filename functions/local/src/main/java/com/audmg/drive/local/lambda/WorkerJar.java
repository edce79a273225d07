package com.audmg.drive.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.audmg.drive.local.PrivateFiles;
import com.audmg.drive.local.lambda.bootstrap.WorkerMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
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
 *
 * <p>The Maven build runs {@link #main} once to store that jar as the resource {@value #RESOURCE}
 * next to this class; a start then only copies the resource (milliseconds) instead of re-reading
 * some 2,300 entries out of a 33 MB fat jar and compressing them again (0.6 s of a core in a fresh
 * JVM, which ran beside s3proxy's start on the same two cores). Without the resource (classes
 * compiled by an IDE) the jar is assembled at run time as before.
 */
public final class WorkerJar {
    /** The prebuilt worker jar, relative to this class. */
    static final String RESOURCE = "lambda-worker.jar";

    private static final List<String> PREFIXES = List.of(
            "com/audmg/drive/local/lambda/bootstrap/",
            "com/amazonaws/services/lambda/runtime/",
            "com/amazonaws/lambda/thirdparty/",
            "META-INF/services/com.amazonaws.lambda.thirdparty.");
    private static final String EXCLUDED = "com/amazonaws/services/lambda/runtime/events/";

    private WorkerJar() {
    }

    private static final java.util.Map<Path, Path> BUILT = new java.util.HashMap<>();

    /** The worker jar under {@code runtimeDir}, built once per JVM and data folder. */
    static synchronized Path build(Path runtimeDir) throws IOException {
        Path key = runtimeDir.toAbsolutePath().normalize();
        Path done = BUILT.get(key);
        if (done != null && Files.isRegularFile(done)) {
            return done;
        }
        Path jar = buildOrReuse(key);
        BUILT.put(key, jar);
        return jar;
    }

    /** Build step: {@code WorkerJar <output jar>} writes the worker jar from this JVM's classpath. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: WorkerJar <output jar>");
        }
        Path output = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(output.getParent());
        Path tmp = Files.createTempFile(output.getParent(), "lambda-worker", ".tmp");
        try {
            assemble(tmp);
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path buildOrReuse(Path runtimeDir) throws IOException {
        PrivateFiles.createDirectories(runtimeDir);
        Path jar = runtimeDir.resolve("lambda-worker.jar");
        Path stampFile = runtimeDir.resolve("lambda-worker.stamp");
        URL prebuilt = WorkerJar.class.getResource(RESOURCE);
        if (prebuilt != null) {
            URLConnection connection = prebuilt.openConnection();
            String stamp = prebuilt + "|" + connection.getContentLengthLong() + "|" + connection.getLastModified() + "\n";
            if (Files.isRegularFile(jar) && Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
                return jar;
            }
            Path tmp = Files.createTempFile(runtimeDir, "lambda-worker", ".tmp");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            // REPLACE_EXISTING made a new file with the umask's mode.
            PrivateFiles.makePrivate(tmp);
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            PrivateFiles.write(stampFile, stamp.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return jar;
        }
        Set<Path> sources = sources();
        String stamp = stamp(sources);
        if (stamp != null && Files.isRegularFile(jar) && Files.isRegularFile(stampFile)
                && Files.readString(stampFile).equals(stamp)) {
            return jar;
        }
        Path tmp = Files.createTempFile(runtimeDir, "lambda-worker", ".tmp");
        assemble(tmp);
        PrivateFiles.makePrivate(tmp);
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (stamp != null) {
            PrivateFiles.write(stampFile, stamp.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static Set<Path> sources() throws IOException {
        Set<Path> sources = new java.util.LinkedHashSet<>();
        for (Class<?> c : List.of(WorkerMain.class, Context.class, LambdaEventSerializers.class)) {
            sources.add(location(c));
        }
        return sources;
    }

    private static void assemble(Path tmp) throws IOException {
        Set<Path> sources = sources();
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
                    try (JarFile sourceJar = new JarFile(source.toFile())) {
                        for (JarEntry e : (Iterable<JarEntry>) sourceJar.stream()::iterator) {
                            if (!e.isDirectory() && wanted(e.getName()) && written.add(e.getName())) {
                                try (InputStream in = sourceJar.getInputStream(e)) {
                                    copy(out, e.getName(), in);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Identifies the sources when they are jars (sizes and times); null for class folders (always rebuild). */
    private static String stamp(Set<Path> sources) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path p : sources) {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            b.append(p.toAbsolutePath()).append('|').append(Files.size(p)).append('|')
                    .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
        }
        return b.toString();
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
