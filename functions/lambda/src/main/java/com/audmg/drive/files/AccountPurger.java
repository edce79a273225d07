package com.audmg.drive.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.StructuredLog;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deletes what a deleted account left: every object of its bytes ({@code <userId>/} in the media
 * bucket), its library, its sessions and the previous release's documents, then the purge marker.
 * Idempotent and interruptible: a run that runs out of time leaves the marker for the next one.
 */
public final class AccountPurger {

    private static final int BATCH = 1000;

    private final S3Client s3;
    private final String mediaBucket;
    private final String dataBucket;
    private final JsonObjectStore data;

    /** Derived objects (thumbnails, renditions), {@code <userId>/} too; null when there is no such bucket. */
    private final String derivedBucket;

    public AccountPurger(S3Client s3, String mediaBucket, String dataBucket, JsonObjectStore data) {
        this(s3, mediaBucket, dataBucket, data, null);
    }

    public AccountPurger(S3Client s3, String mediaBucket, String dataBucket, JsonObjectStore data, String derivedBucket) {
        this.derivedBucket = derivedBucket;
        this.s3 = s3;
        this.mediaBucket = mediaBucket;
        this.dataBucket = dataBucket;
        this.data = data;
    }

    /** The users whose accounts were deleted and whose data is not purged yet. */
    public List<String> pending() {
        List<String> users = new ArrayList<>();
        data.listAll(Keys.PURGE_PREFIX).forEach(entry -> Keys.purgeUser(entry.key()).ifPresent(users::add));
        return users;
    }

    /** Purges one user; false when the deadline came first (the marker stays). */
    public boolean purge(String userId, Supplier<Instant> now, Instant deadline) {
        if (derivedBucket != null && !deleteAll(derivedBucket, Keys.mediaPrefix(userId), now, deadline)) {
            return false;
        }
        for (String[] target : List.of(new String[] {mediaBucket, Keys.mediaPrefix(userId)},
                new String[] {dataBucket, Keys.libraryPrefix(userId)},
                new String[] {dataBucket, Keys.sessionPrefix(userId)},
                new String[] {dataBucket, Keys.pendingPrefix(userId)},
                // Device and session budgets: deleted with the account, and again here for one a login that was
                // still running at the deletion wrote after it.
                new String[] {dataBucket, Keys.deviceThrottlePrefix(userId)})) {
            if (!deleteAll(target[0], target[1], now, deadline)) {
                return false;
            }
        }
        data.delete(Keys.index(userId));
        data.delete(Keys.purge(userId));
        StructuredLog.metric("AccountsPurged", 1, "Count");
        return true;
    }

    private boolean deleteAll(String bucket, String prefix, Supplier<Instant> now, Instant deadline) {
        Iterator<S3Object> objects = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(bucket).prefix(prefix).build()).contents().iterator();
        List<ObjectIdentifier> batch = new ArrayList<>(BATCH);
        while (objects.hasNext()) {
            batch.add(ObjectIdentifier.builder().key(objects.next().key()).build());
            if (batch.size() == BATCH) {
                delete(bucket, batch);
                if (!now.get().isBefore(deadline)) {
                    return false;
                }
            }
        }
        delete(bucket, batch);
        return true;
    }

    private void delete(String bucket, List<ObjectIdentifier> batch) {
        if (batch.isEmpty()) {
            return;
        }
        s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                .delete(Delete.builder().objects(List.copyOf(batch)).quiet(true).build()).build());
        batch.clear();
    }
}
