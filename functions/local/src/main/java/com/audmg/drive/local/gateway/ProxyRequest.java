package com.audmg.drive.local.gateway;

import java.util.List;
import java.util.Map;

/**
 * What the gateway knows about one HTTP request, before it becomes an event.
 *
 * @param method the HTTP method
 * @param resourcePath the matched resource, e.g. {@code /files/{id}}
 * @param path the request path below the stage, e.g. {@code /files/abc}
 * @param headers header names (canonical case) to their values, in arrival order
 * @param rawQuery the raw query string, or null
 * @param pathParameters matched path parameters
 * @param body the request body bytes (empty when none)
 * @param sourceIp the client address
 * @param authorizer principalId and context from the authorizer, or null
 */
public record ProxyRequest(String method, String resourcePath, String path, Map<String, List<String>> headers,
                           String rawQuery, Map<String, String> pathParameters, byte[] body, String sourceIp,
                           Map<String, Object> authorizer) {
}
