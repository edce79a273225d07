package com.audmg.drive.desktop.backend;

import java.net.URI;

/** An API deployed elsewhere (LocalStack or AWS API Gateway). */
public final class RemoteBackend implements Backend {

    private final URI baseUrl;

    public RemoteBackend(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public URI start() {
        return baseUrl;
    }

    @Override
    public String describe() {
        return "Remote API: " + baseUrl;
    }

    @Override
    public void close() {
        // nothing runs locally
    }
}
