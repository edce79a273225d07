package com.audmg.drive.desktop.ui;

import com.audmg.drive.desktop.api.Waveform;
import java.util.function.DoubleConsumer;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import java.util.ArrayList;
import java.util.List;
import javafx.css.CssMetaData;
import javafx.css.SimpleStyleableObjectProperty;
import javafx.css.StyleConverter;
import javafx.css.Styleable;
import javafx.css.StyleableObjectProperty;
import javafx.css.StyleableProperty;
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
    /** The played part's colour, from CSS ({@code -wave-played}: the theme's accent, light or dark). */
    private static final CssMetaData<WaveformBar, Color> PLAYED = colour("-wave-played", "#0969da", bar -> bar.played);
    /** The rest's colour, from CSS ({@code -wave-rest}). */
    private static final CssMetaData<WaveformBar, Color> REST = colour("-wave-rest", "#8c959f", bar -> bar.rest);
    private static final List<CssMetaData<? extends Styleable, ?>> CSS;

    static {
        List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Region.getClassCssMetaData());
        all.add(PLAYED);
        all.add(REST);
        CSS = List.copyOf(all);
    }

    private final StyleableObjectProperty<Color> played =
            new SimpleStyleableObjectProperty<>(PLAYED, this, "played", PLAYED.getInitialValue(null));
    private final StyleableObjectProperty<Color> rest =
            new SimpleStyleableObjectProperty<>(REST, this, "rest", REST.getInitialValue(null));
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
        played.addListener(o -> draw());
        rest.addListener(o -> draw());
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

    private static CssMetaData<WaveformBar, Color> colour(String property, String initial,
                                                          java.util.function.Function<WaveformBar,
                                                                  StyleableObjectProperty<Color>> of) {
        return new CssMetaData<>(property, StyleConverter.getColorConverter(), Color.web(initial)) {
            @Override
            public boolean isSettable(WaveformBar bar) {
                return !of.apply(bar).isBound();
            }

            @Override
            public StyleableProperty<Color> getStyleableProperty(WaveformBar bar) {
                return of.apply(bar);
            }
        };
    }

    @Override
    public List<CssMetaData<? extends Styleable, ?>> getCssMetaData() {
        return CSS;
    }

    /** The colours drawn now: played, rest (they follow the theme). */
    Color[] colours() {
        return new Color[] {played.get(), rest.get()};
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
        double playedX = playedFraction() * w;
        Color accent = played.get();
        Color other = rest.get();
        int bars = Math.max(1, (int) (w / (BAR + GAP)));
        double mid = h / 2;
        for (int i = 0; i < bars; i++) {
            double x = i * (BAR + GAP);
            float peak = wf.peak((double) i / bars, (double) (i + 1) / bars);
            double bh = Math.max(1.5, peak * (h - 2));
            g.setFill(x + BAR / 2 <= playedX ? accent : other);
            g.fillRect(x, mid - bh / 2, BAR, bh);
        }
    }
}
