package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One page of the change feed ({@code GET /changes}): changes oldest first, each file at most once, the cursor that
 * follows them and whether more are waiting.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FeedPage(List<Change> changes, String cursor, boolean hasMore) {

    /** {@code upsert} (the file's state now) or {@code remove} (only its id). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Change(String type, DriveFile file, String id) {

        public static Change upsert(DriveFile file) {
            return new Change("upsert", file, file.id());
        }

        public static Change remove(String id) {
            return new Change("remove", null, id);
        }

        public boolean isRemove() {
            return "remove".equals(type);
        }

        /** The id of the file changed, whichever the kind of change. */
        public String fileId() {
            return file != null ? file.id() : id;
        }
    }
}
