package com.audmg.drive.local.lambda.bootstrap.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot hooks of a function, as SnapStart runs them. {@code org.crac} (what functions register their priming
 * with) does nothing on a JVM without CRaC, unless the system property {@code org.crac.Core.Compat} names a package
 * with the {@code jdk.crac} API: this one. A worker's AOT training run sets it, builds the handler, then
 * {@link #beforeCheckpoint()} runs every registered hook, as Lambda does before it takes a SnapStart snapshot; what
 * the hooks load goes into the AOT cache. Nothing is ever checkpointed or restored here.
 */
public final class Core {
    private static final Global GLOBAL = new Global();

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /** There is no checkpoint here: as {@code org.crac} without CRaC. */
    public static void checkpointRestore() throws CheckpointException, RestoreException {
        throw new UnsupportedOperationException("no checkpoint in the local cloud");
    }

    /** Runs every registered {@code beforeCheckpoint}, last registered first (as CRaC); returns the failures. */
    public static List<Throwable> beforeCheckpoint() {
        List<Throwable> failures = new ArrayList<>();
        try {
            GLOBAL.beforeCheckpoint(GLOBAL);
        } catch (CheckpointException e) {
            failures.addAll(List.of(e.getSuppressed()));
        }
        return failures;
    }

    private static final class Global extends Context<Resource> {
        private final List<Resource> resources = new ArrayList<>();

        @Override
        public synchronized void register(Resource resource) {
            resources.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
            List<Resource> all;
            synchronized (this) {
                all = new ArrayList<>(resources);
            }
            CheckpointException failed = null;
            for (int i = all.size() - 1; i >= 0; i--) {
                try {
                    all.get(i).beforeCheckpoint(this);
                } catch (Exception | LinkageError e) {
                    failed = failed == null ? new CheckpointException() : failed;
                    failed.addSuppressed(e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            // never restored
        }
    }
}
