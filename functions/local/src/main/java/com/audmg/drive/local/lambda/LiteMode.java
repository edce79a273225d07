package com.audmg.drive.local.lambda;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.ServerlessConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether a project's functions can share one worker JVM. A class loader per function isolates static state, SDK
 * clients and handler instances, but not the process: {@code System.getenv}, system properties and the Java
 * version are one per JVM. So lite mode needs every function to have the same environment (serverless.yml's,
 * resolved) and the same Java; a project where they differ is refused with the difference named, rather than
 * run with one function seeing another's settings.
 */
public final class LiteMode {
    private LiteMode() {
    }

    /** Why {@code config}'s functions cannot share one JVM; empty when they can. */
    public static List<String> refusals(ServerlessConfig config, List<java.nio.file.Path> jdkRoots) {
        List<String> reasons = new ArrayList<>();
        List<FunctionConfig> functions = List.copyOf(config.functions().values());
        if (functions.isEmpty()) {
            return reasons;
        }
        FunctionConfig first = functions.get(0);
        JdkLocator jdks = new JdkLocator(jdkRoots);
        String java = jdks.choose(first.runtime()).executable();
        for (FunctionConfig fn : functions.subList(1, functions.size())) {
            TreeSet<String> differ = new TreeSet<>();
            Map<String, String> a = first.environment();
            Map<String, String> b = fn.environment();
            for (String k : a.keySet()) {
                if (!Objects.equals(a.get(k), b.get(k))) {
                    differ.add(k);
                }
            }
            for (String k : b.keySet()) {
                if (!a.containsKey(k)) {
                    differ.add(k);
                }
            }
            if (!differ.isEmpty()) {
                // Names only: values may be secrets.
                reasons.add("functions " + first.name() + " and " + fn.name() + " have different environment"
                        + " variables (" + String.join(", ", differ) + "), and System.getenv is one per JVM");
            }
            String other = jdks.choose(fn.runtime()).executable();
            if (!other.equals(java)) {
                reasons.add("functions " + first.name() + " (" + first.runtime() + ") and " + fn.name() + " ("
                        + fn.runtime() + ") need different Javas (" + java + ", " + other + ")");
            }
        }
        return reasons;
    }
}
