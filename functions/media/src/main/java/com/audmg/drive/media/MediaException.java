package com.audmg.drive.media;

/**
 * The bytes cannot be processed and never will be (corrupt, truncated, not what they claim, or
 * beyond the processor's limits, such as a decompression bomb): the message is the reason users see.
 */
public final class MediaException extends Exception {

    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
