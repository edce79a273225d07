package com.audmg.drive.local.config;

/**
 * A Lambda authorizer attached to an http event.
 *
 * @param functionName the function that implements it
 * @param type TOKEN or REQUEST
 * @param identityHeader the header named by {@code method.request.header.X}
 * @param resultTtlSeconds how long a result is cached per identity (0 = no cache)
 */
public record AuthorizerConfig(String functionName, String type, String identityHeader, int resultTtlSeconds) {
}
