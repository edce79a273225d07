package com.audmg.drive.local.config;

import java.util.List;

/**
 * A Lambda authorizer attached to an http event.
 *
 * @param functionName the function that implements it
 * @param type TOKEN or REQUEST
 * @param identityHeader the header named by {@code method.request.header.X} (TOKEN: the token)
 * @param resultTtlSeconds how long a result is cached per identity (0 = no cache)
 * @param identitySources REQUEST: where the identity comes from, each {@code method.request.header.X} or
 *     {@code method.request.querystring.X}; all must be present when results are cached, and together they are
 *     the cache key
 */
public record AuthorizerConfig(String functionName, String type, String identityHeader, int resultTtlSeconds,
                               List<String> identitySources) {

    /** A TOKEN authorizer. */
    public AuthorizerConfig(String functionName, String type, String identityHeader, int resultTtlSeconds) {
        this(functionName, type, identityHeader, resultTtlSeconds, List.of("method.request.header." + identityHeader));
    }

    public boolean isRequest() {
        return type.equals("REQUEST");
    }
}
