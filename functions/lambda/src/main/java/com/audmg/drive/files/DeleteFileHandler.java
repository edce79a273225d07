package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Responses;

/** {@code DELETE /files/{id}}: to the trash, or with {@code permanent=true} for good. */
public final class DeleteFileHandler extends FileHandler {

    public DeleteFileHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public DeleteFileHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        String permanent = request.query("permanent").orElse("false");
        if (!permanent.equals("true") && !permanent.equals("false")) {
            throw ApiException.invalidRequest("permanent", "permanent must be true or false");
        }
        files.delete(caller.userId(), fileId(request), permanent.equals("true"));
        return Responses.noContent();
    }
}
