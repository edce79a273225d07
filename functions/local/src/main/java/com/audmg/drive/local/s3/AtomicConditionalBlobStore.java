package com.audmg.drive.local.s3;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;

/**
 * Makes s3proxy's conditional PUTs ({@code If-Match}, {@code If-None-Match: *}) atomic, as they are
 * in S3. s3proxy checks the condition with {@link #blobMetadata} and then calls {@link #putBlob} on
 * the same thread, with nothing in between: two compare-and-swap writers could both pass the check
 * and one update would be lost. Here every write to a key is serialized, and a write that follows a
 * metadata check of the same key on the same thread re-checks, under the key's lock, that the ETag
 * it saw is still current, answering 412 Precondition Failed otherwise.
 *
 * <p>It also keeps a PUT and a DELETE in the same folder apart: the filesystem store removes a
 * folder that a DELETE left empty, and a PUT that had just created that folder for its temporary
 * file then fails (a 500; measured about 1 in 1,900 PUTs racing deletes in one folder). PUTs into
 * a folder share its lock, a DELETE takes it alone.
 */
final class AtomicConditionalBlobStore extends ForwardingBlobStore {
    /** A check older than this belongs to an earlier request on the same pooled thread. */
    private static final long CHECK_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Observed(String container, String name, String etag, long atNanos) {
    }

    /** Objects up to this size are read whole under their key's lock (documents; media is never rewritten). */
    static final long SNAPSHOT_LIMIT = 4L << 20;

    private final ThreadLocal<Observed> lastCheck = new ThreadLocal<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReadWriteLock[] folders = new java.util.concurrent.locks.ReadWriteLock[64];

    {
        for (int i = 0; i < folders.length; i++) {
            folders[i] = new java.util.concurrent.locks.ReentrantReadWriteLock();
        }
    }

    AtomicConditionalBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        BlobMetadata meta = super.blobMetadata(container, name);
        lastCheck.set(new Observed(container, name, meta == null ? null : meta.getETag(), System.nanoTime()));
        return meta;
    }

    @Override
    public Blob getBlob(String container, String name) {
        return snapshot(container, name, null);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        return snapshot(container, name, options);
    }

    private Blob snapshot(String container, String name, GetOptions options) {
        synchronized (lock(container, name)) {
            Blob blob = options == null ? super.getBlob(container, name) : super.getBlob(container, name, options);
            if (blob == null || blob.getPayload() == null) {
                return blob;
            }
            Long length = blob.getPayload().getContentMetadata().getContentLength();
            if (length == null || length > SNAPSHOT_LIMIT) {
                return blob;
            }
            byte[] bytes;
            try (java.io.InputStream in = blob.getPayload().openStream()) {
                bytes = in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + container + "/" + name, e);
            }
            Payload whole = Payloads.newByteArrayPayload(bytes);
            whole.setContentMetadata(blob.getPayload().getContentMetadata());
            blob.setPayload(whole);
            return blob;
        }
    }

    @Override
    public String putBlob(String container, Blob blob) {
        return guardedPut(container, blob, null);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        return guardedPut(container, blob, options);
    }

    @Override
    public void removeBlob(String container, String name) {
        lastCheck.remove();
        java.util.concurrent.locks.Lock folder = folder(container, name).writeLock();
        folder.lock();
        try {
            synchronized (lock(container, name)) {
                super.removeBlob(container, name);
            }
        } finally {
            folder.unlock();
        }
    }

    private String guardedPut(String container, Blob blob, PutOptions options) {
        String name = blob.getMetadata().getName();
        Observed check = lastCheck.get();
        lastCheck.remove();
        java.util.concurrent.locks.Lock folder = folder(container, name).readLock();
        folder.lock();
        try {
            return lockedPut(container, blob, options, name, check);
        } finally {
            folder.unlock();
        }
    }

    private String lockedPut(String container, Blob blob, PutOptions options, String name, Observed check) {
        synchronized (lock(container, name)) {
            if (check != null && check.container.equals(container) && check.name.equals(name)
                    && System.nanoTime() - check.atNanos < CHECK_WINDOW_NANOS) {
                BlobMetadata now = super.blobMetadata(container, name);
                String etag = now == null ? null : now.getETag();
                if (!Objects.equals(etag, check.etag)) {
                    throw new HttpResponseException("conditional write lost a race on " + container + "/" + name,
                            null, HttpResponse.builder().statusCode(412).message("Precondition Failed").build());
                }
            }
            return options == null ? super.putBlob(container, blob) : super.putBlob(container, blob, options);
        }
    }

    /** The lock of the folder a key's file lives in (striped: folders may share one). */
    private java.util.concurrent.locks.ReadWriteLock folder(String container, String name) {
        int slash = name.lastIndexOf('/');
        String folder = container + "/" + (slash < 0 ? "" : name.substring(0, slash));
        return folders[Math.floorMod(folder.hashCode(), folders.length)];
    }

    private Object lock(String container, String name) {
        // Interned per key; the map only grows with distinct keys written, fine for a local cloud.
        return locks.computeIfAbsent(container + "/" + name, k -> new Object());
    }
}
