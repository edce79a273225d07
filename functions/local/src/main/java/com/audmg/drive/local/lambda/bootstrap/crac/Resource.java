package com.audmg.drive.local.lambda.bootstrap.crac;

/** The {@code jdk.crac} API that {@code org.crac} adapts to (see {@link Core}): a resource notified around a snapshot. */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
