package com.audmg.drive.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.ApiHandler;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /auth/login}. */
public final class LoginHandler extends ApiHandler {

    private final AuthService auth;

    public LoginHandler() {
        this(Wiring.shared().authService());
    }

    public LoginHandler(AuthService auth) {
        this.auth = auth;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        String username = Json.requiredString(body, "username");
        String password = Json.requiredString(body, "password");
        TokenService.IssuedToken token = auth.login(username, password);
        request.userId(token.userId());
        ObjectNode response = Json.object();
        response.put("token", token.token());
        response.put("tokenType", "Bearer");
        response.put("expiresIn", token.expiresIn());
        return Responses.json(200, response);
    }
}
