package com.audmg.drive.media;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What processing made of one original: the {@code media} fields (shared/API.md's {@code Media},
 * without the signed URLs) and the derived objects to store, each a local file with its fixed name.
 */
public record Derived(ObjectNode media, List<Output> outputs) {

    /** One derived object: its name under {@code <userId>/<objectId>/}, its content type, its bytes on disk. */
    public record Output(String name, String contentType, Path file) {
    }
}
