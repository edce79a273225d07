package com.audmg.drive.desktop.ui;

import javafx.scene.control.Dialog;
import javafx.stage.Modality;
import javafx.stage.Window;

/** Dialog placement shared by every dialog of the app. */
final class Dialogs {

    private Dialogs() {
    }

    /**
     * Owned by the main window, modal to it only, and centred on it once its size is known. The owner's maximised
     * state is never touched: only the dialog's own position is set.
     */
    static void own(Dialog<?> dialog, Window owner) {
        // The app's stylesheet (error labels, focus rings) and the theme's dark marker in dialogs too.
        dialog.getDialogPane().getStylesheets().add(com.audmg.drive.desktop.DriveApp.stylesheet());
        Theme.mark(dialog.getDialogPane());
        if (owner == null) {
            return;
        }
        dialog.initOwner(owner);
        dialog.initModality(Modality.WINDOW_MODAL);
        dialog.setOnShown(chain(dialog.getOnShown(), () -> {
            double w = dialog.getWidth();
            double h = dialog.getHeight();
            if (w > 0 && h > 0) {
                dialog.setX(owner.getX() + (owner.getWidth() - w) / 2);
                dialog.setY(owner.getY() + (owner.getHeight() - h) / 2);
            }
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
