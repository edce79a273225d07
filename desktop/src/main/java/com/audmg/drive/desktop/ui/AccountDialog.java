package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.SessionInfo;
import com.audmg.drive.desktop.model.AccountModel;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The account: signed-in sessions (sign out any other), the password, the e-mail address and its verification,
 * two-factor authentication (TOTP with a QR code, recovery codes) and deleting the account. The e-mail, two-factor and
 * delete tabs lay out {@link AccountModel}.
 */
final class AccountDialog {

    private AccountDialog() {
    }

    static void show(Window owner, AppContext app) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("Account");
        dialog.setHeaderText("Your account");
        dialog.getDialogPane().setId("accountDialog");
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        AccountModel model = new AccountModel(app::client, app.background(), () -> {
            dialog.close();
            app.onAccountDeleted().run();
        });
        Tab emailTab = new Tab("E-mail", AccountTabs.email(model));
        emailTab.setId("emailTab");
        Tab mfaTab = new Tab("Two-factor", AccountTabs.twoFactor(model, owner));
        mfaTab.setId("mfaTab");
        Tab deleteTab = new Tab("Delete account", AccountTabs.delete(model));
        deleteTab.setId("deleteTab");
        TabPane tabs = new TabPane(new Tab("Sessions", sessions(app)), new Tab("Password", password(app)), emailTab,
                mfaTab, deleteTab);
        tabs.setId("accountTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setPrefSize(660, 480);
        model.load();
        dialog.setOnHidden(e -> model.recoveryCodesSeen());
        dialog.getDialogPane().setContent(tabs);
        Dialogs.own(dialog, owner);
        dialog.showAndWait();
    }

    private static VBox sessions(AppContext app) {
        ListView<SessionInfo> list = new ListView<>();
        list.setId("sessionList");
        list.setPlaceholder(new Label("Loading..."));
        Label status = new Label();
        status.getStyleClass().add("text-small");
        list.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(SessionInfo s, boolean empty) {
                super.updateItem(s, empty);
                if (empty || s == null) {
                    setGraphic(null);
                    return;
                }
                Label what = new Label((s.client() == null || s.client().isBlank() ? "Session" : s.client())
                        + (s.current() ? " (this one)" : ""));
                Label when = new Label("Signed in " + Format.date(s.createdAt()) + " · last used "
                        + Format.date(s.lastUsedAt()));
                when.getStyleClass().addAll("text-small", "text-muted");
                Button end = new Button("Sign out");
                end.getStyleClass().add("small");
                end.setVisible(!s.current());
                end.setOnAction(e -> Fx.background(app.io(), () -> {
                    app.client().endSession(s.sessionId());
                    return null;
                }, v -> load(app, list, status), error -> status.setText("Could not sign out: "
                        + Notifier.describe(error))));
                Region grow = new Region();
                HBox.setHgrow(grow, Priority.ALWAYS);
                HBox row = new HBox(10, new VBox(2, what, when), grow, end);
                row.setAlignment(Pos.CENTER_LEFT);
                setGraphic(row);
            }
        });
        load(app, list, status);
        VBox box = new VBox(8, list, status);
        box.setPadding(new Insets(10));
        return box;
    }

    private static void load(AppContext app, ListView<SessionInfo> list, Label status) {
        Fx.background(app.io(), () -> app.client().sessions(), items -> {
            list.setItems(FXCollections.observableArrayList(items));
            list.setPlaceholder(new Label("No sessions"));
        }, error -> status.setText("Could not load the sessions: " + Notifier.describe(error)));
    }

    private static VBox password(AppContext app) {
        PasswordField current = new PasswordField();
        current.setId("currentPassword");
        current.setPromptText("Current password");
        PasswordField next = new PasswordField();
        next.setId("newPassword");
        next.setPromptText("New password (at least 8 characters)");
        Label status = new Label();
        status.setWrapText(true);
        status.setId("passwordStatus");
        Button change = new Button("Change password");
        change.setId("changePassword");
        change.getStyleClass().add("accent");
        change.setOnAction(e -> {
            change.setDisable(true);
            String cur = current.getText();
            String nw = next.getText();
            Fx.background(app.io(), () -> {
                app.client().changePassword(cur, nw);
                return null;
            }, v -> {
                change.setDisable(false);
                current.clear();
                next.clear();
                status.getStyleClass().setAll("label", "success");
                status.setText("Password changed. Your other sessions were signed out.");
            }, error -> {
                change.setDisable(false);
                status.getStyleClass().setAll("label", "danger");
                status.setText(Notifier.describe(error));
            });
        });
        VBox box = new VBox(8, new Label("Current password"), current, new Label("New password"), next, change,
                status);
        box.setPadding(new Insets(10));
        return box;
    }
}
