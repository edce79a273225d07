package com.audmg.drive.local.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JVM settings Lambda's Java runtimes give a function unless its {@code JAVA_TOOL_OPTIONS} says otherwise
 * (AWS, "Customize Java runtime startup behavior"): tiered compilation stopped at C1 and the serial collector, each
 * one a default a function may change, e.g. {@code JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=4} for a
 * compute-heavy function or {@code -XX:+UseParallelGC}. On a command line they would win over
 * {@code JAVA_TOOL_OPTIONS} (the JVM reads that variable first), and two collectors refuse to start: so each
 * default is left out when the function's own options set it.
 */
public final class RuntimeDefaults {
    private static final Pattern TIERING = Pattern.compile("-XX:(-TieredCompilation|TieredStopAtLevel=.*)");
    private static final Pattern COLLECTOR = Pattern.compile("-XX:[+-]Use\\w+GC");

    private RuntimeDefaults() {
    }

    /** The default options for a worker whose environment is {@code env}, in this order. */
    public static List<String> jvmOptions(Map<String, String> env) {
        List<String> own = List.of(env.getOrDefault("JAVA_TOOL_OPTIONS", "").trim().split("\\s+"));
        List<String> options = new ArrayList<>();
        if (own.stream().noneMatch(o -> TIERING.matcher(o).matches())) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        if (own.stream().noneMatch(o -> COLLECTOR.matcher(o).matches())) {
            options.add("-XX:+UseSerialGC");
        }
        return options;
    }
}
