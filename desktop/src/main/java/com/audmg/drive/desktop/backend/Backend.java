package com.audmg.drive.desktop.backend;

import java.net.URI;

/** Where the API lives: the local cloud inside this process, or a remote deployment. */
public interface Backend extends AutoCloseable {

    /** Starts (if needed) and returns the API base URL. Blocking; call off the FX thread. */
    URI start() throws BackendException;

    /** Short description for the status bar. */
    String describe();

    @Override
    void close();
}
