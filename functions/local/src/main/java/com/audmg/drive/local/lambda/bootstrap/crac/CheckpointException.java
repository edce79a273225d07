package com.audmg.drive.local.lambda.bootstrap.crac;

/** A {@code beforeCheckpoint} failed; the failures are suppressed exceptions. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointException() {
        super();
    }
}
