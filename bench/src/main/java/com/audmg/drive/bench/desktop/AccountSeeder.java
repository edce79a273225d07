package com.audmg.drive.bench.desktop;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.Progress;
import com.audmg.drive.desktop.backend.EmbeddedBackend;
import com.audmg.drive.local.s3.S3Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Prepares an app data folder whose account lists many real image files: the local cloud runs in this process on
 * the app's folder layout, the account is created and one PNG uploaded through the API, then the index entry is
 * replicated and every replica gets its own PNG bytes in the media bucket. The result is checked by listing through
 * the API.
 */
final class AccountSeeder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGION = Pattern.compile("X-Amz-Credential=[^&]*?%2F\\d{8}%2F([a-z0-9-]+)%2Fs3");

    private final Path dataDir;
    private final PrintStream progress;

    AccountSeeder(Path dataDir, PrintStream progress) {
        this.dataDir = dataDir;
        this.progress = progress;
    }

    private interface Call {
        void run() throws Exception;
    }

    /**
     * Runs {@code call}, again (up to 6 times in all, 2 s apart) when the API answers 5xx: a cold function on a
     * machine at a load average of 40 ran past its timeout three times in a row.
     */
    private void retried(Call call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (com.audmg.drive.desktop.api.ApiException e) {
                if (e.status() < 500 || attempt == 6) {
                    throw e;
                }
                progress.println("      " + e.getMessage() + "; trying again");
                Thread.sleep(2000);
            }
        }
    }

    /** Creates the account with {@code total} image files; returns the count listed by the API afterwards. */
    int seed(String username, String password, int total) throws Exception {
        EmbeddedBackend backend = new EmbeddedBackend(dataDir);
        try {
            URI base = backend.start();
            DriveClient api = new DriveClient(base);
            // On a loaded machine the first calls may time out while the functions start: try them again.
            retried(() -> {
                try {
                    api.signUp(username, password);
                } catch (com.audmg.drive.desktop.api.ApiException e) {
                    if (e.status() != 409) { // taken: an earlier attempt got through
                        throw e;
                    }
                }
            });
            retried(() -> api.login(username, password));
            Path first = Files.createTempFile(dataDir, "seed-", ".png");
            Files.write(first, png(0));
            DriveFile real = api.upload(first, "image/png", Progress.NONE, new Cancellation());
            Files.delete(first);
            String userId = api.me().userId();
            URI download = URI.create(api.getFile(real.id()).download().url());
            try (S3Client s3 = s3Client(download)) {
                String mediaBucket = download.getPath().split("/")[1];
                String dataBucket = bucketHolding(s3, "library/" + userId + "/head.json");
                List<FileEntry> entries = writePreviousReleaseIndex(s3, dataBucket, userId, real, total);
                putImageBytes(s3, mediaBucket, userId, entries);
            }
            return api.listAll(FileQuery.all()).size();
        } finally {
            backend.close();
        }
    }

    record FileEntry(String id, byte[] bytes) {
    }

    /**
     * The one place that writes a backend storage format directly: creating 10,000 files through the API takes
     * many minutes, so the library is written in the previous release's layout, which the backend migrates on the
     * next request (as it does for a data folder of that release): one document {@code index/<userId>.json} with
     * {@code {"files": [{"id", "name", "contentType", "kind", "size", "createdAt", "status"}]}}, the one real
     * upload first (its bytes are at {@code <userId>/<fileId>} already), then {@code total - 1} replicas with new
     * ids, names, sizes and creation times. The library the real upload created is removed first (its head), so
     * that the index is what the backend reads.
     */
    private List<FileEntry> writePreviousReleaseIndex(S3Client s3, String dataBucket, String userId, DriveFile real,
                                                      int total) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("version", 1);
        ArrayNode files = doc.putArray("files");
        Instant newest = real.createdAt();
        List<FileEntry> entries = new ArrayList<>(total);
        java.util.Random random = new java.util.Random(total);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567"; // the previous release's ids
        for (int i = 0; i < total; i++) {
            ObjectNode f = files.addObject();
            String id = real.id();
            byte[] bytes = png(i);
            if (i > 0) {
                StringBuilder b = new StringBuilder(26);
                for (int c = 0; c < 26; c++) {
                    b.append(alphabet.charAt(random.nextInt(32)));
                }
                id = b.toString();
                entries.add(new FileEntry(id, bytes));
            }
            f.put("id", id);
            f.put("name", i == 0 ? real.name() : String.format(Locale.ROOT, "photo-%05d.png", i));
            f.put("contentType", "image/png");
            f.put("kind", "image");
            f.put("size", i == 0 ? real.size() : bytes.length);
            f.put("createdAt", newest.minusSeconds(i).toString());
            f.put("status", "ready");
        }
        byte[] json = JSON.writeValueAsBytes(doc);
        s3.deleteObject(d -> d.bucket(dataBucket).key("library/" + userId + "/head.json"));
        s3.putObject(p -> p.bucket(dataBucket).key("index/" + userId + ".json").contentType("application/json"),
                RequestBody.fromBytes(json));
        progress.printf(Locale.ROOT, "      index: %d entries, %d KB%n", total, json.length / 1024);
        return entries;
    }

    /** Real bytes for every replicated entry, under the media key the backend presigns ({@code <userId>/<fileId>}). */
    private void putImageBytes(S3Client s3, String mediaBucket, String userId, List<FileEntry> entries)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (FileEntry e : entries) {
                all.add(pool.submit(() -> {
                    s3.putObject(p -> p.bucket(mediaBucket).key(userId + "/" + e.id()).contentType("image/png"),
                            RequestBody.fromBytes(e.bytes()));
                    int n = done.incrementAndGet();
                    if (n % 2500 == 0) {
                        progress.printf(Locale.ROOT, "      image bytes: %d of %d%n", n, entries.size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String bucketHolding(S3Client s3, String key) {
        for (Bucket b : s3.listBuckets().buckets()) {
            try {
                s3.headObject(h -> h.bucket(b.name()).key(key));
                return b.name();
            } catch (S3Exception notHere) {
                // try the next bucket
            }
        }
        throw new IllegalStateException("no bucket of the embedded S3 holds " + key);
    }

    /** An SDK client for the embedded S3: endpoint and region from a presigned URL, keys from the data folder. */
    private S3Client s3Client(URI presigned) throws IOException {
        Matcher m = REGION.matcher(presigned.getRawQuery());
        String region = m.find() ? m.group(1) : "us-east-1";
        return S3Settings.read(URI.create(presigned.getScheme() + "://" + presigned.getRawAuthority()),
                dataDir.resolve("cloud").resolve("s3-credentials.properties")).client(region, Duration.ofMinutes(1));
    }

    /** A distinct 96x72 PNG per index: a gradient and a disc, so every thumbnail differs. */
    /**
     * Seeds the app's offline library directly (no server): {@code total} files in the cache of one account of the
     * built-in local cloud, written through the app's own {@link com.audmg.drive.desktop.library.LibraryStore}, with
     * that account remembered as signed in at the last close, and a thumbnail on disk for the newest
     * {@code thumbnails} of them (the screens a scroll reaches). 5% are audio with tags; dates taken spread over
     * ten years. Returns the user id.
     */
    static String seedCache(Path dataDir, int total, int thumbnails, PrintStream progress) throws Exception {
        String userId = "01jbenchcacheuser000000000";
        String server = "built-in local cloud"; // AppContext's name for the embedded backend
        Path libraryDir = dataDir.resolve("library");
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        List<com.audmg.drive.desktop.api.FeedPage.Change> changes = new ArrayList<>();
        try (var store = com.audmg.drive.desktop.library.LibraryStore.open(libraryDir, server, userId)) {
            store.clearStaging();
            for (int i = 0; i < total; i++) {
                String id = String.format(Locale.ROOT, "01jbenchfile%014d", i);
                Instant uploaded = now.minusSeconds(60L * i);
                Instant taken = i % 7 == 0 ? null : now.minusSeconds(3_600L * 24 * 3650 * i / total);
                boolean audio = i % 20 == 0;
                var media = audio
                        ? new com.audmg.drive.desktop.api.MediaInfo(null, null, null, null, null, 180_000L,
                        "Track " + i, "Artist " + (i % 50), "Album " + (i % 200), i % 12 + 1, 2000 + i % 26, "mp3",
                        44_100, 2, 192_000, null, null, null)
                        : new com.audmg.drive.desktop.api.MediaInfo(4032, 3024, taken, "Camera " + (i % 5), 1,
                        null, null, null, null, null, null, null, null, null, null, null, null, null);
                String thumb = "http://127.0.0.1:1/media/" + id + "?X-Amz-Date=20261128T120000Z&X-Amz-Expires=900";
                DriveFile f = new DriveFile(id, audio ? String.format(Locale.ROOT, "song-%06d.mp3", i)
                        : String.format(Locale.ROOT, "IMG_%06d.jpg", i), audio ? "audio/mpeg" : "image/jpeg",
                        audio ? "audio" : "image", 2_000_000 + i, uploaded, "ready", uploaded, null, 1, "done",
                        audio ? null : thumb, media);
                changes.add(com.audmg.drive.desktop.api.FeedPage.Change.upsert(f));
                if (changes.size() == 5000 || i == total - 1) {
                    store.stage(changes, "bench-cursor", now);
                    changes.clear();
                }
            }
            store.commitStaged(now);
            progress.printf(Locale.ROOT, "      cache: %,d files in %s%n", store.size(), store.file());
            // Thumbnails for the newest files in timeline order, as the app showed them before.
            var newest = store.load(java.util.Set.of("ready"));
            ExecutorService io = Executors.newFixedThreadPool(2);
            try {
                var cache = new com.audmg.drive.desktop.media.ThumbnailCache(dataDir.resolve("thumbnails"),
                        (k, t) -> { }, io);
                byte[] bytes = png(1);
                int n = 0;
                for (var row : newest) {
                    if (n == thumbnails) {
                        break;
                    }
                    if (!row.file().isImage()) {
                        continue;
                    }
                    String key = row.file().id() + "-v" + row.file().version();
                    cache.get(key, (k, target) -> Files.write(target, bytes)).get();
                    n++;
                }
            } finally {
                io.shutdownNow();
            }
        }
        var cache = new com.audmg.drive.desktop.library.LibraryCache(libraryDir, server);
        cache.remember(new com.audmg.drive.desktop.library.LibraryCache.Account(userId, "bench"));
        cache.close();
        return userId;
    }

    static byte[] png(int i) throws IOException {
        int w = 96;
        int h = 72;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.getHSBColor((i % 97) / 97f, 0.8f, 0.9f), w, h,
                Color.getHSBColor((i % 31) / 31f, 0.6f, 0.5f)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(255, 255, 255, 200));
        int d = 16 + i % 24;
        g.fillOval((i * 7) % (w - d), (i * 5) % (h - d), d, d);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
