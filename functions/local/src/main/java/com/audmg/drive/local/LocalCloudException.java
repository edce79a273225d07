package com.audmg.drive.local;

/** The local cloud cannot start; the message is one line meant for the user. */
public class LocalCloudException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalCloudException(String message, Throwable cause) {
        super(message, cause);
    }
}
