package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /files/{id}/complete} and {@code POST /files/{id}/versions/{versionId}/complete}. */
public final class CompleteUploadHandler extends FileHandler {

    public CompleteUploadHandler() {
        this(Wiring.shared().fileService(new ContentSniffer()), Wiring.shared().authenticator());
    }

    public CompleteUploadHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        FileRecord file = files.complete(caller.userId(), fileId(request), request.pathParameter("versionId").orElse(null));
        ObjectNode response = Json.object();
        response.set("file", files.view(caller.userId(), file));
        return Responses.json(200, response);
    }
}
