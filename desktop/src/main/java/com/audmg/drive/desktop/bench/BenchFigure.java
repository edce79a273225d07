package com.audmg.drive.desktop.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One line of the results, in the same shape as the functions bench's figures ({@code name, unit, samples, median,
 * p99, target, met, note}). That bench's class is package-private in the local cloud module, hence this small copy.
 * {@code met} is null when there is no target or the figure was not measured.
 */
record BenchFigure(String name, String unit, List<Double> samples, Double median, Double p99, String target,
                   Boolean met, String note) {

    static BenchFigure of(String name, String unit, List<Double> values, String target, Boolean met, String note) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        Double median = sorted.isEmpty() ? null : percentile(sorted, 50);
        return new BenchFigure(name, unit, List.copyOf(values), median, null, target, met, note);
    }

    static BenchFigure notMeasured(String name, String unit, String target, String why) {
        return new BenchFigure(name, unit, List.of(), null, null, target, null, why);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static String fmt(Double d) {
        if (d == null) {
            return "-";
        }
        double a = Math.abs(d);
        if (d == Math.rint(d) || a >= 100) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        return String.format(Locale.ROOT, a >= 10 ? "%.1f" : "%.2f", d);
    }
}
