package com.audmg.drive.local.s3;

import java.time.Instant;

/**
 * A change to an object of the embedded S3, reported after the store has written (or removed) it.
 *
 * @param eventName as in S3 event notifications: {@code ObjectCreated:Put}, {@code ObjectCreated:Copy},
 *     {@code ObjectCreated:CompleteMultipartUpload}, {@code ObjectRemoved:Delete}
 * @param size the object's size in bytes (null for removals)
 * @param eTag the object's ETag without quotes (null for removals)
 * @param sequencer increases with every change (S3's ordering hint for the same key)
 */
public record ObjectEvent(String bucket, String key, String eventName, Long size, String eTag, String sequencer,
                          Instant time) {
}
