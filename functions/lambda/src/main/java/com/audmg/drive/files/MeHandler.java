package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.AccountStore;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.ApiRequest;

import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /me}: the account (e-mail, whether verified, whether MFA is on) and the library's usage. */
public final class MeHandler extends FileHandler {

    private final AccountStore accounts;

    public MeHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator(), Wiring.shared().accountStore());
    }

    public MeHandler(FileService files, Authenticator authenticator, AccountStore accounts) {
        super(files, authenticator);
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        AccountStore.Account account = accounts.find(caller.username())
                .filter(found -> found.userId().equals(caller.userId()))
                .orElseThrow(ApiException::unauthorized);
        Usage usage = files.usage(caller.userId());
        ObjectNode body = Json.object();
        body.put("userId", caller.userId());
        body.put("username", caller.username());
        if (account.email() == null) {
            body.putNull("email");
        } else {
            body.put("email", account.email());
        }
        body.put("emailVerified", account.emailVerified());
        body.put("mfa", account.mfa());
        body.set("usage", usage.toJson());
        body.put("quotaBytes", files.quotaBytes());
        return Responses.json(200, body);
    }
}
