package com.audmg.drive.cloudtests;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code serverless package} (osls, the Serverless Framework v3 fork pinned in package.json, from
 * node_modules) for one stage into a temporary folder, offline, and reads what it wrote.
 */
final class ServerlessPackage {
    private static final long TIMEOUT_SECONDS = 240;

    final Path repoRoot;
    final String stage;
    final JsonNode template;
    final JsonNode state;
    final String output;

    private ServerlessPackage(Path repoRoot, String stage, JsonNode template, JsonNode state, String output) {
        this.repoRoot = repoRoot;
        this.stage = stage;
        this.template = template;
        this.state = state;
        this.output = output;
    }

    private static final String CLI = "node_modules/osls/bin/serverless.js";

    /** Why packaging cannot run here (a message for a skipped test), or null when it can. */
    static String unavailableReason() {
        Path root = RepoLayout.root();
        Path cli = root.resolve(CLI);
        if (!Files.isRegularFile(cli)) {
            return "SKIPPED: " + cli + " is missing; run `npm ci` in " + root
                    + " (needs Node.js 18+ and npm) to validate serverless.yml offline";
        }
        if (findOnPath(isWindows() ? "node.exe" : "node") == null) {
            return "SKIPPED: Node.js (node) is not on the PATH; serverless.yml was not validated";
        }
        return null;
    }

    /**
     * Packages {@code stage}; skips the calling test (JUnit assumption) when Node.js or the
     * npm packages are missing, fails it when packaging fails.
     */
    static ServerlessPackage run(String stage, Path outputDir) throws IOException, InterruptedException {
        String unavailable = unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        Path root = RepoLayout.root();
        Path cli = root.resolve(CLI);
        String node = findOnPath(isWindows() ? "node.exe" : "node");

        // Same as `npx serverless package --stage <stage> --package <dir>`, but runs the locally
        // installed CLI directly so nothing can be fetched from the network.
        List<String> command = new ArrayList<>(List.of(node, cli.toString(), "package",
                "--stage", stage, "--package", outputDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        Path log = outputDir.resolveSibling(outputDir.getFileName() + "-serverless.log");
        pb.redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        // Never let a packaging check see real credentials or talk to AWS.
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("S3_PRESIGN_ENDPOINT") || k.startsWith("MAIL_"));
        env.put("AWS_ACCESS_KEY_ID", "AKIAAUDMGOFFLINECHECK");
        env.put("AWS_SECRET_ACCESS_KEY", "offline-check-not-a-secret");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("SLS_TELEMETRY_DISABLED", "1");
        env.put("SLS_NOTIFICATIONS_MODE", "off");
        env.put("SLS_INTERACTIVE_SETUP_DISABLE", "1");
        env.put("CI", "true");

        Process process = pb.start();
        boolean done = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
            fail("serverless package --stage " + stage + " did not finish in " + TIMEOUT_SECONDS + " s:\n"
                    + read(log));
        }
        String output = read(log);
        if (process.exitValue() != 0) {
            fail("serverless package --stage " + stage + " failed (exit " + process.exitValue() + "):\n" + output);
        }
        Path templateFile = outputDir.resolve("cloudformation-template-update-stack.json");
        Path stateFile = outputDir.resolve("serverless-state.json");
        if (!Files.isRegularFile(templateFile)) {
            fail("serverless package wrote no " + templateFile + ":\n" + output);
        }
        ObjectMapper json = new ObjectMapper();
        return new ServerlessPackage(root, stage, json.readTree(templateFile.toFile()),
                json.readTree(stateFile.toFile()), output);
    }

    /** The Lambda artifact that serverless.yml names (package.artifact), resolved against the root. */
    Path artifact() {
        JsonNode declared = state.path("service").path("initialServerlessConfig").path("package").path("artifact");
        if (!declared.isTextual()) {
            fail("serverless-state.json has no package.artifact; serverless.yml must name the shaded jar");
        }
        return repoRoot.resolve(declared.asText()).normalize();
    }

    /**
     * The artifact a function is deployed from: its own {@code package.artifact} when it names one
     * (processMedia: functions/media's jar), otherwise the service's.
     */
    Path artifactOf(String functionName) {
        JsonNode own = state.path("service").path("functions").path(functionName)
                .path("package").path("artifact");
        return own.isTextual() ? repoRoot.resolve(own.asText()).normalize() : artifact();
    }

        JsonNode resources() {
        return template.path("Resources");
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    private static String findOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
