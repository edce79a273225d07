package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.Waveform;
import com.audmg.drive.desktop.model.PlayerModel;
import com.audmg.drive.desktop.model.UploadsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.MenuItem;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The drive view's wiring of the player's queue and the uploads' resume, kept out of {@code DriveView} so that it
 * stays small: the file menu's "Play next" / "Add to queue", the waveform loader, resuming uploads at start.
 */
final class PlayerExtras {

    private PlayerExtras() {
    }

    /** "Play next" and "Add to queue" for the audio files among {@code targets} (none when there are none). */
    static List<MenuItem> queueItems(List<DriveFile> targets, PlayerModel player) {
        List<DriveFile> audio = targets.stream().filter(DriveFile::isAudio).toList();
        if (audio.isEmpty()) {
            return List.of();
        }
        MenuItem next = new MenuItem("Play next", new FontIcon(Feather.CORNER_DOWN_RIGHT));
        next.setId("menuPlayNext");
        next.setOnAction(e -> {
            // Each one right after the current track: in reverse, so that they play in the order selected.
            List<DriveFile> reversed = new ArrayList<>(audio);
            java.util.Collections.reverse(reversed);
            reversed.forEach(player::playNext);
        });
        MenuItem add = new MenuItem("Add to queue", new FontIcon(Feather.PLUS));
        add.setId("menuAddToQueue");
        add.setOnAction(e -> audio.forEach(player::addToQueue));
        return List.of(next, add);
    }

    /** Loads a track's waveform with a fresh signed URL (the listing's may have expired). */
    static Function<DriveFile, CompletableFuture<Waveform>> waveformLoader(AppContext app) {
        return file -> app.background().run(() -> {
            DriveFile fresh = app.client().getFile(file.id()).file();
            if (fresh.media() == null || fresh.media().waveformUrl() == null) {
                return null;
            }
            return app.client().waveform(fresh.media().waveformUrl());
        }, w -> w).exceptionally(error -> null); // no waveform: the plain seek bar stays
    }

    /** Once the library has loaded (busy went false), queues again the uploads the app left unfinished. */
    static void resumeUploadsOnceLoaded(ObservableBooleanValue busy, UploadsModel uploads, Notifier notifier) {
        ChangeListener<Boolean> listener = new ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean now) {
                if (!now) {
                    busy.removeListener(this);
                    resume(uploads, notifier);
                }
            }
        };
        busy.addListener(listener);
    }

    private static void resume(UploadsModel uploads, Notifier notifier) {
        UploadsModel.Resumed r = uploads.resume();
        if (!r.queued().isEmpty()) {
            notifier.info("Resuming " + r.queued().size() + (r.queued().size() == 1 ? " upload" : " uploads")
                    + " left unfinished when the app closed (each starts again from its beginning).");
        }
        for (String skipped : r.skipped()) {
            notifier.info(skipped);
        }
    }
}
