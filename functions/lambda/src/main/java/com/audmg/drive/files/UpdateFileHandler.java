package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Changes to one file: {@code PATCH /files/{id}} (rename), {@code POST /files/{id}/restore} (back from the
 * trash) and its versions ({@link FileVersionsHandler}).
 */
public final class UpdateFileHandler extends FileHandler {

    public UpdateFileHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public UpdateFileHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        if (request.pathParameter("versionId").isPresent() || request.route().endsWith("/versions")) {
            return FileVersionsHandler.respond(files, request, caller);
        }
        FileRecord file;
        if ("PATCH".equals(request.event().getHttpMethod())) {
            String name = Json.requiredString(Json.parseObject(request.body()), "name");
            file = files.rename(caller.userId(), fileId(request), name);
        } else {
            file = files.restore(caller.userId(), fileId(request));
        }
        ObjectNode response = Json.object();
        response.set("file", files.view(caller.userId(), file));
        return Responses.json(200, response);
    }
}
