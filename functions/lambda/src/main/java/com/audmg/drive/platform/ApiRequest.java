package com.audmg.drive.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;

/** Read access to an API Gateway v1 proxy event, tolerant of the nulls real events contain. */
public final class ApiRequest {

    private final APIGatewayProxyRequestEvent event;
    private String userId;

    public ApiRequest(APIGatewayProxyRequestEvent event) {
        this.event = event == null ? new APIGatewayProxyRequestEvent() : event;
    }

    public APIGatewayProxyRequestEvent event() {
        return event;
    }

    /** Case-insensitive header lookup over both header maps. */
    public Optional<String> header(String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers != null) {
            for (Map.Entry<String, String> entry : headers.entrySet()) {
                if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null) {
                    return Optional.of(entry.getValue());
                }
            }
        }
        Map<String, List<String>> multi = event.getMultiValueHeaders();
        if (multi != null) {
            for (Map.Entry<String, List<String>> entry : multi.entrySet()) {
                if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)
                        && entry.getValue() != null && !entry.getValue().isEmpty()) {
                    return Optional.ofNullable(entry.getValue().get(0));
                }
            }
        }
        return Optional.empty();
    }

    public Optional<String> query(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        if (query != null && query.get(name) != null) {
            return Optional.of(query.get(name));
        }
        Map<String, List<String>> multi = event.getMultiValueQueryStringParameters();
        if (multi != null && multi.get(name) != null && !multi.get(name).isEmpty()) {
            return Optional.ofNullable(multi.get(name).get(0));
        }
        return Optional.empty();
    }

    public Optional<String> pathParameter(String name) {
        Map<String, String> params = event.getPathParameters();
        return params == null ? Optional.empty() : Optional.ofNullable(params.get(name));
    }

    public String body() {
        String body = event.getBody();
        if (body != null && Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidRequest("body", "request body is not valid base64");
            }
        }
        return body;
    }

    /** The authorizer context API Gateway attached, or an empty map (LocalStack skips authorizers). */
    public Map<String, Object> authorizerContext() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null) {
            return Map.of();
        }
        return context.getAuthorizer();
    }

    /** The caller's IP address as API Gateway saw it ({@code requestContext.identity.sourceIp}), or null. */
    public String sourceIp() {
        var context = event.getRequestContext();
        if (context == null || context.getIdentity() == null) {
            return null;
        }
        return context.getIdentity().getSourceIp();
    }

    public String route() {
        String method = event.getHttpMethod() == null ? "" : event.getHttpMethod() + " ";
        String resource = event.getResource() != null ? event.getResource() : event.getPath();
        return method + (resource == null ? "" : resource);
    }

    public String userId() {
        return userId;
    }

    public void userId(String userId) {
        this.userId = userId;
    }
}
