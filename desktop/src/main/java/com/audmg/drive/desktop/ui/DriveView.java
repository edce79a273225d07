package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Cancellation;
import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.FileQuery;
import com.audmg.drive.desktop.api.FileTypes;
import com.audmg.drive.desktop.api.Me;
import com.audmg.drive.desktop.api.UploadQueue;
import java.io.File;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.beans.property.SimpleStringProperty;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The drive: toolbar, virtualized grid or list of files, upload queue, preview and player. */
public final class DriveView extends BorderPane {

    /** Sort orders offered in the toolbar. */
    enum Sort {
        NEWEST("Newest first", Comparator.comparing(DriveFile::createdAt,
                Comparator.nullsLast(Comparator.reverseOrder()))),
        OLDEST("Oldest first", Comparator.comparing(DriveFile::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))),
        NAME("Name", Comparator.comparing((DriveFile f) -> f.name().toLowerCase(java.util.Locale.ROOT))),
        LARGEST("Largest first", Comparator.comparingLong(DriveFile::size).reversed()),
        SMALLEST("Smallest first", Comparator.comparingLong(DriveFile::size));

        final String label;
        final Comparator<DriveFile> comparator;

        Sort(String label, Comparator<DriveFile> comparator) {
            this.label = label;
            this.comparator = comparator;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final AppContext app;
    private final Runnable onLogout;
    private final Runnable onSettings;
    private final ObservableList<DriveFile> all = FXCollections.observableArrayList();
    private final FilteredList<DriveFile> filtered = new FilteredList<>(all, f -> true);
    private final SortedList<DriveFile> shown = new SortedList<>(filtered, Sort.NEWEST.comparator);
    private final javafx.collections.ObservableMap<String, Double> durations = FXCollections.observableHashMap();
    private final Thumbnails thumbnails;
    private final UploadQueue uploads;
    private final FileGrid grid;
    private final TableView<DriveFile> table = new TableView<>(shown);
    private final StackPane center = new StackPane();
    private final PreviewOverlay preview;
    private final PlayerBar player;
    private final UploadPanel uploadPanel;
    private final ToggleGroup kindGroup = new ToggleGroup();
    private final TextField search = new TextField();
    private final ComboBox<Sort> sort = new ComboBox<>(FXCollections.observableArrayList(Sort.values()));
    private final ProgressIndicator loading = new ProgressIndicator();
    private final Label usageLabel = new Label();
    private final Region usageImages = new Region();
    private final Region usageAudio = new Region();
    private final HBox downloadBox = new HBox(8);
    private final Label countLabel = new Label();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final MenuButton userMenu = new MenuButton();
    private Me me;
    private String kind;

    public DriveView(AppContext app, Runnable onLogout, Runnable onSettings) {
        this.app = app;
        this.onLogout = onLogout;
        this.onSettings = onSettings;
        setId("driveView");
        getStyleClass().add("drive-view");
        thumbnails = new Thumbnails(app);
        uploads = new UploadQueue((file, type, progress, cancel) -> app.client().upload(file, type, progress, cancel),
                FileTypes.DEFAULT_MAX_BYTES);
        uploads.addListener(new UploadQueue.Listener() {
            @Override
            public void changed(com.audmg.drive.desktop.api.UploadJob job) {
            }

            @Override
            public void uploaded(DriveFile file) {
                Fx.later(() -> {
                    all.removeIf(f -> f.id().equals(file.id()));
                    all.add(file);
                    loadMe();
                });
            }
        });
        grid = new FileGrid(shown, thumbnails, durations, this::open, this::download, this::confirmDelete);
        preview = new PreviewOverlay(app, () -> shown.stream().filter(DriveFile::isImage).toList(), this::download,
                this::closePreview);
        player = new PlayerBar(app, () -> shown.stream().filter(DriveFile::isAudio).toList(), durations, () -> { });
        uploadPanel = new UploadPanel(uploads);

        setTop(toolbar());
        buildTable();
        loading.setMaxSize(56, 56);
        loading.setVisible(false);
        preview.setVisible(false);
        center.getChildren().addAll(app.settings().listMode ? table : grid, loading, preview);
        setCenter(center);
        setBottom(player);
        uploadPanel.setVisible(false);
        uploadPanel.setManaged(false);
        setRight(uploadPanel);
        setupDragAndDrop();
        // Scene-wide, so shortcuts work wherever the focus is (or when nothing has it).
        javafx.event.EventHandler<javafx.scene.input.KeyEvent> keys = this::onKey;
        sceneProperty().addListener((o, old, scene) -> {
            if (old != null) {
                old.removeEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, keys);
            }
            if (scene != null) {
                scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, keys);
            }
        });
        kindGroup.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true);
                return;
            }
            kind = (String) t.getUserData();
            applyFilter();
        });
        search.textProperty().addListener((o, a, t) -> applyFilter());
        sort.valueProperty().addListener((o, a, s) -> shown.setComparator(s.comparator));
        filtered.addListener((javafx.collections.ListChangeListener<DriveFile>) c -> updateCount());
    }

    private void onKey(javafx.scene.input.KeyEvent e) {
        if (preview.isVisible()) {
            if (preview.handleKey(e)) {
                e.consume();
            }
            return;
        }
        boolean typing = e.getTarget() instanceof javafx.scene.control.TextInputControl;
        if (e.getCode() == KeyCode.SPACE && !typing) {
            player.togglePlay();
            e.consume();
        } else if (e.isShortcutDown() && e.getCode() == KeyCode.F) {
            search.requestFocus();
            e.consume();
        } else if (e.getCode() == KeyCode.F5) {
            refresh();
            e.consume();
        }
    }

    private HBox toolbar() {
        Button upload = new Button("Upload", new FontIcon(Feather.UPLOAD));
        upload.setId("uploadButton");
        upload.getStyleClass().add("accent");
        upload.setOnAction(e -> chooseFiles());
        upload.setTooltip(new Tooltip("Upload images or audio (or drop files on the window)"));

        ToggleButton allB = kindToggle("All", null, "filterAll");
        ToggleButton imgB = kindToggle("Images", "image", "filterImages");
        ToggleButton audB = kindToggle("Audio", "audio", "filterAudio");
        allB.getStyleClass().add("left-pill");
        imgB.getStyleClass().add("center-pill");
        audB.getStyleClass().add("right-pill");
        allB.setSelected(true);
        HBox kinds = new HBox(allB, imgB, audB);

        search.setId("search");
        search.setPromptText("Search by name");
        search.setPrefWidth(200);
        sort.setId("sort");
        sort.setValue(Sort.NEWEST);
        sort.setTooltip(new Tooltip("Sort"));

        ToggleGroup viewGroup = new ToggleGroup();
        ToggleButton gridB = new ToggleButton(null, new FontIcon(Feather.GRID));
        ToggleButton listB = new ToggleButton(null, new FontIcon(Feather.LIST));
        gridB.setId("gridMode");
        listB.setId("listMode");
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
            boolean list = t == listB;
            app.settings().listMode = list;
            center.getChildren().set(0, list ? table : grid);
        });
        HBox views = new HBox(gridB, listB);

        Button refresh = new Button(null, new FontIcon(Feather.REFRESH_CW));
        refresh.setId("refresh");
        refresh.setTooltip(new Tooltip("Refresh (F5)"));
        refresh.setOnAction(e -> refresh());
        refresh.disableProperty().bind(busy);

        Button queueToggle = new Button(null, new FontIcon(Feather.LAYERS));
        queueToggle.setId("toggleUploads");
        queueToggle.setTooltip(new Tooltip("Show or hide uploads"));
        queueToggle.setOnAction(e -> showUploads(!uploadPanel.isVisible()));

        downloadBox.setAlignment(Pos.CENTER_LEFT);
        downloadBox.setVisible(false);
        downloadBox.setManaged(false);
        downloadBox.setId("downloadBox");

        Region grow = new Region();
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

        userMenu.setId("userMenu");
        userMenu.setGraphic(new FontIcon(Feather.USER));
        userMenu.getStyleClass().add("flat");
        MenuItem settings = new MenuItem("Connection settings...", new FontIcon(Feather.SETTINGS));
        settings.setOnAction(e -> onSettings.run());
        MenuItem logout = new MenuItem("Log out", new FontIcon(Feather.LOG_OUT));
        logout.setId("logout");
        logout.setOnAction(e -> logout());
        userMenu.getItems().addAll(settings, new SeparatorMenuItem(), logout);

        countLabel.getStyleClass().addAll("text-small", "text-muted");
        countLabel.setId("count");

        HBox tb = new HBox(10, upload, kinds, search, sort, views, refresh, queueToggle, downloadBox, grow, countLabel,
                usage, userMenu);
        tb.setAlignment(Pos.CENTER_LEFT);
        tb.setPadding(new Insets(10, 16, 10, 16));
        // Buttons keep their labels; the search field and the spacer give way on narrow windows.
        for (javafx.scene.Node n : List.of(upload, allB, imgB, audB, sort, gridB, listB, refresh, queueToggle,
                countLabel, userMenu)) {
            ((Region) n).setMinWidth(Region.USE_PREF_SIZE);
        }
        search.setMinWidth(110);
        HBox.setHgrow(search, Priority.SOMETIMES);
        search.setMaxWidth(260);
        tb.getStyleClass().add("drive-toolbar");
        return tb;
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
        TableColumn<DriveFile, String> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().name()));
        name.setPrefWidth(360);
        TableColumn<DriveFile, String> kindCol = new TableColumn<>("Kind");
        kindCol.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().isImage() ? "Image" : "Audio"));
        TableColumn<DriveFile, String> size = new TableColumn<>("Size");
        size.setCellValueFactory(c -> new SimpleStringProperty(Format.bytes(c.getValue().size())));
        TableColumn<DriveFile, String> date = new TableColumn<>("Added");
        date.setCellValueFactory(c -> new SimpleStringProperty(Format.date(c.getValue().createdAt())));
        date.setPrefWidth(200);
        table.getColumns().setAll(List.of(name, kindCol, size, date));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setSortPolicy(t -> false);
        table.setRowFactory(t -> {
            TableRow<DriveFile> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && row.getItem() != null) {
                    open(row.getItem());
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            DriveFile f = table.getSelectionModel().getSelectedItem();
            if (f != null && e.getCode() == KeyCode.ENTER) {
                open(f);
            } else if (f != null && e.getCode() == KeyCode.DELETE) {
                confirmDelete(f);
            }
        });
    }

    private void setupDragAndDrop() {
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                center.getStyleClass().add("drop-target");
            }
            e.consume();
        });
        setOnDragExited(e -> center.getStyleClass().remove("drop-target"));
        setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                enqueue(e.getDragboard().getFiles().stream().filter(File::isFile).map(File::toPath).toList());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    // ---- commands ------------------------------------------------------------------------------

    public void start() {
        userMenu.setText(app.settings().lastUsername);
        refresh();
        grid.requestFocus();
    }

    public void refresh() {
        busy.set(true);
        loading.setVisible(all.isEmpty());
        Fx.background(app.io(), () -> app.client().listAll(FileQuery.all()), files -> {
            all.setAll(files);
            busy.set(false);
            loading.setVisible(false);
            loadMe();
        }, error -> {
            busy.set(false);
            loading.setVisible(false);
            if (!isUnauthorized(error)) {
                app.notifier().error("Could not load your files", error);
            }
        });
    }

    private static boolean isUnauthorized(Throwable e) {
        return e instanceof com.audmg.drive.desktop.api.ApiException api && api.isUnauthorized();
    }

    private void loadMe() {
        Fx.background(app.io(), () -> app.client().me(), m -> {
            me = m;
            userMenu.setText(m.username());
            updateUsage();
        }, error -> { });
    }

    private void updateUsage() {
        if (me == null) {
            return;
        }
        long quota = Math.max(1, me.quotaBytes());
        long images = all.stream().filter(DriveFile::isImage).mapToLong(DriveFile::size).sum();
        long audio = all.stream().filter(DriveFile::isAudio).mapToLong(DriveFile::size).sum();
        usageImages.setPrefWidth(Math.max(images > 0 ? 2 : 0, 140.0 * images / quota));
        usageAudio.setPrefWidth(Math.max(audio > 0 ? 2 : 0, 140.0 * audio / quota));
        usageLabel.setText(Format.bytes(me.usage().bytes()) + " of " + Format.bytes(me.quotaBytes()) + " used");
    }

    private void applyFilter() {
        String q = search.getText() == null ? "" : search.getText().trim().toLowerCase(java.util.Locale.ROOT);
        String k = kind;
        filtered.setPredicate(f -> (k == null || k.equals(f.kind()))
                && (q.isEmpty() || f.name().toLowerCase(java.util.Locale.ROOT).contains(q)));
    }

    private void updateCount() {
        countLabel.setText(filtered.size() == all.size() ? all.size() + " files"
                : filtered.size() + " of " + all.size() + " files");
    }

    private void chooseFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Upload to Audmg Drive");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images and audio", "*.jpg", "*.jpeg", "*.png", "*.gif", "*.webp",
                        "*.bmp", "*.mp3", "*.wav", "*.flac", "*.ogg", "*.m4a", "*.aac"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = chooser.showOpenMultipleDialog(getScene().getWindow());
        if (files != null) {
            enqueue(files.stream().map(File::toPath).toList());
        }
    }

    void enqueue(List<Path> files) {
        if (files.isEmpty()) {
            return;
        }
        showUploads(true);
        files.forEach(uploads::add);
    }

    private void showUploads(boolean show) {
        uploadPanel.setVisible(show);
        uploadPanel.setManaged(show);
    }

    void open(DriveFile f) {
        if (f.isImage()) {
            preview.setVisible(true);
            preview.show(f);
        } else {
            player.play(f);
        }
    }

    private void closePreview() {
        preview.setVisible(false);
        grid.select(preview.file());
        grid.requestFocus();
    }

    void download(DriveFile f) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save " + f.name());
        chooser.setInitialFileName(f.name());
        File target = chooser.showSaveDialog(getScene().getWindow());
        if (target != null) {
            download(f, target.toPath(), p -> { });
        }
    }

    /** Downloads with a progress bar in the toolbar; {@code done} gets the target on success. */
    void download(DriveFile f, Path target, Consumer<Path> done) {
        ProgressBar bar = new ProgressBar(0);
        bar.setPrefWidth(110);
        Label label = new Label("Downloading " + f.name());
        label.getStyleClass().add("text-small");
        label.setMaxWidth(160);
        Cancellation cancel = new Cancellation();
        Button stop = new Button(null, new FontIcon(Feather.X));
        stop.getStyleClass().addAll("button-circle", "flat", "small");
        stop.setOnAction(e -> cancel.cancel());
        HBox item = new HBox(6, label, bar, stop);
        item.setAlignment(Pos.CENTER_LEFT);
        downloadBox.getChildren().add(item);
        downloadBox.setVisible(true);
        downloadBox.setManaged(true);
        Fx.background(app.io(), () -> {
            app.client().download(f.id(), target, (d, t) -> Fx.later(() -> bar.setProgress(t > 0 ? (double) d / t
                    : -1)), cancel);
            return target;
        }, p -> {
            removeDownload(item);
            app.notifier().success("Saved " + p.getFileName());
            done.accept(p);
        }, error -> {
            removeDownload(item);
            if (!cancel.isCancelled()) {
                app.notifier().error("Download of " + f.name() + " failed", error);
            }
        });
    }

    private void removeDownload(HBox item) {
        downloadBox.getChildren().remove(item);
        boolean any = !downloadBox.getChildren().isEmpty();
        downloadBox.setVisible(any);
        downloadBox.setManaged(any);
    }

    void confirmDelete(DriveFile f) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "\"" + f.name()
                + "\" goes to the trash, where it is kept for 30 days.", ButtonType.CANCEL, ButtonType.OK);
        alert.setHeaderText("Move this file to the trash?");
        alert.setTitle("Delete");
        alert.initOwner(getScene().getWindow());
        ((Button) alert.getDialogPane().lookupButton(ButtonType.OK)).setText("Delete");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.OK)).getStyleClass().add("danger");
        alert.getDialogPane().setId("deleteDialog");
        alert.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> delete(f));
    }

    void delete(DriveFile f) {
        Fx.background(app.io(), () -> {
            app.client().delete(f.id());
            return null;
        }, v -> {
            all.remove(f);
            player.forget(f);
            thumbnails.forget(f.id());
            app.notifier().info("Moved " + f.name() + " to the trash");
            loadMe();
        }, error -> app.notifier().error("Could not delete " + f.name(), error));
    }

    void logout() {
        stopAll();
        app.client().logout();
        onLogout.run();
    }

    /** Stops playback and uploads (logout, window close). */
    public void stopAll() {
        player.stop();
        uploads.close();
    }

    // ---- for tests -----------------------------------------------------------------------------

    ObservableList<DriveFile> shownFiles() {
        return shown;
    }

    ObservableList<DriveFile> allFiles() {
        return all;
    }

    UploadQueue uploads() {
        return uploads;
    }

    PreviewOverlay preview() {
        return preview;
    }

    PlayerBar player() {
        return player;
    }

    FileGrid grid() {
        return grid;
    }

    ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }
}
