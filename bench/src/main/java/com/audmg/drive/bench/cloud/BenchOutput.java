package com.audmg.drive.bench.cloud;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** The table's first line. */
    public static String machineLine(JsonNode machine) {
        return String.format(Locale.ROOT, "Machine: %d cores, %d MB, %s, %s", machine.path("cores").asInt(),
                machine.path("memoryMb").asLong(), machine.path("java").asText(), machine.path("os").asText());
    }

    /** A figure's number rounded to two decimals, or null. */
    public static void putNumber(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 100) / 100.0);
        }
    }

    /** Writes the results document (pretty-printed), creating the folder it goes in. */
    public static void writeJson(Path file, ObjectNode root) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
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
