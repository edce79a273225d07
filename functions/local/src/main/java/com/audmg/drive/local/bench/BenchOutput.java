package com.audmg.drive.local.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What every benchmark command of the project prints the same way (this one and the desktop's). */
public final class BenchOutput {

    private BenchOutput() {
    }

    /** {@code {"cores","memoryMb","java","os"}} of this machine. */
    public static ObjectNode machine() {
        ObjectNode machine = JsonNodeFactory.instance.objectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        long mem = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize() / 1048576;
        }
        machine.put("memoryMb", mem);
        machine.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return machine;
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** A number as the tables show it: whole above 100, then one or two decimals. */
    public static String fmt(Double d) {
        if (d == null) {
            return "-";
        }
        double a = Math.abs(d);
        if (d == Math.rint(d) && a < 1e12 || a >= 100) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        return String.format(Locale.ROOT, a >= 10 ? "%.1f" : "%.2f", d);
    }
}
