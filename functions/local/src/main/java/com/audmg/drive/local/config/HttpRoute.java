package com.audmg.drive.local.config;

/**
 * One {@code http} event.
 *
 * @param functionName the function it invokes
 * @param method upper-case HTTP method or {@code ANY}
 * @param path the resource path with a leading slash, e.g. {@code /files/{id}}
 * @param cors whether API Gateway answers CORS preflight requests for it
 * @param authorizer the authorizer, or null for a public route
 * @param throttling API Gateway's throttle of this method, or null when none is set (no
 *     {@code custom.apiGatewayThrottling}, or {@code throttling: { disabled: true }})
 */
public record HttpRoute(String functionName, String method, String path, boolean cors, AuthorizerConfig authorizer,
                        Throttling throttling) {

    /** A route without throttling. */
    public HttpRoute(String functionName, String method, String path, boolean cors, AuthorizerConfig authorizer) {
        this(functionName, method, path, cors, authorizer, null);
    }
}
