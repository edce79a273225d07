package com.audmg.drive;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;

/**
 * API Gateway REST (v1) proxy events built from AWS's sample event kept verbatim in
 * src/test/resources/events, with the route-specific parts replaced.
 */
public final class Events {

    private final APIGatewayProxyRequestEvent event;

    private Events(String method, String resource, String path) {
        event = EventLoader.loadApiGatewayRestEvent("events/apigw-rest-proxy.json");
        event.setHttpMethod(method);
        event.setResource(resource);
        event.setPath(path);
        event.getRequestContext().setHttpMethod(method);
        event.getRequestContext().setResourcePath(resource);
        event.getRequestContext().setPath("/prod" + path);
        event.setPathParameters(null);
        event.setQueryStringParameters(null);
        event.setMultiValueQueryStringParameters(null);
        event.setBody(null);
    }

    public static Events request(String method, String resource, String path) {
        return new Events(method, resource, path);
    }

    public Events pathParameter(String name, String value) {
        Map<String, String> params = event.getPathParameters() == null ? new HashMap<>() : event.getPathParameters();
        params.put(name, value);
        event.setPathParameters(params);
        return this;
    }

    public Events query(String name, String value) {
        Map<String, String> query = event.getQueryStringParameters() == null
                ? new HashMap<>() : event.getQueryStringParameters();
        query.put(name, value);
        event.setQueryStringParameters(query);
        Map<String, List<String>> multi = event.getMultiValueQueryStringParameters() == null
                ? new HashMap<>() : event.getMultiValueQueryStringParameters();
        multi.put(name, List.of(value));
        event.setMultiValueQueryStringParameters(multi);
        return this;
    }

    public Events header(String name, String value) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put(name, value);
        event.setHeaders(headers);
        Map<String, List<String>> multi = new HashMap<>(event.getMultiValueHeaders());
        multi.put(name, List.of(value));
        event.setMultiValueHeaders(multi);
        return this;
    }

    public Events bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    /** As API Gateway does after the TOKEN authorizer allowed the call. */
    public Events authorizerContext(String userId, String username, String sessionId) {
        return authorizerContext(userId, username, sessionId, java.time.Instant.now().plusSeconds(900));
    }

    public Events authorizerContext(String userId, String username, String sessionId, java.time.Instant expiresAt) {
        Map<String, Object> authorizer = new HashMap<>();
        authorizer.put("expiresAt", Long.toString(expiresAt.getEpochSecond()));
        authorizer.put("principalId", userId);
        authorizer.put("userId", userId);
        authorizer.put("username", username);
        authorizer.put("sessionId", sessionId);
        event.getRequestContext().setAuthorizer(authorizer);
        return this;
    }

    /** As API Gateway fills {@code requestContext.identity.sourceIp}. */
    public Events sourceIp(String ip) {
        event.getRequestContext().getIdentity().setSourceIp(ip);
        return this;
    }

    public Events body(String body) {
        event.setBody(body);
        return this;
    }

    public APIGatewayProxyRequestEvent build() {
        return event;
    }
}
