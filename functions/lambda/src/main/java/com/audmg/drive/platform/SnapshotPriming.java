package com.audmg.drive.platform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A SnapStart runtime hook: before Lambda snapshots an initialized function, run the code a
 * first request needs once, so that functions restored from the snapshot start with those
 * classes loaded and initialized. Registered through org.crac, which does nothing on a JVM
 * without CRaC support (anywhere but a SnapStart function), so the hook then never runs.
 */
public final class SnapshotPriming implements Resource {

    /** org.crac holds resources weakly: these references keep them registered. */
    private static final List<SnapshotPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private final String name;
    private volatile Runnable prime;

    private SnapshotPriming(String name, Runnable prime) {
        this.name = name;
        this.prime = prime;
    }

    /**
     * Registers a priming action under a name; registering the name again replaces the action
     * (a Lambda container has one wiring; tests build many).
     */
    public static void register(String name, Runnable prime) {
        synchronized (REGISTERED) {
            for (SnapshotPriming existing : REGISTERED) {
                if (existing.name.equals(name)) {
                    existing.prime = prime;
                    return;
                }
            }
            SnapshotPriming priming = new SnapshotPriming(name, prime);
            REGISTERED.add(priming);
            Core.getGlobalContext().register(priming);
        }
    }

    /** What is registered (tests). */
    static List<SnapshotPriming> registered() {
        return List.copyOf(REGISTERED);
    }

    /** Forgets every registration (tests: each starts from none). */
    static void clearForTests() {
        REGISTERED.clear();
    }

    String name() {
        return name;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            prime.run();
        } catch (RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
            // Priming only changes how warm the snapshot is; a failure (a class that cannot load or initialize
            // included) must not fail the snapshot.
            StructuredLog.warn("snapshot priming " + name + " failed: " + e);
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: ids and secrets come from SecureRandom per use, credentials from
        // their provider, and the HTTP client reconnects when a pooled connection is stale.
    }
}
