package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /files}. */
public final class CreateUploadHandler extends FileHandler {

    public CreateUploadHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public CreateUploadHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        JsonNode body = Json.parseObject(request.body());
        String name = Json.requiredString(body, "name");
        String contentType = Json.requiredString(body, "contentType");
        long size = Json.requiredPositiveLong(body, "size");
        FileService.Created created = files.createUpload(caller.userId(), name, contentType, size);
        ObjectNode response = Json.object();
        response.set("file", files.view(caller.userId(), created.file()));
        response.set("upload", signed(created.upload(), true));
        return Responses.json(201, response);
    }
}
