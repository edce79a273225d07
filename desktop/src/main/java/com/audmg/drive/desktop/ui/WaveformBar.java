package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Waveform;
import java.util.function.DoubleConsumer;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;

/**
 * A seek bar drawn from the server's waveform peaks: one bar per few pixels, the played part in the accent colour.
 * Click or drag to seek (the seek is sent on release; while dragging the bar follows the pointer).
 */
final class WaveformBar extends Region {

    private static final double BAR = 2;
    private static final double GAP = 1;
    private final Canvas canvas = new Canvas();
    private final ObjectProperty<Waveform> waveform = new SimpleObjectProperty<>(this, "waveform");
    private final DoubleProperty position = new SimpleDoubleProperty(this, "position");
    private final DoubleProperty duration = new SimpleDoubleProperty(this, "duration", Double.NaN);
    private final DoubleConsumer onSeek;
    /** Fraction shown while dragging, or NaN. */
    private double dragging = Double.NaN;

    WaveformBar(DoubleConsumer onSeek) {
        this.onSeek = onSeek;
        setId("waveform");
        getStyleClass().add("waveform-bar");
        getChildren().add(canvas);
        setMinSize(60, 28);
        setPrefSize(300, 32);
        setMaxHeight(36);
        waveform.addListener(o -> draw());
        position.addListener(o -> draw());
        duration.addListener(o -> draw());
        addEventHandler(MouseEvent.MOUSE_PRESSED, e -> drag(e.getX()));
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> drag(e.getX()));
        addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (!Double.isNaN(dragging)) {
                double total = duration.get();
                double f = dragging;
                dragging = Double.NaN;
                if (Double.isFinite(total) && total > 0) {
                    onSeek.accept(f * total);
                }
                draw();
            }
        });
        setCursor(javafx.scene.Cursor.HAND);
    }

    ObjectProperty<Waveform> waveformProperty() {
        return waveform;
    }

    DoubleProperty positionProperty() {
        return position;
    }

    DoubleProperty durationProperty() {
        return duration;
    }

    private void drag(double x) {
        double w = getWidth();
        if (w <= 0) {
            return;
        }
        dragging = Math.max(0, Math.min(1, x / w));
        draw();
    }

    /** The fraction shown as played: the pointer while dragging, else the position. */
    double playedFraction() {
        if (!Double.isNaN(dragging)) {
            return dragging;
        }
        double total = duration.get();
        return Double.isFinite(total) && total > 0 ? Math.max(0, Math.min(1, position.get() / total)) : 0;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            draw();
        }
    }

    private void draw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        Waveform wf = waveform.get();
        if (wf == null || w <= 0 || h <= 0) {
            return;
        }
        double played = playedFraction() * w;
        Color accent = Color.web("#0969da");
        Color rest = Color.web("#8c959f");
        int bars = Math.max(1, (int) (w / (BAR + GAP)));
        double mid = h / 2;
        for (int i = 0; i < bars; i++) {
            double x = i * (BAR + GAP);
            float peak = wf.peak((double) i / bars, (double) (i + 1) / bars);
            double bh = Math.max(1.5, peak * (h - 2));
            g.setFill(x + BAR / 2 <= played ? accent : rest);
            g.fillRect(x, mid - bh / 2, BAR, bh);
        }
    }
}
