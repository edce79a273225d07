package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileTypes;
import com.audmg.drive.desktop.api.Me;
import com.audmg.drive.desktop.api.UploadQueue;
import com.audmg.drive.desktop.media.FxAudioEngine;
import com.audmg.drive.desktop.model.LibraryModel;
import com.audmg.drive.desktop.model.PlayerModel;
import com.audmg.drive.desktop.model.Selection;
import com.audmg.drive.desktop.model.UploadsModel;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Side;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The drive: toolbar, virtualized grid or sortable list, trash, upload queue, preview and player. Lays out and binds;
 * the state and the commands live in {@link LibraryModel}, {@link UploadsModel}, {@link PlayerModel} and
 * {@link Selection}.
 */
public final class DriveView extends BorderPane {

    private final AppContext app;
    private final Runnable onLogout;
    private boolean loggedOutByUser;
    private final Runnable onSettings;
    private final LibraryModel library;
    private final UploadsModel uploads;
    private final PlayerModel playerModel;
    private final FxAudioEngine engine = new FxAudioEngine();
    private final Selection selection = new Selection();
    private final javafx.collections.ObservableMap<String, Double> durations = FXCollections.observableHashMap();
    private final Thumbnails thumbnails;
    private final FileGrid grid;
    private final TableView<DriveFile> table;
    private final StackPane center = new StackPane();
    private final PreviewOverlay preview;
    private final PlayerBar player;
    private final UploadPanel uploadPanel;
    private final ToggleGroup kindGroup = new ToggleGroup();
    private final TextField search = new TextField();
    private final ComboBox<LibraryModel.Sort> sort = new ComboBox<>(
            FXCollections.observableArrayList(LibraryModel.Sort.values()));
    private final ProgressIndicator loading = new ProgressIndicator();
    private final Label usageLabel = new Label();
    private final MenuItem usageItem = new MenuItem();
    private final Region usageImages = new Region();
    private final Region usageAudio = new Region();
    private final VBox downloadBox = new VBox(6);
    private final Label countLabel = new Label();
    private final MenuButton userMenu = new MenuButton();
    private final MenuButton more = new MenuButton();
    private final ToggleButton trashToggle = new ToggleButton(null, new FontIcon(Feather.TRASH_2));
    private final Button uploadButton = new Button("Upload", new FontIcon(Feather.UPLOAD));
    private final Label emptyText = new Label();
    private HBox toolbar;
    private final Region grow = new Region();
    /** Toolbar items shown only when there is room, widest level first. */
    private final List<Node> wideOnly = new ArrayList<>();
    private final List<Node> mediumOnly = new ArrayList<>();
    private URI streaming;

