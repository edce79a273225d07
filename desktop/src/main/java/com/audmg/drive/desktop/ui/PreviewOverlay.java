package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.DriveFile;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Full-window image preview: fit / actual size / wheel zoom (around the mouse; keys and buttons around the centre),
 * drag to pan when zoomed, previous and next with the arrow keys; date taken and camera from the server's EXIF.
 */
final class PreviewOverlay extends BorderPane {

    private final AppContext app;
    private final Supplier<List<DriveFile>> images;
    private final Consumer<DriveFile> onDownload;
    private final Runnable onClose;
    private final ImageView view = new ImageView();
    private final ScrollPane scroll = new ScrollPane();
    private final StackPane canvas = new StackPane(view);
    private final Label title = new Label();
    private final Label details = new Label();
    private final Label zoomLabel = new Label();
    private final ProgressIndicator spinner = new ProgressIndicator();
    private DriveFile file;
    private double[] dragStart;
    private boolean fit = true;
    private double zoom = 1;

    PreviewOverlay(AppContext app, Supplier<List<DriveFile>> images, Consumer<DriveFile> onDownload,
                   Runnable onClose) {
        this.app = app;
        this.images = images;
        this.onDownload = onDownload;
        this.onClose = onClose;
        setId("preview");
        getStyleClass().add("preview-overlay");

        title.getStyleClass().addAll("title-4", "preview-text");
        title.setId("previewTitle");
        details.getStyleClass().addAll("text-small", "preview-muted");
        details.setId("previewDetails");
        zoomLabel.getStyleClass().add("preview-muted");
        zoomLabel.setId("zoomLabel");
        zoomLabel.setMinWidth(52);

        Button fitButton = tool(Feather.MINIMIZE, "Fit to window (F)", "previewFit");
        fitButton.setOnAction(e -> fit());
        Button actual = tool(Feather.MAXIMIZE, "Actual size (1)", "previewActual");
        actual.setOnAction(e -> setZoom(1));
        Button zoomIn = tool(Feather.ZOOM_IN, "Zoom in (+)", "previewZoomIn");
        zoomIn.setOnAction(e -> setZoom(currentScale() * 1.25));
        Button zoomOut = tool(Feather.ZOOM_OUT, "Zoom out (-)", "previewZoomOut");
        zoomOut.setOnAction(e -> setZoom(currentScale() / 1.25));
        Button download = tool(Feather.DOWNLOAD, "Download", "previewDownload");
        download.setOnAction(e -> onDownload.accept(file));
        Button close = tool(Feather.X, "Close (Esc)", "previewClose");
        close.setOnAction(e -> onClose.run());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, new javafx.scene.layout.VBox(2, title, details), grow, zoomLabel, zoomOut, zoomIn,
                fitButton, actual, download, close);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(10, 16, 10, 16));
        bar.getStyleClass().add("preview-bar");
        setTop(bar);

        Button prev = tool(Feather.CHEVRON_LEFT, "Previous (Left)", "previewPrev");
        prev.getStyleClass().add("preview-nav");
        prev.setOnAction(e -> step(-1));
        Button next = tool(Feather.CHEVRON_RIGHT, "Next (Right)", "previewNext");
        next.getStyleClass().add("preview-nav");
        next.setOnAction(e -> step(1));

        view.setPreserveRatio(true);
        view.setSmooth(true);
        view.setId("previewImage");
        canvas.setAlignment(Pos.CENTER);
        canvas.minWidthProperty().bind(scroll.widthProperty().subtract(4));
        canvas.minHeightProperty().bind(scroll.heightProperty().subtract(4));
        canvas.getStyleClass().add("preview-canvas");
        scroll.setContent(canvas);
        // Panning is done here (below): the ScrollPane's own panning did not move a zoomed image.
        scroll.setPannable(false);
        canvas.setOnMousePressed(e -> {
            dragStart = new double[] {e.getScreenX(), e.getScreenY(), scroll.getHvalue(), scroll.getVvalue()};
            if (zoomedPastViewport()) {
                canvas.setCursor(javafx.scene.Cursor.CLOSED_HAND);
            }
        });
        canvas.setOnMouseDragged(e -> {
            if (dragStart != null) {
                panBy(dragStart, e.getScreenX() - dragStart[0], e.getScreenY() - dragStart[1]);
                e.consume();
            }
        });
        canvas.setOnMouseReleased(e -> {
            dragStart = null;
            canvas.setCursor(zoomedPastViewport() ? javafx.scene.Cursor.OPEN_HAND : javafx.scene.Cursor.DEFAULT);
        });
        scroll.getStyleClass().add("preview-scroll");
        scroll.viewportBoundsProperty().addListener((o, a, b) -> {
            if (fit) {
                fit();
            }
        });
        scroll.addEventFilter(javafx.scene.input.ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() != 0) {
                javafx.geometry.Point2D at = scroll.sceneToLocal(e.getSceneX(), e.getSceneY());
                zoomAround(currentScale() * (e.getDeltaY() > 0 ? 1.1 : 1 / 1.1), at.getX(), at.getY());
                e.consume();
            }
        });
        spinner.setMaxSize(48, 48);
        StackPane center = new StackPane(scroll, spinner);
        StackPane.setAlignment(prev, Pos.CENTER_LEFT);
        StackPane.setAlignment(next, Pos.CENTER_RIGHT);
        StackPane.setMargin(prev, new Insets(0, 0, 0, 12));
        StackPane.setMargin(next, new Insets(0, 12, 0, 0));
        center.getChildren().addAll(prev, next);
        setCenter(center);

        setFocusTraversable(true);
    }

    /** Keys while the preview is open; called by the drive view's scene-wide key filter. */
    boolean handleKey(javafx.scene.input.KeyEvent e) {
        KeyCode k = e.getCode();
        if (k == KeyCode.ESCAPE) {
            onClose.run();
        } else if (k == KeyCode.LEFT) {
            step(-1);
        } else if (k == KeyCode.RIGHT) {
            step(1);
        } else if (k == KeyCode.F) {
            fit();
        } else if (k == KeyCode.DIGIT1) {
            setZoom(1);
        } else if (k == KeyCode.PLUS || k == KeyCode.EQUALS || k == KeyCode.ADD) {
            setZoom(currentScale() * 1.25);
        } else if (k == KeyCode.MINUS || k == KeyCode.SUBTRACT) {
            setZoom(currentScale() / 1.25);
        } else {
            return false;
        }
        return true;
    }

    private static Button tool(Feather icon, String tip, String id) {
        Button b = new Button(null, new FontIcon(icon));
        b.getStyleClass().addAll("button-circle", "flat", "preview-tool");
        b.setTooltip(new Tooltip(tip));
        b.setId(id);
        return b;
    }

    DriveFile file() {
        return file;
    }

    Image image() {
        return view.getImage();
    }

    void show(DriveFile f) {
        this.file = f;
        title.setText(f.name());
        details.setText(Format.bytes(f.size()) + "  ·  " + f.contentType() + "  ·  " + taken(f));
        view.setImage(null);
        spinner.visibleProperty().unbind();
        spinner.setVisible(true);
        fit = true;
        // The original streams from a fresh download URL, decoded in the background; it is not cached on disk.
        Fx.background(app.io(), () -> app.client().getFile(f.id()).download().url(), url -> {
            if (!f.equals(file)) {
                return;
            }
            Image img = new Image(url, true);
            spinner.visibleProperty().bind(img.progressProperty().lessThan(1).and(img.errorProperty().not()));
            img.progressProperty().addListener((o, a, p) -> {
                if (p.doubleValue() >= 1 && fit) {
                    fit();
                }
            });
            view.setImage(img);
            updateDetails(img);
            fit();
        }, error -> {
            if (f.equals(file)) {
                spinner.visibleProperty().unbind();
                spinner.setVisible(false);
                app.notifier().error("Cannot open " + f.name(), error);
            }
        });
        requestFocus();
    }

    /** "Taken <date> · <camera>" from the photo's EXIF when the server read it, else the upload date. */
    static String taken(DriveFile f) {
        var m = f.media();
        if (m == null || m.takenAt() == null) {
            return "Added " + Format.date(f.createdAt());
        }
        return "Taken " + Format.date(m.takenAt()) + (m.camera() == null || m.camera().isBlank() ? ""
                : "  ·  " + m.camera());
    }

    private void updateDetails(Image img) {
        DriveFile f = file;
        img.widthProperty().addListener((o, a, w) -> details.setText(Format.bytes(f.size()) + "  ·  "
                + (int) img.getWidth() + " × " + (int) img.getHeight() + "  ·  " + f.contentType() + "  ·  "
                + taken(f)));
    }

    private double currentScale() {
        Image img = view.getImage();
        if (img == null || img.getWidth() <= 0) {
            return 1;
        }
        return fit ? view.getBoundsInLocal().getWidth() / img.getWidth() : zoom;
    }

    void fit() {
        fit = true;
        Image img = view.getImage();
        double w = scroll.getViewportBounds().getWidth() - 16;
        double h = scroll.getViewportBounds().getHeight() - 16;
        if (img == null || img.getWidth() <= 0 || w <= 0 || h <= 0) {
            return;
        }
        double scale = Math.min(1, Math.min(w / img.getWidth(), h / img.getHeight()));
        view.setFitWidth(img.getWidth() * scale);
        view.setFitHeight(img.getHeight() * scale);
        zoomLabel.setText(Math.round(scale * 100) + "%");
    }

    /** Zooms around the centre of the view: the point of the image there stays there. */
    void setZoom(double z) {
        javafx.geometry.Bounds v = scroll.getViewportBounds();
        zoomAround(z, v.getWidth() / 2, v.getHeight() / 2);
    }

    /**
     * Zooms so that the image point under ({@code x}, {@code y}) of the viewport stays under it (the mouse for the
     * wheel, the centre for keys and buttons). A smaller image than the view stays centred.
     */
    void zoomAround(double z, double x, double y) {
        Image img = view.getImage();
        if (img == null || img.getWidth() <= 0) {
            return;
        }
        javafx.geometry.Bounds v = scroll.getViewportBounds();
        double vw = Math.max(1, v.getWidth());
        double vh = Math.max(1, v.getHeight());
        // The image pixel under the anchor, before (the canvas centres an image smaller than the view).
        double scaleBefore = Math.max(1e-6, currentScale());
        javafx.geometry.Bounds before = view.getBoundsInParent();
        double ix = (offset(scroll.getHvalue(), Math.max(vw, canvas.getWidth()), vw) + x - before.getMinX())
                / scaleBefore;
        double iy = (offset(scroll.getVvalue(), Math.max(vh, canvas.getHeight()), vh) + y - before.getMinY())
                / scaleBefore;
        fit = false;
        zoom = Math.max(0.05, Math.min(16, z));
        view.setFitWidth(img.getWidth() * zoom);
        view.setFitHeight(img.getHeight() * zoom);
        zoomLabel.setText(Math.round(zoom * 100) + "%");
        scroll.applyCss();
        scroll.layout();
        javafx.geometry.Bounds after = view.getBoundsInParent();
        scroll.setHvalue(value(after.getMinX() + ix * zoom - x, Math.max(vw, canvas.getWidth()), vw));
        scroll.setVvalue(value(after.getMinY() + iy * zoom - y, Math.max(vh, canvas.getHeight()), vh));
        canvas.setCursor(zoomedPastViewport() ? javafx.scene.Cursor.OPEN_HAND : javafx.scene.Cursor.DEFAULT);
    }

    /** The content's left (top) edge offset shown for a scroll value. */
    private static double offset(double value, double content, double viewport) {
        return Math.max(0, content - viewport) * value;
    }

    private static double value(double offset, double content, double viewport) {
        double range = content - viewport;
        return range <= 0 ? 0.5 : Math.max(0, Math.min(1, offset / range));
    }

    private boolean zoomedPastViewport() {
        javafx.geometry.Bounds v = scroll.getViewportBounds();
        return canvas.getWidth() > v.getWidth() + 1 || canvas.getHeight() > v.getHeight() + 1;
    }

    /** Moves the view by a mouse drag of (dx, dy) pixels from where it started. */
    private void panBy(double[] start, double dx, double dy) {
        javafx.geometry.Bounds v = scroll.getViewportBounds();
        double rangeX = canvas.getWidth() - v.getWidth();
        double rangeY = canvas.getHeight() - v.getHeight();
        if (rangeX > 0) {
            scroll.setHvalue(Math.max(0, Math.min(1, start[2] - dx / rangeX)));
        }
        if (rangeY > 0) {
            scroll.setVvalue(Math.max(0, Math.min(1, start[3] - dy / rangeY)));
        }
    }

    /** The part of the image in view, as fractions of its width and height (x, y, w, h); for tests. */
    javafx.geometry.Rectangle2D visibleFraction() {
        javafx.geometry.Bounds v = scroll.getViewportBounds();
        double cw = Math.max(v.getWidth(), canvas.getWidth());
        double ch = Math.max(v.getHeight(), canvas.getHeight());
        javafx.geometry.Bounds img = view.getBoundsInParent();
        double left = offset(scroll.getHvalue(), cw, v.getWidth()) - img.getMinX();
        double top = offset(scroll.getVvalue(), ch, v.getHeight()) - img.getMinY();
        return new javafx.geometry.Rectangle2D(left / img.getWidth(), top / img.getHeight(),
                v.getWidth() / img.getWidth(), v.getHeight() / img.getHeight());
    }

    double zoom() {
        return currentScale();
    }

    void step(int delta) {
        List<DriveFile> list = images.get();
        int i = list.indexOf(file);
        if (i >= 0 && list.size() > 1) {
            show(list.get(Math.floorMod(i + delta, list.size())));
        }
    }
}
