package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.UploadQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * Uploads: adds files and folders (folders recursively, hidden files and folders skipped) to the queue, which sends
 * two at a time; tells the library about each uploaded file.
 */
public final class UploadsModel implements AutoCloseable {

    private final UploadQueue queue;
    private final ReadOnlyBooleanWrapper panelWanted = new ReadOnlyBooleanWrapper(this, "panelWanted");

    public UploadsModel(UploadQueue queue, Background background, Consumer<DriveFile> onUploaded) {
        this.queue = queue;
        queue.addListener(new UploadQueue.Listener() {
            @Override
            public void changed(com.audmg.drive.desktop.api.UploadJob job) {
            }

            @Override
            public void uploaded(DriveFile file) {
                background.ui().execute(() -> onUploaded.accept(file));
            }
        });
    }

    public UploadQueue queue() {
        return queue;
    }

    /** True once something was added: the view shows the queue. */
    public ReadOnlyBooleanProperty panelWantedProperty() {
        return panelWanted.getReadOnlyProperty();
    }

    /** Adds files, and the files inside folders (recursively); returns the files added. */
    public List<Path> add(Collection<Path> filesOrFolders) {
        List<Path> files = expand(filesOrFolders);
        if (!files.isEmpty()) {
            panelWanted.set(false);
            panelWanted.set(true);
            files.forEach(queue::add);
        }
        return files;
    }

    /** Files in the given order; a folder's files sorted by path; hidden entries in folders left out. */
    public static List<Path> expand(Collection<Path> filesOrFolders) {
        List<Path> out = new ArrayList<>();
        for (Path p : filesOrFolders) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !isHiddenBelow(p, f))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(out::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    out.add(p); // the queue reports it as unreadable on its own row
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean isHiddenBelow(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        queue.close();
    }
}
