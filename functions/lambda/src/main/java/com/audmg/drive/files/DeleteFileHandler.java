package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Responses;

/** {@code DELETE /files/{id}}. */
public final class DeleteFileHandler extends FileHandler {

    public DeleteFileHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public DeleteFileHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        files.delete(caller.userId(), fileId(request));
        return Responses.noContent();
    }
}
