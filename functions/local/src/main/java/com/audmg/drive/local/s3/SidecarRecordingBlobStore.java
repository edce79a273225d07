package com.audmg.drive.local.s3;

import java.util.List;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/** Records each written object's metadata in a sidecar file, and forgets deleted ones ({@link SidecarMetadata}). */
final class SidecarRecordingBlobStore extends ForwardingBlobStore {
    private final SidecarMetadata sidecars;

    SidecarRecordingBlobStore(BlobStore delegate, SidecarMetadata sidecars) {
        super(delegate);
        this.sidecars = sidecars;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String etag = super.putBlob(container, blob);
        sidecars.record(container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String etag = super.putBlob(container, blob, options);
        sidecars.record(container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
                           CopyOptions options) {
        String etag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        sidecars.record(toContainer, toName);
        return etag;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String etag = super.completeMultipartUpload(mpu, parts);
        sidecars.record(mpu.containerName(), mpu.blobName());
        return etag;
    }

    @Override
    public void removeBlob(String container, String name) {
        super.removeBlob(container, name);
        sidecars.forget(container, name);
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        super.removeBlobs(container, names);
        for (String name : names) {
            sidecars.forget(container, name);
        }
    }

    @Override
    public void clearContainer(String container) {
        super.clearContainer(container);
        sidecars.forgetContainer(container);
    }

    @Override
    public void clearContainer(String container, ListContainerOptions options) {
        super.clearContainer(container, options);
        // Only part of the container may be gone: the next start removes the records of what is.
    }

    @Override
    public void deleteContainer(String container) {
        super.deleteContainer(container);
        sidecars.forgetContainer(container);
    }
}
