package com.audmg.drive.local.s3;

import java.nio.file.Path;

/**
 * Where jclouds' filesystem store keeps what s3proxy stores: container {@code c}, key {@code k} at {@code base/c/k}
 * (a key's slashes are folders), a multipart upload's stub and parts at {@code base/c/.mpus-...}. A name that would
 * lead outside its container (or is the container itself) has no place here: the store refuses it.
 */
final class StoreFiles {
    /** The file name prefix of a multipart upload's stub and parts. */
    static final String MULTIPART_PREFIX = ".mpus-";

    private final Path base;

    /** {@code base} normalized, as the paths compared with it are: "/x/./data" would contain none of them. */
    StoreFiles(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    /** The folder of the containers, absolute and normalized. */
    Path base() {
        return base;
    }

    /** The container's folder, or null when the name is not one folder inside the base. */
    Path container(String container) {
        if (container == null) {
            return null;
        }
        Path dir = base.resolve(container).normalize();
        return dir.startsWith(base) && !dir.equals(base) ? dir : null;
    }

    /** A key's file or folder, or null when it names no place inside the container. */
    Path key(String container, String key) {
        Path dir = container(container);
        if (dir == null || key == null || key.isEmpty()) {
            return null;
        }
        Path path = dir.resolve(key).normalize();
        return path.startsWith(dir) && !path.equals(dir) ? path : null;
    }
}
