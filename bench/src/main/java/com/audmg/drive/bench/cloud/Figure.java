package com.audmg.drive.bench.cloud;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One line of the results: a median (and p99 for latencies) of samples, a target and whether it was met.
 * {@code met} is null when there is no target or the figure was not measured.
 */
final class Figure {
    final String name;
    final String unit;
    int samples;
    Double median;
    Double p99;
    final String target;
    Boolean met;
    String note;
    int failures;

    Figure(String name, String unit, String target) {
        this.name = name;
        this.unit = unit;
        this.target = target;
    }

    static Figure of(String name, String unit, List<Double> values, boolean withP99, String target) {
        Figure f = new Figure(name, unit, target);
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        f.samples = sorted.size();
        if (!sorted.isEmpty()) {
            f.median = percentile(sorted, 50);
            if (withP99) {
                f.p99 = percentile(sorted, 99);
            }
        }
        return f;
    }

    static Figure single(String name, String unit, double value, String target) {
        Figure f = new Figure(name, unit, target);
        f.samples = 1;
        f.median = value;
        return f;
    }

    static Figure notMeasured(String name, String unit, String target, String why) {
        Figure f = new Figure(name, unit, target);
        f.note = why;
        return f;
    }

    Figure met(boolean ok) {
        this.met = ok;
        return this;
    }

    Figure note(String n) {
        this.note = n;
        return this;
    }

    static double percentile(List<Double> sorted, int p) {
        return BenchOutput.percentile(sorted, p);
    }

    static String fmt(Double d) {
        return BenchOutput.fmt(d);
    }
}
