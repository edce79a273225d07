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
        Runnable centre = () -> {
            double w = dialog.getWidth();
            double h = dialog.getHeight();
            if (w > 0 && h > 0) {
                dialog.setX(at[0] + (at[2] - w) / 2);
                dialog.setY(at[1] + (at[3] - h) / 2);
            }
        };
        // Its size may be known only after glass has mapped it (under a window manager, the next pulse), and JavaFX's
        // own placement put it at the screen's corner over a maximised owner.
        dialog.setOnShown(chain(dialog.getOnShown(), () -> {
            centre.run();
            Platform.runLater(centre);
        }));
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
