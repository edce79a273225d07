package com.audmg.drive.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.audmg.drive.local.fixtures.EchoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds the handler artifact of the fixture serverless.yml, as a shaded Lambda jar would be. */
public final class TestFixtures {
    private TestFixtures() {
    }

    public static Path fixtureConfig() {
        return resource("fixture-serverless.yml");
    }

    public static Path resource(String name) {
        try {
            return Path.of(TestFixtures.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture handlers plus the aws-lambda-java-events classes, in one jar under {@code dir}. */
    public static synchronized Path fixtureJar(Path dir) throws IOException {
        Path jar = dir.resolve("fixture.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Files.createDirectories(dir);
        Path classes = location(EchoHandler.class);
        String prefix = "com/audmg/drive/local/fixtures/";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (Stream<Path> files = Files.walk(classes.resolve(prefix))) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            // Like a shaded Lambda jar: the events library and its joda-time dependency.
            for (Class<?> library : List.of(APIGatewayProxyRequestEvent.class, org.joda.time.DateTime.class)) {
                try (JarFile events = new JarFile(location(library).toFile())) {
                    for (JarEntry e : (Iterable<JarEntry>) events.stream()::iterator) {
                        if (!e.isDirectory() && e.getName().endsWith(".class") && !e.getName().contains("module-info")) {
                            out.putNextEntry(new JarEntry(e.getName()));
                            try (InputStream in = events.getInputStream(e)) {
                                in.transferTo((OutputStream) out);
                            }
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
