package com.audmg.drive.desktop.backend;

/** The backend could not be started or reached. */
public class BackendException extends Exception {

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
