package com.audmg.drive.local.lambda;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, for a Lambda Java runtime ({@code java17}, {@code java21}, {@code java25}, {@code java11.al2023}...), an
 * installed JDK of the same major version, so that a worker runs on the Java that Lambda would give it. A
 * JDK is a folder with {@code bin/java} and a {@code release} file naming {@code JAVA_VERSION}; it is looked
 * for in the search roots (each root itself, then its sub-folders, and {@code Contents/Home} for macOS
 * bundles). The running JVM is preferred when its major version already matches.
 */
public final class JdkLocator {
    private static final Pattern JAVA_RUNTIME = Pattern.compile("java(\\d+)(\\.[a-z0-9]+)?");

    /**
     * Where JDKs are usually installed: Debian/Ubuntu and Fedora packages, macOS, SDKMAN!, IntelliJ, Gradle
     * toolchains. A missing folder is skipped.
     */
    public static List<Path> defaultRoots() {
        Path home = Path.of(System.getProperty("user.home", "."));
        return List.of(Path.of("/usr/lib/jvm"), Path.of("/usr/java"), Path.of("/opt/java"),
                Path.of("/Library/Java/JavaVirtualMachines"), home.resolve(".sdkman/candidates/java"),
                home.resolve(".jdks"), home.resolve(".gradle/jdks"));
    }

    /**
     * The Java a worker of {@code runtime} runs on.
     *
     * @param executable the {@code java} command
     * @param description one line for the console, e.g. {@code JDK 25.0.1 (/usr/lib/jvm/temurin-25)}
     * @param matches whether its major version is the runtime's
     */
    public record Choice(String executable, String description, boolean matches) {
    }

    private final List<Path> roots;
    private final String runningExecutable;
    private final int runningMajor;
    private final Map<String, Choice> chosen = new ConcurrentHashMap<>();

    public JdkLocator(List<Path> roots) {
        this(roots, WorkerLauncher.javaExecutable(), Runtime.version().feature());
    }

    JdkLocator(List<Path> roots, String runningExecutable, int runningMajor) {
        this.roots = List.copyOf(roots);
        this.runningExecutable = runningExecutable;
        this.runningMajor = runningMajor;
    }

    /** The major Java version of a Lambda runtime name, or empty for null or a non-Java runtime. */
    public static Optional<Integer> majorVersion(String runtime) {
        if (runtime == null) {
            return Optional.empty();
        }
        Matcher m = JAVA_RUNTIME.matcher(runtime.trim());
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** The Java for {@code runtime} (cached per runtime name). */
    public Choice choose(String runtime) {
        return chosen.computeIfAbsent(String.valueOf(runtime), r -> find(runtime));
    }

    private Choice find(String runtime) {
        String running = "the local cloud's own Java " + Runtime.version() + " (" + runningExecutable + ")";
        Optional<Integer> wanted = majorVersion(runtime);
        if (wanted.isEmpty()) {
            return new Choice(runningExecutable, running + ": serverless.yml names no Java runtime", false);
        }
        int major = wanted.get();
        if (major == runningMajor) {
            return new Choice(runningExecutable, running, true);
        }
        for (Path jdk : candidates()) {
            Optional<String> version = releaseVersion(jdk);
            if (version.isPresent() && majorOf(version.get()) == major) {
                return new Choice(jdk.resolve("bin").resolve(isWindows() ? "java.exe" : "java").toString(),
                        "JDK " + version.get() + " (" + jdk + ")", true);
            }
        }
        return new Choice(runningExecutable, running + ": no JDK " + major + " found in " + roots, false);
    }

    private List<Path> candidates() {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            addIfJdk(found, root);
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
                dir.forEach(children::add);
            } catch (IOException e) {
                continue;
            }
            children.sort(null);
            for (Path child : children) {
                addIfJdk(found, child);
                addIfJdk(found, child.resolve("Contents").resolve("Home"));
            }
        }
        return found;
    }

    private static void addIfJdk(List<Path> found, Path dir) {
        Path java = dir.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        if (Files.isRegularFile(dir.resolve("release")) && Files.isExecutable(java)) {
            found.add(dir);
        }
    }

    /**
     * The feature version (e.g. 25) of the JDK whose {@code java} command is {@code executable}, read from its
     * {@code release} file; the running JVM's own when it is that command; -1 when unknown.
     */
    public static int featureVersion(String executable) {
        if (executable.equals(WorkerLauncher.javaExecutable())) {
            return Runtime.version().feature();
        }
        Path home = Path.of(executable).toAbsolutePath().getParent();
        home = home == null ? null : home.getParent();
        return home == null ? -1 : releaseVersion(home).map(JdkLocator::majorOf).orElse(-1);
    }

    private static Optional<String> releaseVersion(Path jdk) {
        Properties release = new Properties();
        try (Reader in = Files.newBufferedReader(jdk.resolve("release"), StandardCharsets.UTF_8)) {
            release.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String version = release.getProperty("JAVA_VERSION");
        return version == null ? Optional.empty() : Optional.of(version.replace("\"", "").trim());
    }

    private static int majorOf(String version) {
        String[] parts = version.split("[.+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            // "1.8.0_402" is Java 8.
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
    }
}
