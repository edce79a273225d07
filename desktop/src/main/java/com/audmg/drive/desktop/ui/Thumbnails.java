package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.Progress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.image.Image;

/**
 * Tile images. The server's thumbnail ({@code thumbnailUrl}) is cached on disk (bounded, see ThumbnailCache); a file
 * without one yet is decoded downsized straight from its download URL and never stored. Decoded images are kept in
 * memory (LRU).
 */
final class Thumbnails {

    static final double SIZE = 150;
    /** Decoded thumbnails kept in memory: several screens' worth; the disk cache holds the rest. */
    private static final int MAX_IMAGES = 150;

    private final AppContext app;
    private final Map<String, Image> images = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Image> eldest) {
            return size() > MAX_IMAGES;
        }
    };

    Thumbnails(AppContext app) {
        this.app = app;
    }

    /** Cache key of one content of a file: a new version is a new thumbnail. */
    static String key(DriveFile f) {
        return f.id() + "-v" + f.version();
    }

    /** Delivers the image on the FX thread (maybe still loading: bind to its progress). */
    void load(DriveFile file, Consumer<Image> onImage) {
        String key = key(file);
        Image hit = images.get(key);
        if (hit != null && !hit.isError()) {
            onImage.accept(hit);
            return;
        }
        double scale = Math.max(1, javafx.stage.Screen.getPrimary().getOutputScaleX());
        DriveClient client = app.client();
        // Offline (or before sign-in): thumbnails on disk show, the others keep their placeholder.
        boolean online = client != null && client.isLoggedIn();
        if (file.hasThumbnail()) {
            app.thumbnails().get(key, (k, target) -> {
                if (!online) {
                    throw new com.audmg.drive.desktop.api.ApiException(0, "offline", "not cached, and offline");
                }
                // A file from the library cache carries the URL it was synced with: expired, ask for a fresh one.
                String url = file.thumbnailUrl();
                if (com.audmg.drive.desktop.api.SignedUrl.isExpired(url, java.time.Instant.now())) {
                    url = client.getFile(file.id()).file().thumbnailUrl();
                    if (url == null) {
                        throw new com.audmg.drive.desktop.api.ApiException(404, "no_thumbnail", "no thumbnail");
                    }
                }
                try {
                    client.downloadUrl(URI.create(url), -1, target, Progress.NONE, new Cancellation());
                } catch (com.audmg.drive.desktop.api.ApiException expired) {
                    // Signed URLs are short-lived: ask for a fresh one once.
                    DriveFile fresh = client.getFile(file.id()).file();
                    if (!fresh.hasThumbnail()) {
                        throw expired;
                    }
                    client.downloadUrl(URI.create(fresh.thumbnailUrl()), -1, target, Progress.NONE,
                            new Cancellation());
                }
            }).whenComplete((path, error) -> Platform.runLater(() -> {
                if (error == null) {
                    deliver(key, path.toUri().toString(), scale, onImage);
                }
            }));
            return;
        }
        if (!online) {
            // The row may be older than the thumbnail on disk (synced before processing finished).
            app.thumbnails().cached(key).ifPresent(path -> deliver(key, path.toUri().toString(), scale, onImage));
            return;
        }
        // No server thumbnail (yet): decode the original downsized while loading; nothing goes to disk.
        Fx.background(app.io(), () -> client.getFile(file.id()).download().url(),
                url -> deliver(key, url, scale, onImage), error -> { });
    }

    /**
     * The cover art of an audio file, loading in the background, kept with the thumbnails: a tile scrolled out of view
     * and back shows it again without another request.
     */
    Image cover(DriveFile file) {
        String key = "cover-" + key(file);
        Image hit = images.get(key);
        if (hit == null || hit.isError()) {
            hit = new Image(file.media().coverUrl(), SIZE, SIZE, true, true, true);
            images.put(key, hit);
        }
        return hit;
    }

    private void deliver(String key, String url, double scale, Consumer<Image> onImage) {
        Image img = new Image(url, SIZE * scale, SIZE * scale, true, true, true);
        images.put(key, img);
        onImage.accept(img);
    }

    void forget(DriveFile f) {
        images.remove(key(f));
        app.thumbnails().evict(key(f));
    }
}
