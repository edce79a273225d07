package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.model.LibraryModel;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** A strip under the toolbar while the library shown is the cache: offline, or not signed in (with Sign in). */
final class OfflineBanner extends HBox {

    OfflineBanner(LibraryModel library, Runnable onSignIn) {
        super(10);
        setId("offlineBanner");
        getStyleClass().add("offline-banner");
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 12, 6, 12));
        setStyle("-fx-background-color: -color-warning-subtle; -fx-border-color: -color-warning-muted;"
                + " -fx-border-width: 0 0 1 0;");
        FontIcon icon = new FontIcon(Feather.WIFI_OFF);
        icon.getStyleClass().add("offline-icon");
        Label text = new Label();
        text.setId("offlineText");
        text.setWrapText(true);
        text.setMinWidth(0);
        text.textProperty().bind(library.offlineTextProperty());
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        Button signIn = new Button("Sign in");
        signIn.setId("offlineSignIn");
        signIn.setMinWidth(USE_PREF_SIZE);
        signIn.setOnAction(e -> onSignIn.run());
        signIn.visibleProperty().bind(library.signedOutProperty().and(library.offlineProperty().not()));
        signIn.managedProperty().bind(signIn.visibleProperty());
        getChildren().addAll(icon, text, signIn);
        visibleProperty().bind(library.offlineTextProperty().isNotEmpty());
        managedProperty().bind(visibleProperty());
    }
}
