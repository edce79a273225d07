package com.audmg.drive.desktop.ui;

import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.event.Event;
import javafx.event.EventHandler;
import javafx.scene.control.Dialog;
import javafx.scene.input.InputEvent;
import javafx.stage.Modality;
import javafx.stage.Window;

/** Dialog placement shared by every dialog of the app. */
final class Dialogs {

    /** How far a window manager may shift a window it places (its frame), in pixels. */
    private static final double NUDGE = 48;
    /** How long after showing a dialog's placement by the window manager is corrected. */
    private static final long SETTLE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2000);

    private Dialogs() {
    }

    /**
     * Owned by the main window, modal to it only, and centred on it once its size is known. The owner keeps its size
     * and maximised state.
     */
    static void own(Dialog<?> dialog, Window owner) {
        // The app's stylesheet (error labels, focus rings) and the theme's dark marker in dialogs too.
        dialog.getDialogPane().getStylesheets().add(com.audmg.drive.desktop.DriveApp.stylesheet());
        Theme.mark(dialog.getDialogPane());
        if (owner == null) {
            return;
        }
        dialog.initOwner(owner);
        // Modal to the owner by hand: JavaFX 21's GTK glass makes a window behind a WINDOW_MODAL dialog non-resizable
        // (minimum = maximum size), and the window manager then un-maximises it for good (WindowManagerTest). So the
        // dialog is owned (on top of the owner) but not modal to glass, and the owner's scene ignores input while it
        // shows; clicking the owner brings the dialog back to the front.
        dialog.initModality(Modality.NONE);
        EventHandler<InputEvent> block = Event::consume;
        ChangeListener<Boolean> refocus = (o, was, focused) -> {
            if (focused && dialog.isShowing()) {
                Platform.runLater(() -> dialog.getDialogPane().getScene().getWindow().requestFocus());
            }
        };
        double[] at = new double[4];
        dialog.setOnShowing(chain(dialog.getOnShowing(), () -> {
            at[0] = owner.getX();
            at[1] = owner.getY();
            at[2] = owner.getWidth();
            at[3] = owner.getHeight();
            owner.getScene().addEventFilter(InputEvent.ANY, block);
            owner.focusedProperty().addListener(refocus);
        }));
        dialog.setOnHidden(chain(dialog.getOnHidden(), () -> {
            owner.getScene().removeEventFilter(InputEvent.ANY, block);
            owner.focusedProperty().removeListener(refocus);
        }));
        // Where centring last put it; NaN until then.
        double[] placed = {Double.NaN, Double.NaN};
        Runnable centre = () -> {
            double w = dialog.getWidth();
            double h = dialog.getHeight();
            if (w > 0 && h > 0) {
                placed[0] = at[0] + (at[2] - w) / 2;
                placed[1] = at[1] + (at[3] - h) / 2;
                dialog.setX(placed[0]);
                dialog.setY(placed[1]);
            }
        };
        // Its size may be known only after glass has mapped it (under a window manager, the next pulse), and JavaFX's
        // own placement put it at the screen's corner over a maximised owner.
        long[] shownAt = {0};
        dialog.setOnShown(chain(dialog.getOnShown(), () -> {
            shownAt[0] = System.nanoTime();
            centre.run();
            Platform.runLater(centre);
        }));
        // The window manager may place it after that, from the size it had when it was mapped (openbox centres a
        // dialog on its owner: a first layout at about 200 x 220 px left a 580 x 370 dialog 189,75 px off centre,
        // under load), and its final size may come later still. So for a while after it shows, a move away from
        // where centring put it is undone, and for as long as it sits there (give or take the window manager's
        // frame) a new size is centred again. A dialog the user moved stays where it was put.
        ChangeListener<Number> resized = (o, was, now) -> {
            if (dialog.isShowing() && !Double.isNaN(placed[0])
                    && (settling(shownAt[0]) || wherePut(dialog, placed))) {
                centre.run();
            }
        };
        ChangeListener<Number> moved = (o, was, now) -> {
            if (dialog.isShowing() && !Double.isNaN(placed[0]) && settling(shownAt[0]) && !wherePut(dialog, placed)) {
                centre.run();
            }
        };
        dialog.widthProperty().addListener(resized);
        dialog.heightProperty().addListener(resized);
        dialog.xProperty().addListener(moved);
        dialog.yProperty().addListener(moved);
    }

    /** Within the time a window manager takes to place a dialog it was just asked to map (a loaded machine). */
    private static boolean settling(long shownAtNanos) {
        return shownAtNanos != 0 && System.nanoTime() - shownAtNanos < SETTLE_NANOS;
    }

    private static boolean wherePut(Dialog<?> dialog, double[] placed) {
        return Math.abs(dialog.getX() - placed[0]) <= NUDGE && Math.abs(dialog.getY() - placed[1]) <= NUDGE;
    }

    private static javafx.event.EventHandler<javafx.scene.control.DialogEvent> chain(
            javafx.event.EventHandler<javafx.scene.control.DialogEvent> first, Runnable then) {
        return e -> {
            if (first != null) {
                first.handle(e);
            }
            then.run();
        };
    }
}
