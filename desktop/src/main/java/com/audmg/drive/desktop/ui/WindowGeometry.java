package com.audmg.drive.desktop.ui;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * Keeps a window's size and maximised state through the moments JavaFX 21's GTK glass loses them under a window manager
 * (openbox, see WindowManagerTest): right after the window maps, glass reports a size of 200 x 200 (which the minimum
 * size then turns into 760 x 520), and when a modal dialog opens the main window is un-maximised and shrunk the same
 * way. For a short while after {@link #hold} those changes are undone: a maximised window that loses its maximised
 * state is maximised again, one shrunk to 200 x 200 or to its minimum size gets its size back. Anything else (the
 * user maximising or resizing) is left alone.
 */
public final class WindowGeometry {

    /** Long enough for the window manager's configure events to arrive on a busy machine. */
    static final Duration HOLD = Duration.millis(1500);

    private WindowGeometry() {
    }

    /** Holds {@code stage}'s current size and maximised state for {@link #HOLD}. */
    public static void hold(Stage stage) {
        boolean maximized = stage.isMaximized();
        double w = stage.getWidth();
        double h = stage.getHeight();
        if (!maximized && (Double.isNaN(w) || Double.isNaN(h) || w <= 0 || h <= 0)) {
            return;
        }
        boolean[] queued = {false};
        InvalidationListener guard = o -> {
            if (queued[0]) {
                return;
            }
            queued[0] = true;
            Platform.runLater(() -> {
                queued[0] = false;
                if (maximized && !stage.isMaximized()) {
                    stage.setMaximized(true);
                } else if (!maximized && !stage.isMaximized() && shrunk(stage) && (stage.getWidth() != w
                        || stage.getHeight() != h)) {
                    stage.setWidth(w);
                    stage.setHeight(h);
                }
            });
        };
        stage.widthProperty().addListener(guard);
        stage.heightProperty().addListener(guard);
        stage.maximizedProperty().addListener(guard);
        PauseTransition end = new PauseTransition(HOLD);
        end.setOnFinished(e -> {
            stage.widthProperty().removeListener(guard);
            stage.heightProperty().removeListener(guard);
            stage.maximizedProperty().removeListener(guard);
        });
        end.play();
    }

    /**
     * At glass's 200 x 200 or at the minimum size it turns that into: what the glitch leaves. A window the user
     * maximised or resized to anything else within the hold is left as it is.
     */
    private static boolean shrunk(Stage stage) {
        return stage.getWidth() <= Math.max(200, stage.getMinWidth()) + 2
                || stage.getHeight() <= Math.max(200, stage.getMinHeight()) + 2;
    }
}
