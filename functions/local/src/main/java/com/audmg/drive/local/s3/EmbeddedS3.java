package com.audmg.drive.local.s3;

import com.audmg.drive.local.PrivateFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * s3proxy over a filesystem folder, SigV4 enforced with generated credentials that persist in the
 * data folder, listening on 127.0.0.1 only.
 */
public final class EmbeddedS3 implements AutoCloseable {
    /** Large enough for multi-GB presigned PUTs, which are never chunk-signed. */
    private static final long MAX_NON_CHUNKED_BYTES = 6L * 1024 * 1024 * 1024;
    private static final long MAX_SINGLE_PART_BYTES = 5L * 1024 * 1024 * 1024;

    private final BlobStoreContext context;
    private final BlobStore store;
    private final NotifyingBlobStore notifier;
    private final S3Proxy proxy;
    private final S3Settings settings;
    private final String repairReport;
    private final SidecarMetadata sidecars;

    private EmbeddedS3(BlobStoreContext context, NotifyingBlobStore store, S3Proxy proxy, S3Settings settings,
                       String repairReport, SidecarMetadata sidecars) {
        this.sidecars = sidecars;
        this.notifier = store;
        this.repairReport = repairReport;
        this.context = context;
        this.store = store;
        this.proxy = proxy;
        this.settings = settings;
    }

    /** Starts s3proxy storing under {@code storageDir}, with credentials kept in {@code credentialsFile}. */
    public static EmbeddedS3 start(Path storageDir, Path credentialsFile, int port, Collection<String> buckets)
            throws Exception {
        EmbeddedS3 s3 = start(storageDir, credentialsFile, port);
        try {
            s3.createBuckets(buckets);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        return s3;
    }

    /**
     * Starts s3proxy without creating buckets, so that a caller can start it before it knows them (the
     * local cloud starts it while it reads serverless.yml) and then call {@link #createBuckets}.
     */
    public static EmbeddedS3 start(Path storageDir, Path credentialsFile, int port) throws Exception {
        PrivateFiles.createDirectories(storageDir);
        Properties creds = credentials(credentialsFile);
        StoreFiles files = new StoreFiles(storageDir);
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", files.base().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .overrides(overrides)
                .buildView(BlobStoreContext.class);
        try {
            // Sidecar records beside the store (not in it, where they would be objects): a copy of the data
            // folder without extended attributes gets them back here, before anything is served.
            SidecarMetadata sidecars = new SidecarMetadata(storageDir, storageDir.resolveSibling(
                    storageDir.getFileName() + "-metadata"));
            SidecarMetadata.Report repair = sidecars.reconcile();
            // Outermost: object events are reported once everything beneath has written (or removed) the object.
            NotifyingBlobStore store = new NotifyingBlobStore(new AtomicConditionalBlobStore(
                    new SidecarRecordingBlobStore(new PrivateFilesBlobStore(new FolderlessBlobStore(
                            context.getBlobStore(), files), files), sidecars)));
            String id = creds.getProperty("accessKeyId");
            String secret = creds.getProperty("secretAccessKey");
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, id, secret)
                    .ignoreUnknownHeaders(true)
                    .v4MaxNonChunkedRequestSize(MAX_NON_CHUNKED_BYTES)
                    .maxSinglePartObjectSize(MAX_SINGLE_PART_BYTES)
                    .build();
            SignedHeadersGuard.install(proxy);
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
                Thread.sleep(5);
            }
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            return new EmbeddedS3(context, store, proxy, new S3Settings(endpoint, id, secret), repair.describe(),
                    sidecars);
        } catch (Exception e) {
            context.close();
            throw e;
        }
    }

    /** Creates the buckets that do not exist yet. */
    public void createBuckets(Collection<String> buckets) {
        for (String bucket : buckets) {
            if (!store.containerExists(bucket)) {
                store.createContainerInLocation(null, bucket);
            }
        }
    }

    private static Properties credentials(Path file) {
        Properties creds = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    creds.load(in);
                }
            }
            if (creds.getProperty("accessKeyId") == null || creds.getProperty("secretAccessKey") == null) {
                SecureRandom random = new SecureRandom();
                byte[] id = new byte[8];
                byte[] secret = new byte[24];
                random.nextBytes(id);
                random.nextBytes(secret);
                creds.setProperty("accessKeyId", "LOCAL" + HexFormat.of().formatHex(id).toUpperCase(java.util.Locale.ROOT));
                creds.setProperty("secretAccessKey", HexFormat.of().formatHex(secret));
                java.io.StringWriter out = new java.io.StringWriter();
                creds.store(out, "Credentials of the embedded S3 (Audmg local cloud)");
                PrivateFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
        return creds;
    }

    /**
     * What the start repaired, one line, or empty: objects of a data folder copied without extended
     * attributes, which got their metadata back from the sidecar records.
     */
    public java.util.Optional<String> repairReport() {
        return java.util.Optional.ofNullable(repairReport);
    }

    /**
     * Receives every object created or removed from now on (S3 event notifications), on the thread of the
     * request that made the change, after the store has done it; it must not block for long.
     */
    public void onObjectEvent(java.util.function.Consumer<ObjectEvent> listener) {
        notifier.listener(listener);
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        boolean stopped = false;
        try {
            proxy.stop();
            stopped = true;
        } catch (Exception e) {
            // Stopping Jetty only fails when it is already stopped.
        } finally {
            context.close();
        }
        if (stopped) {
            try {
                sidecars.closedCleanly();
            } catch (java.io.IOException e) {
                // The next start then checks every sidecar, as after a crash.
            }
        }
    }
}
