package com.audmg.drive.bench.desktop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.audmg.drive.bench.cloud.BenchOutput;

/**
 * One line of the results, in the same shape as the functions bench's figures ({@code name, unit, samples, median,
 * p99, target, met, note}), with the raw values kept; numbers formatted and percentiles taken by {@link BenchOutput}.
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

    static double percentile(List<Double> sorted, int p) {
        return BenchOutput.percentile(sorted, p);
    }

    static String fmt(Double d) {
        return BenchOutput.fmt(d);
    }
}
