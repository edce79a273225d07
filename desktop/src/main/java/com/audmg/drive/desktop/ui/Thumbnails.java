package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.image.Image;

/** Decoded thumbnails in memory (LRU) on top of the on-disk cache; everything loads in the background. */
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

    /** Delivers the image on the FX thread (maybe still loading: bind to its progress). */
    void load(DriveFile file, Consumer<Image> onImage) {
        Image hit = images.get(file.id());
        if (hit != null && !hit.isError()) {
            onImage.accept(hit);
            return;
        }
        app.thumbnails().get(file.id()).whenComplete((path, error) -> Platform.runLater(() -> {
            if (error != null) {
                return;
            }
            double scale = Math.max(1, javafx.stage.Screen.getPrimary().getOutputScaleX());
            Image img = new Image(path.toUri().toString(), SIZE * scale, SIZE * scale, true, true, true);
            images.put(file.id(), img);
            onImage.accept(img);
        }));
    }

    void forget(String id) {
        images.remove(id);
        app.thumbnails().evict(id);
    }
}
