package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /me}. */
public final class MeHandler extends FileHandler {

    public MeHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public MeHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        Usage usage = files.usage(caller.userId());
        ObjectNode body = Json.object();
        body.put("userId", caller.userId());
        body.put("username", caller.username());
        body.set("usage", usage.toJson());
        body.put("quotaBytes", files.quotaBytes());
        return Responses.json(200, body);
    }
}
