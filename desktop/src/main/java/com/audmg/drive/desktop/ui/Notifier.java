package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.ApiException;
import javafx.animation.PauseTransition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** Toast notifications stacked in a corner of the window. */
public final class Notifier {

    public enum Kind { INFO, SUCCESS, ERROR }

    private final VBox box = new VBox(8);

    public Notifier() {
        box.setPickOnBounds(false);
        box.setAlignment(Pos.BOTTOM_RIGHT);
        box.setPadding(new Insets(16, 16, 84, 16));
        box.setMaxWidth(420);
        box.setId("notifications");
    }

    public VBox node() {
        return box;
    }

    public void info(String message) {
        show(Kind.INFO, message);
    }

    public void success(String message) {
        show(Kind.SUCCESS, message);
    }

    public void error(String what, Throwable error) {
        show(Kind.ERROR, what + ": " + describe(error));
    }

    public static String describe(Throwable error) {
        Throwable e = Fx.unwrap(error);
        if (e instanceof ApiException api) {
            return api.getMessage();
        }
        return com.audmg.drive.desktop.model.Messages.describe(e);
    }

    public void show(Kind kind, String message) {
        show(kind, message, null, null);
    }

    /** A notice with one action button (e.g. Undo), which closes the notice when pressed. */
    public void show(Kind kind, String message, String actionText, Runnable action) {
        Fx.later(() -> {
            Label text = new Label(message);
            text.setWrapText(true);
            text.setMaxWidth(340);
            FontIcon icon = new FontIcon(switch (kind) {
                case INFO -> Feather.INFO;
                case SUCCESS -> Feather.CHECK_CIRCLE;
                case ERROR -> Feather.ALERT_TRIANGLE;
            });
            Button close = new Button(null, new FontIcon(Feather.X));
            close.getStyleClass().addAll("flat", "small");
            HBox toast = new HBox(10, icon, text);
            if (actionText != null) {
                Button act = new Button(actionText);
                act.getStyleClass().addAll("flat", "small", "accent");
                act.setId("toastAction");
                act.setMinWidth(Button.USE_PREF_SIZE);
                act.setOnAction(e -> {
                    box.getChildren().remove(toast);
                    action.run();
                });
                toast.getChildren().add(act);
            }
            toast.getChildren().add(close);
            HBox.setHgrow(text, Priority.ALWAYS);
            toast.setAlignment(Pos.CENTER_LEFT);
            toast.getStyleClass().addAll("toast", "toast-" + kind.name().toLowerCase(java.util.Locale.ROOT));
            toast.setMaxWidth(400);
            close.setOnAction(e -> box.getChildren().remove(toast));
            box.getChildren().add(toast);
            while (box.getChildren().size() > 4) {
                box.getChildren().remove(0);
            }
            PauseTransition pause = new PauseTransition(Duration.seconds(kind == Kind.ERROR || actionText != null
                    ? 8 : 4));
            pause.setOnFinished(e -> box.getChildren().remove(toast));
            pause.play();
        });
    }
}
