package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /files/{id}}. */
public final class GetFileHandler extends FileHandler {

    public GetFileHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public GetFileHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        FileService.Retrieved retrieved = files.get(caller.userId(), fileId(request));
        ObjectNode response = Json.object();
        response.set("file", files.view(caller.userId(), retrieved.file()));
        response.set("download", signed(retrieved.download(), false));
        return Responses.json(200, response);
    }
}
