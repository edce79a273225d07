package com.audmg.drive.desktop.library;

/** The local library cache could not be read or written (a disk problem, or a damaged database). */
public final class LibraryStoreException extends Exception {

    public LibraryStoreException(String message, Throwable cause) {
        super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
}
