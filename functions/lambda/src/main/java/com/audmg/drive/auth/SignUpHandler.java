package com.audmg.drive.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.ApiHandler;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /auth/signup} (with an optional e-mail address, which is sent a verification code). */
public final class SignUpHandler extends ApiHandler {

    private final AuthService auth;

    public SignUpHandler() {
        this(Wiring.shared().signUpService());
    }

    public SignUpHandler(AuthService auth) {
        this.auth = auth;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        String username = Json.requiredString(body, "username");
        String password = Json.requiredString(body, "password");
        JsonNode email = body.get("email");
        if (email != null && !email.isNull() && !email.isTextual()) {
            throw com.audmg.drive.platform.ApiException.invalidRequest("email", "email must be a string");
        }
        AccountStore.Account account = auth.signUp(username, password,
                email == null || email.isNull() ? null : email.asText(), request.sourceIp());
        request.userId(account.userId());
        ObjectNode response = Json.object();
        response.put("userId", account.userId());
        response.put("username", account.username());
        return Responses.json(201, response);
    }
}
