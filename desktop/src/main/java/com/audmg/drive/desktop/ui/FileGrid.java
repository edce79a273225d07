package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.OverrunStyle;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import com.audmg.drive.desktop.model.Selection;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * A virtualized grid: a ListView whose rows each hold as many tiles as the width allows, so only visible tiles
 * exist and only their thumbnails load.
 */
final class FileGrid extends ListView<List<DriveFile>> {

    static final double TILE_WIDTH = 168;
    static final double TILE_HEIGHT = 200;

    private final ObservableList<DriveFile> files;
    private final Thumbnails thumbnails;
    private final Selection selection;
    private final Consumer<DriveFile> onOpen;
    /** Shows the context menu for the selection at a point of a node. */
    private final MenuRequest onMenu;
    private final javafx.collections.ObservableMap<String, Double> durations;
    private int columns = 1;
    /** The timeline: a heading per group (a month), rows break between groups; null for one plain grid. */
    private final javafx.beans.property.ObjectProperty<java.util.function.Function<DriveFile, String>> groupBy =
            new javafx.beans.property.SimpleObjectProperty<>(this, "groupBy");

    /** Where a context menu was asked for. */
    @FunctionalInterface
    interface MenuRequest {
        void show(javafx.scene.Node anchor, double screenX, double screenY);
    }

    FileGrid(ObservableList<DriveFile> files, Selection selection, Thumbnails thumbnails,
             javafx.collections.ObservableMap<String, Double> durations,
             Consumer<DriveFile> onOpen, MenuRequest onMenu) {
        this.files = files;
        this.selection = selection;
        this.thumbnails = thumbnails;
        this.durations = durations;
        this.onOpen = onOpen;
        this.onMenu = onMenu;
        selection.ids().addListener((javafx.collections.SetChangeListener<String>) c -> refreshSoon());
        setId("fileGrid");
        getStyleClass().add("file-grid");
        setFixedCellSize(TILE_HEIGHT + 12);
        setCellFactory(lv -> new RowCell());
        setFocusTraversable(true);
        files.addListener((ListChangeListener<DriveFile>) c -> rebuild());
        groupBy.addListener((o, a, g) -> {
            // Rows with a heading are taller: fixed heights only without groups.
            setFixedCellSize(g == null ? TILE_HEIGHT + 12 : -1);
            rebuild();
        });
        widthProperty().addListener((o, a, w) -> {
            int cols = Math.max(1, (int) ((w.doubleValue() - 24) / (TILE_WIDTH + 12)));
            if (cols != columns) {
                columns = cols;
                rebuild();
            }
        });
        setOnKeyPressed(e -> {
            DriveFile cur = selection.leadProperty().get();
            int i = cur == null ? -1 : indexOf(cur);
            int next = switch (e.getCode()) {
                case RIGHT -> i + 1;
                case LEFT -> i - 1;
                case DOWN -> i + columns;
                case UP -> i - columns;
                case HOME -> 0;
                case END -> files.size() - 1;
                default -> Integer.MIN_VALUE;
            };
            if (next != Integer.MIN_VALUE && !files.isEmpty()) {
                DriveFile target = files.get(Math.max(0, Math.min(files.size() - 1, next < 0 && i < 0 ? 0 : next)));
                selection.click(target, false, e.isShiftDown(), files);
                scrollToVisible(indexOf(target) / columns);
                e.consume();
            } else if (e.getCode() == KeyCode.ENTER && cur != null) {
                onOpen.accept(cur);
                e.consume();
            } else if (e.getCode() == KeyCode.CONTEXT_MENU || (e.getCode() == KeyCode.F10 && e.isShiftDown())) {
                javafx.scene.Node anchor = cur == null ? this
                        : tileOf(lookupAll(".tile"), cur.id()).orElse(this);
                var b = anchor.localToScreen(anchor.getBoundsInLocal());
                onMenu.show(anchor, b.getMinX() + Math.min(40, b.getWidth() / 2), b.getMinY() + Math.min(40,
                        b.getHeight() / 2));
                e.consume();
            }
        });
        setPlaceholder(placeholder());
    }

