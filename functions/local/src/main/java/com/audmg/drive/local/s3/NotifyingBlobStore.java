package com.audmg.drive.local.s3;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * Reports each object written, copied, assembled from parts or removed to a listener (S3 event notifications),
 * after the store beneath has done it: the outermost wrapper of the embedded S3's chain, so that a write that
 * fails (a conditional write's 412, a full disk) reports nothing. Every path by which s3proxy writes goes
 * through here: PUT (also presigned), POST, copy, CompleteMultipartUpload, DELETE and batch delete.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {
    /** S3's sequencers are hex strings that grow for one key; one counter for all keys does that. */
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    private volatile Consumer<ObjectEvent> listener;

    NotifyingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void listener(Consumer<ObjectEvent> listener) {
        this.listener = listener;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String etag = super.putBlob(container, blob);
        created(container, blob.getMetadata().getName(), "ObjectCreated:Put", etag);
        return etag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String etag = super.putBlob(container, blob, options);
        created(container, blob.getMetadata().getName(), "ObjectCreated:Put", etag);
        return etag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
                           CopyOptions options) {
        String etag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        created(toContainer, toName, "ObjectCreated:Copy", etag);
        return etag;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String etag = super.completeMultipartUpload(mpu, parts);
        created(mpu.containerName(), mpu.blobName(), "ObjectCreated:CompleteMultipartUpload", etag);
        return etag;
    }

    @Override
    public void removeBlob(String container, String name) {
        boolean existed = listener != null && super.blobExists(container, name);
        super.removeBlob(container, name);
        if (existed) {
            report(new ObjectEvent(container, name, "ObjectRemoved:Delete", null, null, next(), Instant.now()));
        }
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        List<String> existed = new java.util.ArrayList<>();
        if (listener != null) {
            for (String name : names) {
                if (super.blobExists(container, name)) {
                    existed.add(name);
                }
            }
        }
        super.removeBlobs(container, names);
        for (String name : existed) {
            report(new ObjectEvent(container, name, "ObjectRemoved:Delete", null, null, next(), Instant.now()));
        }
    }

    private void created(String container, String name, String eventName, String etag) {
        if (listener == null) {
            return;
        }
        Long size = null;
        String tag = etag;
        try {
            BlobMetadata metadata = super.blobMetadata(container, name);
            if (metadata != null) {
                size = metadata.getSize();
                if (metadata.getETag() != null) {
                    tag = metadata.getETag();
                }
            }
        } catch (RuntimeException e) {
            // Removed again already: report what the write returned.
        }
        if (tag != null && tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        report(new ObjectEvent(container, name, eventName, size, tag, next(), Instant.now()));
    }

    private static String next() {
        return String.format("%018X", SEQUENCE.incrementAndGet());
    }

    private void report(ObjectEvent event) {
        Consumer<ObjectEvent> l = listener;
        if (l != null) {
            l.accept(event);
        }
    }
}
