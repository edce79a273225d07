package com.audmg.drive.files;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * Deletes the bytes a commit left unreferenced: at once when the upload URL that wrote them has
 * expired, otherwise once it has (a marker for the sweeper), because until then only the object's
 * existence keeps that URL from writing it again.
 */
public final class ObjectReleaser implements LibraryStore.Releaser {

    private final S3Client s3;
    private final String mediaBucket;
    private final JsonObjectStore data;
    private final FileLifecycle lifecycle;
    private final Clock clock;

    /** Where derived objects (thumbnails, renditions, ...) live; null when there are none. */
    private final String derivedBucket;

    public ObjectReleaser(S3Client s3, String mediaBucket, JsonObjectStore data, FileLifecycle lifecycle, Clock clock) {
        this(s3, mediaBucket, data, lifecycle, clock, null);
    }

    public ObjectReleaser(S3Client s3, String mediaBucket, JsonObjectStore data, FileLifecycle lifecycle, Clock clock,
                          String derivedBucket) {
        this.derivedBucket = derivedBucket;
        this.s3 = s3;
        this.mediaBucket = mediaBucket;
        this.data = data;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Override
    public void release(String userId, String fileId, Set<String> objectIds) {
        Instant now = clock.instant();
        for (String objectId : objectIds) {
            // Object ids carry their upload's time; the previous release's (a file id) do not: assume now.
            Instant urlDead = lifecycle.urlDead(Keys.idTime(objectId).orElse(now));
            if (now.isAfter(urlDead)) {
                deleteObject(userId, objectId);
            } else {
                data.overwrite(Keys.gcMediaMarker(urlDead.getEpochSecond() + 1, userId, fileId, objectId), Json.object());
            }
            // What was derived from the bytes goes at once (no URL can write it); a processor still
            // running for them finds the object unreferenced when it records and deletes its own.
            // After the bytes' own deletion or marker, so that a failure here never keeps those.
            try {
                deleteDerived(userId, objectId);
            } catch (RuntimeException e) {
                com.audmg.drive.platform.StructuredLog.warn("derived objects of " + userId + "/" + objectId
                        + " not deleted: " + e.getMessage());
            }
        }
    }

    /** Deletes every object derived from {@code objectId}'s bytes (one batch request; absent names are fine). */
    public void deleteDerived(String userId, String objectId) {
        if (derivedBucket == null) {
            return;
        }
        List<ObjectIdentifier> keys = new ArrayList<>();
        for (String name : FileService.DERIVED_NAMES) {
            keys.add(ObjectIdentifier.builder().key(Keys.derived(userId, objectId, name)).build());
        }
        s3.deleteObjects(DeleteObjectsRequest.builder().bucket(derivedBucket)
                .delete(Delete.builder().objects(keys).quiet(true).build()).build());
    }

    public void deleteObject(String userId, String objectId) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(mediaBucket).key(Keys.media(userId, objectId)).build());
    }
}
