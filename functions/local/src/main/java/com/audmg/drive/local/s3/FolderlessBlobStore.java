package com.audmg.drive.local.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * S3 has no folders; jclouds' filesystem store keeps a key's slashes as folders on disk and shows each folder as an
 * object of its own ({@code a/b/}, 4,096 bytes, {@code application/x-directory}): in every listing without a
 * delimiter, to HEAD and to GET. Clients that mirror a bucket then fail ({@code aws s3 sync} down writes the file
 * {@code a/} and cannot make the folder {@code a/} beside it) and {@code aws s3 rm --recursive} deletes them as if
 * they were objects. This store hides them as S3 would: listings hold objects only, a delimited listing names a
 * folder as a common prefix only when an object is under it, and a folder's key is no object (404).
 */
final class FolderlessBlobStore extends ForwardingBlobStore {
    private final StoreFiles files;

    FolderlessBlobStore(BlobStore delegate, StoreFiles files) {
        super(delegate);
        this.files = files;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        PageSet<? extends StorageMetadata> page = super.list(container, options);
        // s3proxy lists recursively unless the client gave a delimiter; then a folder is a common prefix
        boolean delimited = options != null && !options.isRecursive();
        List<StorageMetadata> kept = new ArrayList<>(page.size());
        for (StorageMetadata entry : page) {
            Path path = files.key(container, entry.getName());
            if (path == null || !Files.isDirectory(path) || delimited && holdsAnObject(path)) {
                kept.add(entry);
            }
        }
        return kept.size() == page.size() ? page : new PageSetImpl<>(kept, page.getNextMarker());
    }

    @Override
    public boolean blobExists(String container, String name) {
        return !isFolder(container, name) && super.blobExists(container, name);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        return isFolder(container, name) ? null : super.blobMetadata(container, name);
    }

    @Override
    public Blob getBlob(String container, String name) {
        return isFolder(container, name) ? null : super.getBlob(container, name);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        return isFolder(container, name) ? null : super.getBlob(container, name, options);
    }

    private boolean isFolder(String container, String name) {
        Path path = files.key(container, name);
        return path != null && Files.isDirectory(path);
    }

    private static boolean holdsAnObject(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.anyMatch(p -> Files.isRegularFile(p)
                    && !p.getFileName().toString().startsWith(StoreFiles.MULTIPART_PREFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
    }
}
