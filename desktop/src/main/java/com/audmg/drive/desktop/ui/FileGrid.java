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
                javafx.scene.Node tile = cur == null ? null : lookup("#tile-" + cur.id());
                javafx.scene.Node anchor = tile != null ? tile : this;
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

    private final class RowCell extends ListCell<List<DriveFile>> {
        private final HBox row = new HBox(12);

        RowCell() {
            row.setPadding(new Insets(6, 12, 6, 12));
            getStyleClass().add("grid-row");
        }

        @Override
        protected void updateItem(List<DriveFile> item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            row.getChildren().clear();
            for (DriveFile f : item) {
                row.getChildren().add(tile(f));
            }
            String heading = headingOf(getIndex(), item);
            if (heading == null) {
                setGraphic(row);
                return;
            }
            Label title = new Label(heading);
            title.getStyleClass().addAll("title-4", "timeline-heading");
            title.setPadding(new Insets(10, 12, 0, 12));
            setGraphic(new VBox(title, row));
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

    private VBox tile(DriveFile f) {
        StackPane art = new StackPane();
        art.getStyleClass().add("tile-art");
        art.setMinSize(Thumbnails.SIZE, Thumbnails.SIZE);
        art.setMaxSize(Thumbnails.SIZE, Thumbnails.SIZE);
        if (f.isImage()) {
            FontIcon placeholder = new FontIcon(Feather.IMAGE);
            placeholder.setIconSize(36);
            placeholder.getStyleClass().add("tile-icon");
            art.getChildren().add(placeholder);
            ImageView view = new ImageView();
            view.setFitWidth(Thumbnails.SIZE);
            view.setFitHeight(Thumbnails.SIZE);
            view.setPreserveRatio(true);
            view.setSmooth(true);
            view.getStyleClass().add("thumbnail");
            art.getChildren().add(view);
            thumbnails.load(f, img -> {
                view.setImage(img);
                view.setUserData(f.id());
                placeholder.visibleProperty().bind(img.progressProperty().lessThan(1));
            });
        } else {
            FontIcon note = new FontIcon(Feather.MUSIC);
            note.setIconSize(44);
            note.getStyleClass().add("tile-icon-audio");
            double known = durations.containsKey(f.id()) ? durations.get(f.id())
                    : f.media() != null ? f.media().durationSeconds() : Double.NaN;
            Label dur = new Label(Double.isNaN(known) ? "Audio" : Format.duration(known));
            dur.getStyleClass().addAll("text-small", "tile-duration");
            // The player learns the duration; the label hears it through a weak listener it keeps alive itself.
            javafx.collections.MapChangeListener<String, Double> onDuration = c -> {
                if (c.wasAdded() && c.getKey().equals(f.id())) {
                    dur.setText(Format.duration(c.getValueAdded()));
                }
            };
            dur.getProperties().put("durationListener", onDuration);
            durations.addListener(new javafx.collections.WeakMapChangeListener<>(onDuration));
            VBox v = new VBox(8, note, dur);
            v.setAlignment(Pos.CENTER);
            art.getChildren().add(v);
            if (f.media() != null && f.media().hasCover()) {
                ImageView cover = new ImageView(new javafx.scene.image.Image(f.media().coverUrl(), Thumbnails.SIZE,
                        Thumbnails.SIZE, true, true, true));
                cover.setFitWidth(Thumbnails.SIZE);
                cover.setFitHeight(Thumbnails.SIZE);
                cover.setPreserveRatio(true);
                cover.visibleProperty().bind(cover.getImage().errorProperty().not());
                art.getChildren().add(cover);
            }
            art.getStyleClass().add("tile-art-audio");
        }
        Label name = new Label(f.isAudio() ? f.displayTitle() : f.name());
        name.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
        name.setMaxWidth(TILE_WIDTH - 8);
        name.getStyleClass().add("tile-name");
        Label meta = new Label(Format.bytes(f.size()));
        meta.getStyleClass().addAll("text-muted", "text-small");
        VBox tile = new VBox(6, art, name, meta);
        tile.setAlignment(Pos.TOP_CENTER);
        tile.setPrefWidth(TILE_WIDTH);
        tile.setMaxWidth(TILE_WIDTH);
        tile.getStyleClass().add("tile");
        tile.setUserData(f);
        tile.setId("tile-" + f.id());
        if (selection.contains(f)) {
            tile.getStyleClass().add("selected");
        }
        tile.setOnMouseClicked(e -> {
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
                onMenu.show(tile, e.getScreenX(), e.getScreenY());
            }
        });
        tile.setOnContextMenuRequested(javafx.event.Event::consume);
        return tile;
    }
}
