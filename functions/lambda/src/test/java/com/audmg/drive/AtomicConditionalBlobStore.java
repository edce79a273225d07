package com.audmg.drive;

import org.gaul.s3proxy.PutOptions2;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * Makes s3proxy's conditional PUTs atomic, as they are on AWS S3. s3proxy 3.0.0 checks
 * {@code If-Match} / {@code If-None-Match} and then writes, without a lock, so two concurrent
 * writers can both pass the check (seen: 11 of 12 racing uploads accepted against a quota of 10).
 * Here the check is repeated under a lock together with the write; a failed check surfaces
 * as s3proxy's own 412 PreconditionFailed.
 */
final class AtomicConditionalBlobStore extends ForwardingBlobStore {

    private final Object lock = new Object();

    AtomicConditionalBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public String putBlob(String container, Blob blob) {
        synchronized (lock) {
            return super.putBlob(container, blob);
        }
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        synchronized (lock) {
            if (options instanceof PutOptions2 conditions) {
                BlobMetadata current = super.blobMetadata(container, blob.getMetadata().getName());
                String ifNoneMatch = conditions.getIfNoneMatch();
                String ifMatch = conditions.getIfMatch();
                if (ifNoneMatch != null && current != null
                        && (ifNoneMatch.equals("*") || unquote(ifNoneMatch).equals(unquote(current.getETag())))) {
                    throw new IllegalStateException("PreconditionFailed: object exists");
                }
                if (ifMatch != null && (current == null
                        || !ifMatch.equals("*") && !unquote(ifMatch).equals(unquote(current.getETag())))) {
                    throw new IllegalStateException("PreconditionFailed: ETag changed");
                }
            }
            return super.putBlob(container, blob, options);
        }
    }

    @Override
    public void removeBlob(String container, String name) {
        synchronized (lock) {
            super.removeBlob(container, name);
        }
    }

    private static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }
}
