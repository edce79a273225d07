package com.audmg.drive.local.lambda.bootstrap.crac;

/** The {@code jdk.crac} API's context: resources registered with it are notified in its own notifications. */
public abstract class Context<R extends Resource> implements Resource {
    protected Context() {
    }

    public abstract void register(R resource);
}
