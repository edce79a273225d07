package com.audmg.drive.local.config;

/** A serverless.yml that cannot be read or resolved; the message is meant for the user as is. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
