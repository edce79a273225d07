package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A file of the drive as the API describes it. The fields added with the media pipeline and the trash
 * ({@code updatedAt}, {@code trashedAt}, {@code version}, {@code processing}, {@code thumbnailUrl}, {@code media})
 * may be absent or null: a server that does not send them yet leaves them null (or 0).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriveFile(String id, String name, String contentType, String kind, long size, Instant createdAt,
                        String status, Instant updatedAt, Instant trashedAt, int version, String processing,
                        String thumbnailUrl, MediaInfo media) {

    /** The fields a file had before the media pipeline: everything else null. */
    public DriveFile(String id, String name, String contentType, String kind, long size, Instant createdAt,
                     String status) {
        this(id, name, contentType, kind, size, createdAt, status, null, null, 0, null, null, null);
    }

    public boolean isImage() {
        return "image".equals(kind);
    }

    public boolean isAudio() {
        return "audio".equals(kind);
    }

    public boolean isTrashed() {
        return "trashed".equals(status);
    }

    public boolean hasThumbnail() {
        return thumbnailUrl != null && !thumbnailUrl.isBlank();
    }

    /** Same file with another name (a rename answered by the server replaces it anyway). */
    public DriveFile withName(String newName) {
        return new DriveFile(id, newName, contentType, kind, size, createdAt, status, updatedAt, trashedAt, version,
                processing, thumbnailUrl, media);
    }

    /** The title to show: the audio tag's title when there is one, else the file name. */
    public String displayTitle() {
        return media != null && media.title() != null && !media.title().isBlank() ? media.title() : name;
    }

    /** Files are the same file when their ids are: a rename or a new version keeps the id. */
    public boolean sameFile(DriveFile other) {
        return other != null && id.equals(other.id());
    }
}