    private static VBox placeholder() {
        FontIcon icon = new FontIcon(Feather.UPLOAD_CLOUD);
        icon.setIconSize(48);
        icon.getStyleClass().add("text-muted");
        Label text = new Label("No files here yet. Drop images or audio files here, or use Upload.");
        text.getStyleClass().add("text-muted");
        VBox box = new VBox(12, icon, text);
        box.setAlignment(Pos.CENTER);
        return box;
    }

    private boolean refreshPending;

    /**
     * Marks the tiles on screen as selected or not, in place, once per pulse however many selection changes. The
     * cells are not rebuilt: a context menu anchored to a tile must not lose its tile.
     */
    private void refreshSoon() {
        if (!refreshPending) {
            refreshPending = true;
            javafx.application.Platform.runLater(() -> {
                refreshPending = false;
                for (javafx.scene.Node tile : lookupAll(".tile")) {
                    if (tile.getUserData() instanceof DriveFile f) {
                        boolean on = selection.contains(f);
                        if (on && !tile.getStyleClass().contains("selected")) {
                            tile.getStyleClass().add("selected");
                        } else if (!on) {
                            tile.getStyleClass().remove("selected");
                        }
                    }
                }
            });
        }
    }

    /** Selects one file and scrolls it into view. */
    void select(DriveFile f) {
        selection.select(f);
        if (f != null && !files.isEmpty()) {
            scrollToVisible(indexOf(f) / columns);
        }
    }

