package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiHandler;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Base of the protected file handlers: authenticates the caller, then runs the route. */
abstract class FileHandler extends ApiHandler {

    protected final FileService files;
    private final Authenticator authenticator;

    FileHandler(FileService files, Authenticator authenticator) {
        this.files = files;
        this.authenticator = authenticator;
    }

    protected abstract APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller);

    @Override
    protected final APIGatewayProxyResponseEvent handle(ApiRequest request) {
        return handle(request, authenticator.authenticate(request));
    }

    protected static String fileId(ApiRequest request) {
        return request.pathParameter("id").orElse("");
    }

    protected static ObjectNode signed(FileService.SignedRequest signed, boolean withMethodAndHeaders) {
        ObjectNode node = Json.object();
        if (withMethodAndHeaders) {
            node.put("method", signed.method());
        }
        node.put("url", signed.url());
        if (withMethodAndHeaders) {
            ObjectNode headers = node.putObject("headers");
            signed.headers().forEach(headers::put);
        }
        node.put("expiresAt", signed.expiresAt().toString());
        return node;
    }
}