    public DriveView(AppContext app, Runnable onLogout, Runnable onSettings) {
        this.app = app;
        this.onLogout = onLogout;
        this.onSettings = onSettings;
        setId("driveView");
        getStyleClass().add("drive-view");
        library = new LibraryModel(app::client, app.background(), app.libraryCache());
        thumbnails = new Thumbnails(app);
        uploads = new UploadsModel(new UploadQueue((file, name, type, progress, cancel) -> app.client().upload(file,
                name, type, progress, cancel), FileTypes.DEFAULT_MAX_BYTES), app.background(), library::added,
                library::all, new com.audmg.drive.desktop.model.UploadJournal(app.dataDir()),
                () -> app.client().baseUrl() + " " + app.settings().lastUsername, System::nanoTime);
        playerModel = new PlayerModel(engine, this::streamUrl,
                () -> library.shown().stream().filter(DriveFile::isAudio).toList());
        playerModel.follow(library.all());
        playerModel.volumeProperty().set(app.settings().volume);
        playerModel.volumeProperty().addListener((o, a, v) -> app.settings().volume = v.doubleValue());
        playerModel.durationProperty().addListener((o, a, d) -> {
            DriveFile cur = playerModel.currentProperty().get();
            if (cur != null && Double.isFinite(d.doubleValue()) && d.doubleValue() > 0) {
                durations.put(cur.id(), d.doubleValue());
            }
        });
        table = new TableView<>(library.shown());
        grid = new FileGrid(library.shown(), selection, thumbnails, durations, this::open, this::showMenu);
        preview = new PreviewOverlay(app, () -> library.shown().stream().filter(DriveFile::isImage).toList(),
                this::download, this::closePreview);
        playerModel.setWaveformLoader(PlayerExtras.waveformLoader(app));
        player = new PlayerBar(playerModel, app.notifier(), library::all);
        uploadPanel = new UploadPanel(uploads);

        setTop(new VBox(toolbar(), new OfflineBanner(library, this::signInAgain)));
        buildTable();
        loading.setMaxSize(56, 56);
        loading.visibleProperty().bind(library.busyProperty().and(javafx.beans.binding.Bindings.isEmpty(
                library.all())));
        preview.setVisible(false);
        downloadBox.setId("downloadBox");
        downloadBox.getStyleClass().add("download-box");
        downloadBox.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        downloadBox.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(downloadBox.getChildren()));
        StackPane.setAlignment(downloadBox, Pos.BOTTOM_LEFT);
        StackPane.setMargin(downloadBox, new Insets(12));
        center.getChildren().addAll(app.settings().listMode ? table : grid, loading, downloadBox, preview);
        setCenter(center);
        setBottom(player);
        uploadPanel.setVisible(false);
        uploadPanel.setManaged(false);
        setRight(uploadPanel);
        uploads.panelWantedProperty().addListener((o, a, want) -> {
            if (want) {
                showUploads(true);
            }
        });
        setupDragAndDrop();
        // Scene-wide, so shortcuts work wherever the focus is (or when nothing has it).
        javafx.event.EventHandler<KeyEvent> keys = this::onKey;
        sceneProperty().addListener((o, old, scene) -> {
            if (old != null) {
                old.removeEventFilter(KeyEvent.KEY_PRESSED, keys);
            }
            if (scene != null) {
                scene.addEventFilter(KeyEvent.KEY_PRESSED, keys);
            }
        });
        kindGroup.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true);
                return;
            }
            library.kindProperty().set((String) t.getUserData());
        });
        search.textProperty().bindBidirectional(library.queryProperty());
        sort.valueProperty().bindBidirectional(library.sortProperty());
        grid.groupByProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(() ->
                        library.columnOrderProperty().get() == null && library.sortProperty().get() != null
                                && library.sortProperty().get().isTimeline() ? LibraryModel::monthHeading : null,
                library.sortProperty(), library.columnOrderProperty()));
        countLabel.textProperty().bind(library.countTextProperty());
        library.meProperty().addListener((o, a, me) -> updateUsage(me));
        library.shown().addListener((ListChangeListener<DriveFile>) c -> player.updateButtons());
        library.viewProperty().addListener((o, a, v) -> {
            boolean trash = v == LibraryModel.View.TRASH;
            trashToggle.setSelected(trash);
            uploadButton.setDisable(trash);
        });
        emptyText.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            if (!library.all().isEmpty()) {
                return "No files match the search or filter.";
            }
            return library.viewProperty().get() == LibraryModel.View.TRASH
                    ? "The trash is empty. Files you move to the trash stay here for 30 days."
                    : "No files here yet. Drop images, audio or folders here, or use Upload.";
        }, library.all(), library.viewProperty()));
    }

    // ---- layout --------------------------------------------------------------------------------

    private HBox toolbar() {
        uploadButton.setId("uploadButton");
        uploadButton.getStyleClass().add("accent");
        uploadButton.setOnAction(e -> chooseFiles());
        uploadButton.setTooltip(new Tooltip("Upload images or audio (or drop files and folders on the window)"));

        ToggleButton allB = kindToggle("All", null, "filterAll");
        ToggleButton imgB = kindToggle("Images", "image", "filterImages");
        ToggleButton audB = kindToggle("Audio", "audio", "filterAudio");
        allB.getStyleClass().add("left-pill");
        imgB.getStyleClass().add("center-pill");
        audB.getStyleClass().add("right-pill");
        allB.setSelected(true);
        HBox kinds = new HBox(allB, imgB, audB);
        kinds.setMinWidth(Region.USE_PREF_SIZE);

        search.setId("search");
        search.setPromptText("Search");
        search.setPrefWidth(220);
        search.setMinWidth(90);
        search.setMaxWidth(260);
        HBox.setHgrow(search, Priority.SOMETIMES);
        sort.setId("sort");
        sort.setTooltip(new Tooltip("Sort"));
        sort.setMinWidth(Region.USE_PREF_SIZE);

        ToggleGroup viewGroup = new ToggleGroup();
        ToggleButton gridB = new ToggleButton(null, new FontIcon(Feather.GRID));
        ToggleButton listB = new ToggleButton(null, new FontIcon(Feather.LIST));
        gridB.setId("gridMode");
        listB.setId("listMode");
        gridB.setTooltip(new Tooltip("Grid"));
        listB.setTooltip(new Tooltip("List"));
        gridB.getStyleClass().add("left-pill");
        listB.getStyleClass().add("right-pill");
        gridB.setToggleGroup(viewGroup);
        listB.setToggleGroup(viewGroup);
        (app.settings().listMode ? listB : gridB).setSelected(true);
        viewGroup.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true);
                return;
            }
            setListMode(t == listB);
        });
        HBox views = new HBox(gridB, listB);
        views.setMinWidth(Region.USE_PREF_SIZE);

        trashToggle.setId("trashView");
        trashToggle.setTooltip(new Tooltip("Trash"));
        trashToggle.setOnAction(e -> showTrash(trashToggle.isSelected()));

        Button refresh = new Button(null, new FontIcon(Feather.REFRESH_CW));
        refresh.setId("refresh");
        refresh.setTooltip(new Tooltip("Refresh (F5)"));
        refresh.setOnAction(e -> refresh());
        refresh.disableProperty().bind(library.busyProperty());

        Button queueToggle = new Button(null, new FontIcon(Feather.LAYERS));
        queueToggle.setId("toggleUploads");
        queueToggle.setTooltip(new Tooltip("Show or hide uploads"));
        queueToggle.setOnAction(e -> showUploads(!uploadPanel.isVisible()));

        HBox.setHgrow(grow, Priority.ALWAYS);

        usageLabel.setId("usage");
        usageLabel.getStyleClass().addAll("text-small", "text-muted");
        usageImages.getStyleClass().add("usage-images");
        usageAudio.getStyleClass().add("usage-audio");
        HBox bar = new HBox(usageImages, usageAudio);
        bar.getStyleClass().add("usage-bar");
        bar.setPrefSize(140, 8);
        bar.setMaxSize(140, 8);
        bar.setMinSize(140, 8);
        Tooltip.install(bar, new Tooltip("Storage: images (blue), audio (purple), free (grey)"));
        VBox usage = new VBox(4, bar, usageLabel);
        usage.setAlignment(Pos.CENTER_LEFT);
        usage.setMinWidth(Region.USE_PREF_SIZE);

        // Narrow windows: the view switches, trash, refresh and the upload queue move into this menu.
        more.setId("moreMenu");
        more.setGraphic(new FontIcon(Feather.MORE_HORIZONTAL));
        more.getStyleClass().addAll("flat", "no-arrow");
        more.setTooltip(new Tooltip("More"));
        MenuItem moreGrid = new MenuItem("Grid", new FontIcon(Feather.GRID));
        moreGrid.setOnAction(e -> gridB.setSelected(true));
        MenuItem moreList = new MenuItem("List", new FontIcon(Feather.LIST));
        moreList.setOnAction(e -> listB.setSelected(true));
        CheckMenuItem moreTrash = new CheckMenuItem("Trash");
        moreTrash.setId("moreTrash");
        moreTrash.selectedProperty().bindBidirectional(trashToggle.selectedProperty());
        moreTrash.setOnAction(e -> showTrash(moreTrash.isSelected()));
        MenuItem moreRefresh = new MenuItem("Refresh", new FontIcon(Feather.REFRESH_CW));
        moreRefresh.setOnAction(e -> refresh());
        MenuItem moreUploads = new MenuItem("Show or hide uploads", new FontIcon(Feather.LAYERS));
        moreUploads.setOnAction(e -> showUploads(!uploadPanel.isVisible()));
        more.getItems().addAll(moreGrid, moreList, moreTrash, new SeparatorMenuItem(), moreRefresh, moreUploads);

        userMenu.setId("userMenu");
        userMenu.setGraphic(new FontIcon(Feather.USER));
        userMenu.getStyleClass().add("flat");
        userMenu.setMinWidth(Region.USE_PREF_SIZE);
        usageItem.setDisable(true);
        MenuItem account = new MenuItem("Account...", new FontIcon(Feather.USER));
        account.setId("accountMenu");
        account.setOnAction(e -> AccountDialog.show(getScene().getWindow(), app));
        MenuItem settings = new MenuItem("Connection settings...", new FontIcon(Feather.SETTINGS));
        settings.setOnAction(e -> onSettings.run());
        MenuItem logout = new MenuItem("Log out", new FontIcon(Feather.LOG_OUT));
        logout.setId("logout");
        logout.setOnAction(e -> logout());
        userMenu.getItems().addAll(usageItem, new SeparatorMenuItem(), account, settings, new SeparatorMenuItem(),
                logout);

        countLabel.getStyleClass().addAll("text-small", "text-muted");
        countLabel.setId("count");
        countLabel.setMinWidth(Region.USE_PREF_SIZE);

        for (Node n : List.of(uploadButton, allB, imgB, audB, gridB, listB, trashToggle, refresh, queueToggle, more)) {
            ((Region) n).setMinWidth(Region.USE_PREF_SIZE);
        }
        wideOnly.addAll(List.of(countLabel, usage));
        mediumOnly.addAll(List.of(views, trashToggle, refresh, queueToggle));
        toolbar = new HBox(10, uploadButton, kinds, search, sort, views, trashToggle, refresh, queueToggle, grow,
                countLabel, usage, more, userMenu);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.setPadding(new Insets(10, 16, 10, 16));
        toolbar.getStyleClass().add("drive-toolbar");
        toolbar.setMinWidth(0);
        toolbar.widthProperty().addListener((o, a, w) -> fitToolbar(w.doubleValue()));
        // Texts that change width (the user's name, the count, the usage) can push the items past the edge.
        for (javafx.beans.value.ObservableValue<String> text : List.of(userMenu.textProperty(),
                countLabel.textProperty(), usageLabel.textProperty())) {
            text.addListener((o, a, t) -> javafx.application.Platform.runLater(() -> fitToolbar(toolbar.getWidth())));
        }
        return toolbar;
    }

    /**
     * Shows as many toolbar items as the width allows: everything, or without the count and usage (usage stays in
     * the user menu), or with the view switches, trash, refresh and queue folded into the "more" menu and the user
     * menu as an icon. The search field shrinks down to its minimum in between.
     */
    private void fitToolbar(double width) {
        if (width <= 0) {
            return;
        }
        Insets pad = toolbar.getPadding();
        double available = width - pad.getLeft() - pad.getRight();
        for (int level = 2; level >= 0; level--) {
            boolean wide = level == 2;
            boolean medium = level >= 1;
            double needed = 0;
            int shown = 0;
            for (Node n : toolbar.getChildren()) {
                boolean visible = wideOnly.contains(n) ? wide : mediumOnly.contains(n) ? medium
                        : n != more || !medium;
                if (!visible) {
                    continue;
                }
                shown++;
                double w = n == search ? search.getMinWidth() : n == grow ? 0 : n.prefWidth(-1);
                if (n == userMenu && !medium) {
                    w = 48;
                }
                needed += w;
            }
            needed += toolbar.getSpacing() * (shown - 1);
            if (needed <= available || level == 0) {
                for (Node n : wideOnly) {
                    show(n, wide);
                }
                for (Node n : mediumOnly) {
                    show(n, medium);
                }
                show(more, !medium);
                userMenu.setContentDisplay(medium ? javafx.scene.control.ContentDisplay.LEFT
                        : javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
                return;
            }
        }
    }

    private static void show(Node n, boolean on) {
        n.setVisible(on);
        n.setManaged(on);
    }

    private ToggleButton kindToggle(String text, String value, String id) {
        ToggleButton b = new ToggleButton(text);
        b.setUserData(value);
        b.setToggleGroup(kindGroup);
        b.setId(id);
        return b;
    }

    private void buildTable() {
        table.setId("fileTable");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        TableColumn<DriveFile, String> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().isAudio() ? c.getValue().displayTitle()
                : c.getValue().name()));
        name.setComparator(String.CASE_INSENSITIVE_ORDER);
        name.setPrefWidth(340);
        name.setId("colName");
        TableColumn<DriveFile, String> kindCol = new TableColumn<>("Kind");
        kindCol.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().isImage() ? "Image" : "Audio"));
        kindCol.setId("colKind");
        TableColumn<DriveFile, Long> size = new TableColumn<>("Size");
        size.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().size()));
        size.setCellFactory(c -> formatted(Format::bytes));
        size.setId("colSize");
        TableColumn<DriveFile, Instant> date = new TableColumn<>("Added");
        date.setCellValueFactory(c -> new SimpleObjectProperty<>(c.getValue().createdAt()));
        date.setCellFactory(c -> formatted(Format::date));
        date.setComparator(Comparator.nullsLast(Comparator.naturalOrder()));
        date.setPrefWidth(200);
        date.setId("colDate");
        table.getColumns().setAll(List.of(name, kindCol, size, date));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        // A header click sorts in the model (the items are its sorted list); no column sorted: the toolbar's order.
        table.setSortPolicy(t -> {
            // A new comparator each time: the table's own keeps its identity when only a column's direction changes.
            Comparator<DriveFile> columns = t.getComparator();
            library.columnOrderProperty().set(t.getSortOrder().isEmpty() ? null : (a, b) -> columns.compare(a, b));
            return true;
        });
        table.setRowFactory(t -> {
            TableRow<DriveFile> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && row.getItem() != null && !e.isShortcutDown() && !e.isShiftDown()) {
                    open(row.getItem());
                }
            });
            row.setOnMouseReleased(e -> {
                if (e.getButton() == javafx.scene.input.MouseButton.SECONDARY && row.getItem() != null) {
                    if (!table.getSelectionModel().getSelectedItems().contains(row.getItem())) {
                        table.getSelectionModel().clearAndSelect(row.getIndex());
                    }
                    showMenu(row, e.getScreenX(), e.getScreenY());
                }
            });
            row.setOnContextMenuRequested(javafx.event.Event::consume);
            return row;
        });
        table.setOnKeyPressed(e -> {
            DriveFile f = table.getSelectionModel().getSelectedItem();
            if (f != null && e.getCode() == KeyCode.ENTER) {
                open(f);
            } else if (e.getCode() == KeyCode.CONTEXT_MENU || (e.getCode() == KeyCode.F10 && e.isShiftDown())) {
                var b = table.localToScreen(table.getBoundsInLocal());
                showMenu(table, b.getMinX() + 60, b.getMinY() + 40);
                e.consume();
            }
        });
        Label tableEmpty = new Label();
        tableEmpty.textProperty().bind(emptyText.textProperty());
        tableEmpty.getStyleClass().add("text-muted");
        table.setPlaceholder(tableEmpty);
        grid.setPlaceholder(placeholder());
    }

    private VBox placeholder() {
        FontIcon icon = new FontIcon(Feather.UPLOAD_CLOUD);
        icon.setIconSize(48);
        icon.getStyleClass().add("text-muted");
        Label text = new Label();
        text.textProperty().bind(emptyText.textProperty());
        text.getStyleClass().add("text-muted");
        text.setWrapText(true);
        VBox box = new VBox(12, icon, text);
        box.setAlignment(Pos.CENTER);
        box.setPadding(new Insets(24));
        return box;
    }

    private static <T> TableCell<DriveFile, T> formatted(java.util.function.Function<T, String> format) {
        return new TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : format.apply(item));
            }
        };
    }

    private void setListMode(boolean list) {
        List<DriveFile> before = selectedFiles();
        app.settings().listMode = list;
        center.getChildren().set(0, list ? table : grid);
        if (list) {
            table.getSelectionModel().clearSelection();
            for (DriveFile f : before) {
                table.getSelectionModel().select(f);
            }
        } else {
            selection.clear();
            before.forEach(f -> selection.click(f, true, false, library.shown()));
        }
    }

    private boolean listMode() {
        return center.getChildren().get(0) == table;
    }

    private void setupDragAndDrop() {
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && library.viewProperty().get() == LibraryModel.View.FILES) {
                e.acceptTransferModes(TransferMode.COPY);
                if (!center.getStyleClass().contains("drop-target")) {
                    center.getStyleClass().add("drop-target");
                }
            }
            e.consume();
        });
        setOnDragExited(e -> center.getStyleClass().remove("drop-target"));
        setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            center.getStyleClass().remove("drop-target");
            if (ok) {
                enqueue(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private void updateUsage(Me me) {
        if (me == null || me.usage() == null) {
            return;
        }
        long quota = Math.max(1, me.quotaBytes());
        if (library.viewProperty().get() == LibraryModel.View.FILES) {
            long images = library.bytesOf("image");
            long audio = library.bytesOf("audio");
            usageImages.setPrefWidth(Math.max(images > 0 ? 2 : 0, 140.0 * images / quota));
            usageAudio.setPrefWidth(Math.max(audio > 0 ? 2 : 0, 140.0 * audio / quota));
        }
        String text = Format.bytes(me.usage().bytes()) + " of " + Format.bytes(me.quotaBytes()) + " used";
        usageLabel.setText(text);
        usageItem.setText(text + (me.usage().trashedBytes() > 0 ? " (" + Format.bytes(me.usage().trashedBytes())
                + " in the trash)" : ""));
        userMenu.setText(me.username());
    }

    // ---- keys and menus ------------------------------------------------------------------------

    private void onKey(KeyEvent e) {
        if (preview.isVisible()) {
            if (preview.handleKey(e)) {
                e.consume();
            }
            return;
        }
        boolean typing = e.getTarget() instanceof javafx.scene.control.TextInputControl;
        if (!typing && player.handleKey(e)) {
            e.consume();
            return;
        }
        if (e.getCode() == KeyCode.SPACE && !typing && !(e.getTarget() instanceof javafx.scene.control.ButtonBase)) {
            playerModel.togglePlay();
            e.consume();
        } else if (e.isShortcutDown() && e.getCode() == KeyCode.F) {
            search.requestFocus();
            e.consume();
        } else if (e.getCode() == KeyCode.F5) {
            refresh();
            e.consume();
        } else if (typing) {
            return;
        } else if (e.getCode() == KeyCode.F2) {
            List<DriveFile> s = selectedFiles();
            if (s.size() == 1 && library.viewProperty().get() == LibraryModel.View.FILES) {
                rename(s.get(0));
            }
            e.consume();
        } else if (e.getCode() == KeyCode.DELETE) {
            List<DriveFile> s = selectedFiles();
            if (!s.isEmpty()) {
                if (library.viewProperty().get() == LibraryModel.View.TRASH) {
                    confirmDeleteForever(s);
                } else {
                    trash(s);
                }
            }
            e.consume();
        } else if (e.isShortcutDown() && e.getCode() == KeyCode.A) {
            selectAll();
            e.consume();
        } else if (e.getCode() == KeyCode.ESCAPE && !selectedFiles().isEmpty()) {
            selection.clear();
            table.getSelectionModel().clearSelection();
            e.consume();
        }
    }

    /** The context menu for the selection, at a point (pointer or Menu key). */
    void showMenu(Node anchor, double screenX, double screenY) {
        List<DriveFile> targets = selectedFiles();
        if (targets.isEmpty()) {
            return;
        }
        ContextMenu menu = contextMenu(targets);
        menu.show(anchor, screenX, screenY);
    }

    ContextMenu contextMenu(List<DriveFile> targets) {
        List<MenuItem> items = new ArrayList<>();
        boolean one = targets.size() == 1;
        String count = one ? "" : " " + targets.size() + " files";
        if (library.viewProperty().get() == LibraryModel.View.TRASH) {
            items.add(item("Restore" + count, Feather.ROTATE_CCW, "menuRestore", () -> restore(targets)));
            items.add(new SeparatorMenuItem());
            items.add(item("Delete forever" + count + "...", Feather.X_OCTAGON, "menuDeleteForever",
                    () -> confirmDeleteForever(targets)));
        } else {
            if (one) {
                DriveFile f = targets.get(0);
                items.add(item(f.isImage() ? "Preview" : "Play", f.isImage() ? Feather.EYE : Feather.PLAY, "menuOpen",
                        () -> open(f)));
            }
            items.add(item(one ? "Download..." : "Download" + count + "...", Feather.DOWNLOAD, "menuDownload",
                    () -> download(targets)));
            PlayerExtras.queueItems(targets, playerModel).forEach(items::add);
            if (one) {
                DriveFile f = targets.get(0);
                MenuItem rename = item("Rename...", Feather.EDIT_2, "menuRename", () -> rename(f));
                rename.setAccelerator(new javafx.scene.input.KeyCodeCombination(KeyCode.F2));
                items.add(rename);
                items.add(item("Versions...", Feather.CLOCK, "menuVersions",
                        () -> VersionsDialog.show(getScene().getWindow(), app, f, library::replace)));
            }
            items.add(new SeparatorMenuItem());
            MenuItem trash = item("Move to trash" + (one ? "" : count), Feather.TRASH_2, "menuTrash",
                    () -> trash(targets));
            trash.setAccelerator(new javafx.scene.input.KeyCodeCombination(KeyCode.DELETE));
            items.add(trash);
        }
        ContextMenu menu = new ContextMenu(items.toArray(MenuItem[]::new));
        menu.setId("fileMenu");
        return menu;
    }

    private static MenuItem item(String text, Feather icon, String id, Runnable action) {
        MenuItem i = new MenuItem(text, new FontIcon(icon));
        i.setId(id);
        i.setOnAction(e -> action.run());
        return i;
    }

    // ---- commands ------------------------------------------------------------------------------

    public void start() {
        userMenu.setText(app.settings().lastUsername);
        refresh();
        PlayerExtras.resumeUploadsOnceLoaded(library.busyProperty(), uploads, app.notifier());
        library.startAutoSync(AUTO_SYNC);
        grid.requestFocus();
    }

    /** How often the library asks the change feed for news while the window is open. */
    private static final java.time.Duration AUTO_SYNC = java.time.Duration.ofSeconds(30);

    /**
     * Opens on the cached library of the account signed in at the last close, before any network call: an offline
     * start. Signing in (or a session resumed) then syncs it.
     */
    public void startFromCache(com.audmg.drive.desktop.library.LibraryCache.Account account) {
        userMenu.setText(account.username());
        library.openCached(account.userId(), account.username()).exceptionally(error -> {
            app.notifier().error("Could not open your library", error);
            return null;
        });
        library.startAutoSync(AUTO_SYNC);
        grid.requestFocus();
    }

    /** The server could not be reached at all (the backend did not start). */
    public void serverUnreachable() {
        library.serverUnreachable();
    }

    private void signInAgain() {
        stopAll();
        onLogout.run();
    }

    public void refresh() {
        library.refresh().exceptionally(error -> {
            if (!isUnauthorized(error)) {
                app.notifier().error("Could not load your files", error);
            }
            return null;
        });
    }

    private static boolean isUnauthorized(Throwable e) {
        return Fx.unwrap(e) instanceof com.audmg.drive.desktop.api.ApiException api && api.isUnauthorized();
    }

    void showTrash(boolean trash) {
        preview.setVisible(false);
        selection.clear();
        table.getSelectionModel().clearSelection();
        library.show(trash ? LibraryModel.View.TRASH : LibraryModel.View.FILES).exceptionally(error -> {
            app.notifier().error("Could not load " + (trash ? "the trash" : "your files"), error);
            return null;
        });
    }

    /** The selected files in the order shown. */
    List<DriveFile> selectedFiles() {
        if (listMode()) {
            return new ArrayList<>(table.getSelectionModel().getSelectedItems());
        }
        return selection.files(library.shown());
    }

    void selectAll() {
        if (listMode()) {
            table.getSelectionModel().selectAll();
        } else {
            selection.selectAll(library.shown());
        }
    }

    private void chooseFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Upload to Audmg Drive");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images and audio", acceptedPatterns()),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = chooser.showOpenMultipleDialog(getScene().getWindow());
        if (files != null) {
            enqueue(files.stream().map(File::toPath).toList());
        }
    }

    /**
     * The chooser's patterns in lower and upper case: GTK's file chooser matches them case-sensitively, and cameras
     * name files IMG_0001.JPG.
     */
    static List<String> acceptedPatterns() {
        List<String> out = new ArrayList<>();
        for (String ext : com.audmg.drive.desktop.api.FileTypes.extensions()) {
            out.add("*." + ext);
            out.add("*." + ext.toUpperCase(Locale.ROOT));
        }
        return out;
    }

    /** Adds files and folders (recursively) to the upload queue. */
    void enqueue(List<Path> filesOrFolders) {
        uploads.add(filesOrFolders);
    }

    private void showUploads(boolean show) {
        uploadPanel.setVisible(show);
        uploadPanel.setManaged(show);
    }

    void open(DriveFile f) {
        if (library.viewProperty().get() == LibraryModel.View.TRASH) {
            return;
        }
        if (f.isImage()) {
            preview.setVisible(true);
            preview.show(f);
        } else {
            playerModel.play(f);
        }
    }

    private URI streamUrl(DriveFile file) {
        if (streaming != null) {
            app.audioProxy().unregister(streaming);
        }
        if (file.media() != null && file.media().hasPlayable()) {
            // FLAC and OGG: the server's rendition that every client can play. Signed URLs are short-lived and the
            // listing may be minutes old: every request asks for a fresh one.
            streaming = app.audioProxy().registerProbed(() -> {
                DriveFile fresh = app.client().getFile(file.id()).file();
                if (fresh.media() == null || !fresh.media().hasPlayable()) {
                    throw new IllegalStateException("no playable rendition");
                }
                return URI.create(fresh.media().playableUrl());
            });
        } else {
            streaming = app.audioProxy().register(file.name(), file.size(), file.contentType(),
                    () -> URI.create(app.client().getFile(file.id()).download().url()));
        }
        return streaming;
    }

    private void closePreview() {
        preview.setVisible(false);
        grid.select(preview.file());
        grid.requestFocus();
    }

    void download(DriveFile f) {
        download(List.of(f));
    }

    /** One file: a save dialog; several: a folder, each file saved under its name (numbered when taken). */
    void download(List<DriveFile> files) {
        if (files.size() == 1) {
            DriveFile f = files.get(0);
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Save " + f.name());
            chooser.setInitialFileName(f.name());
            File target = chooser.showSaveDialog(getScene().getWindow());
            if (target != null) {
                download(f, target.toPath(), p -> { });
            }
            return;
        }
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Save " + files.size() + " files to");
        File dir = chooser.showDialog(getScene().getWindow());
        if (dir != null) {
            downloadAll(files, dir.toPath(), p -> { });
        }
    }

    /** Saves files into a folder; {@code each} gets every saved path. */
    void downloadAll(List<DriveFile> files, Path dir, Consumer<Path> each) {
        List<Path> taken = new ArrayList<>();
        for (DriveFile f : files) {
            Path target = freeName(dir, f.name(), taken);
            taken.add(target);
            download(f, target, each);
        }
    }

    static Path freeName(Path dir, String name, List<Path> taken) {
        String safe = name.replaceAll("[/\\\\:*?\"<>|\\p{Cntrl}]", "_");
        if (safe.isBlank() || safe.equals(".") || safe.equals("..")) {
            safe = "file";
        }
        int dot = safe.lastIndexOf('.');
        String base = dot > 0 ? safe.substring(0, dot) : safe;
        String ext = dot > 0 ? safe.substring(dot) : "";
        Path p = dir.resolve(safe);
        for (int n = 2; Files.exists(p) || taken.contains(p); n++) {
            p = dir.resolve(base + " (" + n + ")" + ext);
        }
        return p;
    }

    /** Downloads with a progress card; {@code done} gets the target on success. */
    void download(DriveFile f, Path target, Consumer<Path> done) {
        ProgressBar bar = new ProgressBar(0);
        bar.setPrefWidth(110);
        Label label = new Label("Downloading " + f.name());
        label.getStyleClass().add("text-small");
        label.setMaxWidth(200);
        Cancellation cancel = new Cancellation();
        Button stop = new Button(null, new FontIcon(Feather.X));
        stop.getStyleClass().addAll("button-circle", "flat", "small");
        stop.setOnAction(e -> cancel.cancel());
        HBox item = new HBox(6, label, bar, stop);
        item.setAlignment(Pos.CENTER_LEFT);
        downloadBox.getChildren().add(item);
        Fx.background(app.io(), () -> {
            app.client().download(f.id(), target, (d, t) -> Fx.later(() -> bar.setProgress(t > 0 ? (double) d / t
                    : -1)), cancel);
            return target;
        }, p -> {
            downloadBox.getChildren().remove(item);
            app.notifier().success("Saved " + p.getFileName());
            done.accept(p);
        }, error -> {
            downloadBox.getChildren().remove(item);
            if (!cancel.isCancelled()) {
                app.notifier().error("Download of " + f.name() + " failed", error);
            }
        });
    }

    /** Moves files to the trash at once; the notice offers Undo. */
    void trash(List<DriveFile> files) {
        library.trash(files).whenComplete((bulk, error) -> {
            if (error != null) {
                app.notifier().error("Could not move to the trash", error);
                return;
            }
            bulk.done().forEach(f -> {
                playerModel.forget(f);
                thumbnails.forget(f);
            });
            if (!bulk.done().isEmpty()) {
                String what = bulk.done().size() == 1 ? "\"" + bulk.done().get(0).name() + "\""
                        : bulk.done().size() + " files";
                app.notifier().show(Notifier.Kind.INFO, "Moved " + what + " to the trash", "Undo",
                        () -> restore(bulk.done()));
            }
            reportFailures("move to the trash", bulk);
        });
    }

    void restore(List<DriveFile> files) {
        library.restore(files).whenComplete((bulk, error) -> {
            if (error != null) {
                app.notifier().error("Could not restore", error);
                return;
            }
            if (!bulk.done().isEmpty() && library.viewProperty().get() == LibraryModel.View.TRASH) {
                app.notifier().success("Restored " + (bulk.done().size() == 1 ? "\"" + bulk.done().get(0).name()
                        + "\"" : bulk.done().size() + " files"));
            }
            reportFailures("restore", bulk);
        });
    }

    void confirmDeleteForever(List<DriveFile> files) {
        String what = files.size() == 1 ? "\"" + files.get(0).name() + "\"" : files.size() + " files";
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, what + " will be deleted for good. This cannot be undone.",
                ButtonType.CANCEL, ButtonType.OK);
        alert.setHeaderText("Delete forever?");
        alert.setTitle("Delete forever");
        Dialogs.own(alert, getScene().getWindow());
        Button ok = (Button) alert.getDialogPane().lookupButton(ButtonType.OK);
        ok.setText("Delete forever");
        ok.getStyleClass().add("danger");
        alert.getDialogPane().setId("deleteForeverDialog");
        alert.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> deleteForever(files));
    }

    void deleteForever(List<DriveFile> files) {
        library.deleteForever(files).whenComplete((bulk, error) -> {
            if (error != null) {
                app.notifier().error("Could not delete", error);
                return;
            }
            bulk.done().forEach(thumbnails::forget);
            reportFailures("delete", bulk);
        });
    }

    private void reportFailures(String action, LibraryModel.Bulk bulk) {
        bulk.failed().forEach((f, e) -> app.notifier().error("Could not " + action + " \"" + f.name() + "\"", e));
    }

    void rename(DriveFile f) {
        TextInputDialog dialog = new TextInputDialog(f.name());
        dialog.setTitle("Rename");
        dialog.setHeaderText("Rename \"" + f.name() + "\"");
        dialog.getDialogPane().setId("renameDialog");
        dialog.getEditor().setId("renameField");
        // The name without its extension is selected, as file managers do.
        dialog.setOnShown(e -> javafx.application.Platform.runLater(() -> {
            // After the field took the focus, which selects everything.
            int dot = f.name().lastIndexOf('.');
            dialog.getEditor().requestFocus();
            dialog.getEditor().selectRange(0, dot > 0 ? dot : f.name().length());
        }));
        Dialogs.own(dialog, getScene().getWindow());
        dialog.showAndWait().ifPresent(name -> rename(f, name));
    }

    void rename(DriveFile f, String name) {
        library.rename(f, name).whenComplete((renamed, error) -> {
            if (error != null) {
                app.notifier().error("Could not rename \"" + f.name() + "\"", error);
            }
        });
    }

    void logout() {
        loggedOutByUser = true;
        stopAll();
        library.signedOut();
        if (app.client() != null) {
            app.client().logout();
        }
        onLogout.run();
    }

    /** Whether Log out ended this view (its offline library deleted), not "sign in again" from the offline banner. */
    boolean loggedOutByUser() {
        return loggedOutByUser;
    }

    /** Stops playback and uploads (logout, window close). */
    public void stopAll() {
        library.stopAutoSync();
        player.stop();
        if (streaming != null) {
            app.audioProxy().unregister(streaming);
            streaming = null;
        }
        uploads.close();
    }

    // ---- for tests -----------------------------------------------------------------------------

    ObservableList<DriveFile> shownFiles() {
        return library.shown();
    }

    ObservableList<DriveFile> allFiles() {
        return library.all();
    }

    LibraryModel library() {
        return library;
    }

    Selection selection() {
        return selection;
    }

    TableView<DriveFile> table() {
        return table;
    }

    UploadQueue uploads() {
        return uploads.queue();
    }

    PreviewOverlay preview() {
        return preview;
    }

    PlayerBar player() {
        return player;
    }

    FxAudioEngine engine() {
        return engine;
    }

    FileGrid grid() {
        return grid;
    }

    HBox toolbarNode() {
        return toolbar;
    }

    ReadOnlyBooleanProperty busyProperty() {
        return library.busyProperty();
    }
}
