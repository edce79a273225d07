package com.audmg.drive.local.s3;

import com.audmg.drive.local.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.CreateContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.domain.Location;
import org.jclouds.io.Payload;

/**
 * Makes the files that jclouds' filesystem store writes for s3proxy owner-only (0600, folders 0700) as soon
 * as each write returns: jclouds creates them with the process umask (0644/0755) and Java has no way to
 * change that umask. Where the store keeps what: {@link StoreFiles}.
 */
final class PrivateFilesBlobStore extends org.jclouds.blobstore.util.ForwardingBlobStore {
    private final StoreFiles files;

    PrivateFilesBlobStore(BlobStore delegate, StoreFiles files) {
        super(delegate);
        this.files = files;
    }

    @Override
    public boolean createContainerInLocation(Location location, String container) {
        boolean created = super.createContainerInLocation(location, container);
        privateKey(container, null);
        return created;
    }

    @Override
    public boolean createContainerInLocation(Location location, String container, CreateContainerOptions options) {
        boolean created = super.createContainerInLocation(location, container, options);
        privateKey(container, null);
        return created;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String etag = super.putBlob(container, blob);
        privateKey(container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String etag = super.putBlob(container, blob, options);
        privateKey(container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
                           CopyOptions options) {
        String etag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        privateKey(toContainer, toName);
        return etag;
    }

    @Override
    public MultipartUpload initiateMultipartUpload(String container, BlobMetadata blob, PutOptions options) {
        MultipartUpload upload = super.initiateMultipartUpload(container, blob, options);
        privateMultipartFiles(container);
        return upload;
    }

    @Override
    public MultipartPart uploadMultipartPart(MultipartUpload mpu, int partNumber, Payload payload) {
        MultipartPart part = super.uploadMultipartPart(mpu, partNumber, payload);
        privateMultipartFiles(mpu.containerName());
        return part;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String etag = super.completeMultipartUpload(mpu, parts);
        privateKey(mpu.containerName(), mpu.blobName());
        return etag;
    }

    /** The container folder, or a key's file and the folders its slashes made, up to the container. */
    private void privateKey(String container, String key) {
        Path containerDir = files.container(container);
        if (containerDir == null) {
            return;
        }
        try {
            if (key == null) {
                PrivateFiles.makePrivateIfPresent(containerDir);
                return;
            }
            Path file = files.key(container, key);
            for (Path p = file; p != null && !p.equals(containerDir); p = p.getParent()) {
                PrivateFiles.makePrivateIfPresent(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + container + "/" + key + " private", e);
        }
    }

    private void privateMultipartFiles(String container) {
        Path containerDir = files.container(container);
        if (containerDir == null) {
            return;
        }
        try {
            PrivateFiles.makeEntriesPrivate(containerDir, StoreFiles.MULTIPART_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the multipart files of " + container + " private", e);
        }
    }
}
