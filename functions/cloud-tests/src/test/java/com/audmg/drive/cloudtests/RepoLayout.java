package com.audmg.drive.cloudtests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository root is: the folder with serverless.yml and package.json. */
final class RepoLayout {
    private RepoLayout() {
    }

    static Path root() {
        String configured = System.getProperty("audmg.repoRoot", "");
        if (!configured.isBlank() && isRoot(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no folder with serverless.yml and package.json above "
                + Path.of("").toAbsolutePath() + " (set -Daudmg.repoRoot)");
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("serverless.yml")) && Files.isRegularFile(p.resolve("package.json"));
    }
}
