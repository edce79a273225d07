package com.audmg.drive.local.lambda.bootstrap.crac;

/** An {@code afterRestore} failed; the failures are suppressed exceptions. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public RestoreException() {
        super();
    }
}
