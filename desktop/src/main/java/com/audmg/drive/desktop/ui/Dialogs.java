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
        dialog.setOnShown(chain(dialog.getOnShown(), () -> {
            centre.run();
            Platform.runLater(centre);
        }));
        // Its final size may come later still (a loaded machine: a first layout at about 200 x 220, then 580 x 370
        // seconds after): each new size is centred again, as long as the dialog is where centring put it (give or
        // take the window manager's frame). A dialog the user moved stays where it was put.
        ChangeListener<Number> resized = (o, was, now) -> {
            if (dialog.isShowing() && !Double.isNaN(placed[0]) && Math.abs(dialog.getX() - placed[0]) <= NUDGE
                    && Math.abs(dialog.getY() - placed[1]) <= NUDGE) {
                centre.run();
            }
        };
        dialog.widthProperty().addListener(resized);
        dialog.heightProperty().addListener(resized);
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