    private int indexOf(DriveFile f) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).sameFile(f)) {
                return i;
            }
        }
        return -1;
    }

    private void scrollToVisible(int row) {
        if (row >= 0) {
            scrollTo(Math.max(0, row - 1));
        }
    }

    javafx.beans.property.ObjectProperty<java.util.function.Function<DriveFile, String>> groupByProperty() {
        return groupBy;
    }

    private void rebuild() {
        List<List<DriveFile>> rows = new ArrayList<>();
        var group = groupBy.get();
        if (group == null) {
            for (int i = 0; i < files.size(); i += columns) {
                rows.add(List.copyOf(files.subList(i, Math.min(files.size(), i + columns))));
            }
        } else {
            List<DriveFile> row = new ArrayList<>(columns);
            String current = null;
            for (DriveFile f : files) {
                String g = group.apply(f);
                if (!row.isEmpty() && (row.size() == columns || !g.equals(current))) {
                    rows.add(List.copyOf(row));
                    row.clear();
                }
                current = g;
                row.add(f);
            }
            if (!row.isEmpty()) {
                rows.add(List.copyOf(row));
            }
        }
        getItems().setAll(FXCollections.observableArrayList(rows));
        selection.retain(files);
    }

    /**
     * A row of tiles. A cell keeps its tiles and its heading and only changes what they show when the row it holds
     * changes: building a row's nodes anew (and styling them) at each wheel step was most of a step's time.
     */
    private final class RowCell extends ListCell<List<DriveFile>> {
        private final HBox row = new HBox(12);
        private final List<Tile> tiles = new ArrayList<>();
        private final Label title = new Label();
        private final VBox withHeading = new VBox(title);

        RowCell() {
            row.setPadding(new Insets(6, 12, 6, 12));
            getStyleClass().add("grid-row");
            title.getStyleClass().addAll("title-4", "timeline-heading");
            title.setPadding(new Insets(10, 12, 0, 12));
        }

        @Override
        protected void updateItem(List<DriveFile> item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            while (tiles.size() < item.size()) {
                tiles.add(new Tile());
            }
            var shown = row.getChildren();
            for (int i = 0; i < item.size(); i++) {
                Tile t = tiles.get(i);
                t.show(item.get(i));
                if (i >= shown.size() || shown.get(i) != t.root) {
                    shown.remove(t.root);
                    shown.add(Math.min(i, shown.size()), t.root);
                }
            }
            if (shown.size() > item.size()) {
                shown.remove(item.size(), shown.size());
            }
            for (int i = item.size(); i < tiles.size(); i++) {
                tiles.get(i).show(null);
            }
            String heading = headingOf(getIndex(), item);
            if (heading == null) {
                withHeading.getChildren().remove(row);
                setGraphic(row);
                return;
            }
            title.setText(heading);
            if (row.getParent() != withHeading) {
                setGraphic(null);
                withHeading.getChildren().setAll(title, row);
            }
            setGraphic(withHeading);
        }
    }

    /** The group heading above a row that starts a group, else null. */
    private String headingOf(int index, List<DriveFile> row) {
        var group = groupBy.get();
        if (group == null || row.isEmpty()) {
            return null;
        }
        String g = group.apply(row.get(0));
        if (index > 0 && index - 1 < getItems().size()) {
            List<DriveFile> before = getItems().get(index - 1);
            if (!before.isEmpty() && g.equals(group.apply(before.get(0)))) {
                return null;
            }
        }
        return g;
    }

    /** The shown tile (style class {@code tile}) among {@code nodes} whose file is {@code id}. */
    static java.util.Optional<javafx.scene.Node> tileOf(java.util.Collection<javafx.scene.Node> nodes, String id) {
        return nodes.stream().filter(n -> n.getUserData() instanceof DriveFile f && f.id().equals(id))
                .filter(n -> n.getScene() != null && n.getParent() != null && treeVisible(n)).findFirst();
    }

    private static boolean treeVisible(javafx.scene.Node n) {
        for (javafx.scene.Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    /**
     * An audio file's art (a pseudo-class, not a style class: a style class change matches the stylesheets' selectors
     * against the node again, a pseudo-class change only switches between the styles already matched).
     */
    private static final javafx.css.PseudoClass AUDIO = javafx.css.PseudoClass.getPseudoClass("audio");

    /** One tile's nodes, made once and shown with one file after another as the grid scrolls. */
    private final class Tile {
        final VBox root;
        private final StackPane art = new StackPane();
        private final FontIcon placeholder = new FontIcon(Feather.IMAGE);
        private final ImageView view = new ImageView();
        private final Label duration = new Label();
        private final VBox audio;
        private final ImageView cover = new ImageView();
        private final Label name = new Label();
        private final Label meta = new Label();
        private DriveFile file;
        /** The duration of the current audio file as the player learns it (kept while this tile lives). */
        private final javafx.collections.MapChangeListener<String, Double> onDuration = c -> {
            if (c.wasAdded() && file != null && c.getKey().equals(file.id())) {
                duration.setText(Format.duration(c.getValueAdded()));
            }
        };

        Tile() {
            art.getStyleClass().add("tile-art");
            art.setMinSize(Thumbnails.SIZE, Thumbnails.SIZE);
            art.setMaxSize(Thumbnails.SIZE, Thumbnails.SIZE);
            placeholder.setIconSize(36);
            placeholder.getStyleClass().add("tile-icon");
            view.setFitWidth(Thumbnails.SIZE);
            view.setFitHeight(Thumbnails.SIZE);
            view.setPreserveRatio(true);
            view.setSmooth(true);
            view.getStyleClass().add("thumbnail");
            FontIcon note = new FontIcon(Feather.MUSIC);
            note.setIconSize(44);
            note.getStyleClass().add("tile-icon-audio");
            duration.getStyleClass().addAll("text-small", "tile-duration");
            audio = new VBox(8, note, duration);
            audio.setAlignment(Pos.CENTER);
            cover.setFitWidth(Thumbnails.SIZE);
            cover.setFitHeight(Thumbnails.SIZE);
            cover.setPreserveRatio(true);
            name.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
            name.setMaxWidth(TILE_WIDTH - 8);
            name.getStyleClass().add("tile-name");
            meta.getStyleClass().addAll("text-muted", "text-small");
            root = new VBox(6, art, name, meta);
            root.setAlignment(Pos.TOP_CENTER);
            root.setPrefWidth(TILE_WIDTH);
            root.setMaxWidth(TILE_WIDTH);
            root.getStyleClass().add("tile");
            durations.addListener(new javafx.collections.WeakMapChangeListener<>(onDuration));
            root.setOnMouseClicked(e -> {
                DriveFile f = file;
                if (f == null) {
                    return;
                }
                if (e.getButton() == MouseButton.PRIMARY) {
                    requestFocus();
                    selection.click(f, e.isShortcutDown(), e.isShiftDown(), files);
                    if (e.getClickCount() == 2 && !e.isShortcutDown() && !e.isShiftDown()) {
                        onOpen.accept(f);
                    }
                } else if (e.getButton() == MouseButton.SECONDARY) {
                    // The menu opens on the secondary click itself: every platform (and Monocle) delivers that one.
                    requestFocus();
                    if (!selection.contains(f)) {
                        selection.click(f, false, false, files);
                    }
                    onMenu.show(root, e.getScreenX(), e.getScreenY());
                }
            });
            root.setOnContextMenuRequested(javafx.event.Event::consume);
        }

        /** Shows a file (null: none, the tile is out of the grid). */
        void show(DriveFile f) {
            DriveFile was = file;
            file = f;
            if (f == null) {
                view.setImage(null);
                cover.setImage(null);
                return;
            }
            boolean sameContent = was != null && Thumbnails.key(was).equals(Thumbnails.key(f));
            // The tile's handle for lookups (tests, the Menu key's anchor; see tileOf) is its file, not a node id:
            // a new id re-applies CSS to the node, and every distinct id is a new entry in JavaFX's style cache, so
            // scrolling through 100,000 files matched selectors at each tile shown and grew that cache without bound.
            root.setUserData(f);
            boolean selected = selection.contains(f);
            if (selected != root.getStyleClass().contains("selected")) {
                if (selected) {
                    root.getStyleClass().add("selected");
                } else {
                    root.getStyleClass().remove("selected");
                }
            }
            name.setText(f.isAudio() ? f.displayTitle() : f.name());
            meta.setText(Format.bytes(f.size()));
            if (f.isImage()) {
                showImage(f, sameContent);
            } else {
                showAudio(f, sameContent);
            }
        }

        private void showImage(DriveFile f, boolean sameContent) {
            art.pseudoClassStateChanged(AUDIO, false);
            if (art.getChildren().size() != 2 || art.getChildren().get(0) != placeholder) {
                art.getChildren().setAll(placeholder, view);
            }
            cover.setImage(null);
            if (sameContent && view.getImage() != null) {
                return;
            }
            view.setImage(null);
            view.setUserData(null);
            placeholder.visibleProperty().unbind();
            placeholder.setVisible(true);
            thumbnails.load(f, img -> {
                if (file == null || !Thumbnails.key(file).equals(Thumbnails.key(f))) {
                    return; // this tile shows another file by now
                }
                view.setImage(img);
                view.setUserData(f.id());
                placeholder.visibleProperty().bind(img.progressProperty().lessThan(1));
            });
        }

        private void showAudio(DriveFile f, boolean sameContent) {
            art.pseudoClassStateChanged(AUDIO, true);
            view.setImage(null);
            double known = durations.containsKey(f.id()) ? durations.get(f.id())
                    : f.media() != null ? f.media().durationSeconds() : Double.NaN;
            duration.setText(Double.isNaN(known) ? "Audio" : Format.duration(known));
            if (!(sameContent && cover.getImage() != null)) {
                Image img = f.media() != null && f.media().hasCover() ? thumbnails.cover(f) : null;
                cover.visibleProperty().unbind();
                cover.setImage(img);
                if (img != null) {
                    cover.visibleProperty().bind(img.errorProperty().not());
                }
            }
            if (cover.getImage() == null) {
                if (art.getChildren().size() != 1 || art.getChildren().get(0) != audio) {
                    art.getChildren().setAll(audio);
                }
            } else if (art.getChildren().size() != 2 || art.getChildren().get(1) != cover) {
                art.getChildren().setAll(audio, cover);
            }
        }
    }
}
