package com.audmg.drive.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.ApiHandler;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The account routes of one function (one worker JVM locally, one role on AWS): {@code POST /auth/login},
 * {@code POST /auth/login/mfa}, {@code POST /auth/refresh}, {@code POST /auth/password-reset} and its
 * {@code /confirm} (public), and, behind the authorizer, {@code POST /auth/logout}, {@code GET /me/sessions},
 * {@code DELETE /me/sessions/{sessionId}}, {@code POST /me/password}, {@code DELETE /me},
 * {@code PUT /me/email}, {@code POST /me/email/verify} and the {@code /me/mfa/totp} routes.
 */
public final class LoginHandler extends ApiHandler {

    private final AuthService auth;
    private final SessionService sessions;
    private final Authenticator authenticator;
    private final MfaService mfa;
    private final EmailService email;

    public LoginHandler() {
        this(Wiring.shared().authService(), Wiring.shared().sessions(), Wiring.shared().authenticator(),
                Wiring.shared().mfaService(), Wiring.shared().emailService());
    }

    public LoginHandler(AuthService auth, SessionService sessions, Authenticator authenticator, MfaService mfa,
                        EmailService email) {
        this.auth = auth;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.mfa = mfa;
        this.email = email;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request) {
        return switch (request.route()) {
            case "POST /auth/refresh" -> refresh(request);
            case "POST /auth/logout" -> logout(request);
            case "GET /me/sessions" -> listSessions(request);
            case "DELETE /me/sessions/{sessionId}" -> revokeSession(request);
            case "POST /me/password" -> changePassword(request);
            case "DELETE /me" -> deleteAccount(request);
            case "POST /auth/login/mfa" -> loginMfa(request);
            case "POST /me/mfa/totp" -> beginMfa(request);
            case "POST /me/mfa/totp/confirm" -> confirmMfa(request);
            case "DELETE /me/mfa/totp" -> disableMfa(request);
            case "PUT /me/email" -> changeEmail(request);
            case "POST /me/email/verify" -> verifyEmail(request);
            case "POST /auth/password-reset" -> requestReset(request);
            case "POST /auth/password-reset/confirm" -> confirmReset(request);
            default -> login(request);
        };
    }

    private APIGatewayProxyResponseEvent login(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        String username = Json.requiredString(body, "username");
        String password = Json.requiredString(body, "password");
        AuthService.LoginResult login = auth.login(username, password, deviceToken(body), request.sourceIp(),
                request.header("User-Agent").orElse(""));
        request.userId(login.tokens().userId());
        return tokens(login.tokens(), login.deviceToken());
    }

    /** The optional device token of a login: a string when present (an invalid one is ignored later, not here). */
    private static String deviceToken(JsonNode body) {
        JsonNode value = body.get("deviceToken");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().length() > Devices.MAX_TOKEN_LENGTH) {
            throw ApiException.invalidRequest("deviceToken",
                    "field 'deviceToken' must be a string of at most " + Devices.MAX_TOKEN_LENGTH + " characters");
        }
        return value.textValue();
    }

    private APIGatewayProxyResponseEvent loginMfa(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        AuthService.LoginResult login = mfa.login(Json.requiredString(body, "mfaToken"),
                Json.requiredString(body, "code"), request.header("User-Agent").orElse(""));
        request.userId(login.tokens().userId());
        return tokens(login.tokens(), login.deviceToken());
    }

    private APIGatewayProxyResponseEvent beginMfa(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        MfaService.Enrolment enrolment = mfa.begin(caller);
        ObjectNode body = Json.object();
        body.put("secret", enrolment.secret());
        body.put("otpauthUrl", enrolment.otpauthUrl());
        return Responses.json(200, body);
    }

    private APIGatewayProxyResponseEvent confirmMfa(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        ObjectNode response = Json.object();
        ArrayNode codes = response.putArray("recoveryCodes");
        mfa.confirm(caller, Json.requiredString(body, "code")).forEach(codes::add);
        return Responses.json(200, response);
    }

    private APIGatewayProxyResponseEvent disableMfa(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        mfa.disable(caller, Json.requiredString(body, "code"));
        return Responses.noContent();
    }

    private APIGatewayProxyResponseEvent changeEmail(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        String address = Json.requiredString(body, "email");
        // The address receives password-reset codes: changing it takes the password, as a password change does,
        // unless the session signed in moments ago.
        auth.confirmPasswordOrRecentSignIn(caller, Json.optionalString(body, "currentPassword"));
        email.changeEmail(caller, address);
        return Responses.json(202, Json.object().put("status", "verification_sent"));
    }

    private APIGatewayProxyResponseEvent verifyEmail(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        email.verifyEmail(caller, Json.requiredString(body, "code"));
        return Responses.noContent();
    }

    /** 202 whether or not the name exists, has a verified address, or was mailed (no enumeration). */
    private APIGatewayProxyResponseEvent requestReset(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        email.requestReset(Json.requiredString(body, "username"), request.sourceIp());
        return Responses.json(202, Json.object().put("status", "accepted"));
    }

    private APIGatewayProxyResponseEvent confirmReset(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        String username = Json.requiredString(body, "username");
        String code = Json.requiredString(body, "code");
        String newPassword = Json.requiredString(body, "newPassword");
        email.confirmReset(username, code, newPassword, request.sourceIp());
        return Responses.noContent();
    }

    private APIGatewayProxyResponseEvent refresh(ApiRequest request) {
        JsonNode body = Json.parseObject(request.body());
        SessionService.Tokens tokens = auth.refresh(Json.requiredString(body, "refreshToken"));
        request.userId(tokens.userId());
        return tokens(tokens, null);
    }

    private APIGatewayProxyResponseEvent logout(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        sessions.revoke(caller.userId(), caller.sessionId());
        return Responses.noContent();
    }

    private APIGatewayProxyResponseEvent listSessions(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        for (SessionService.SessionInfo session : sessions.list(caller.userId())) {
            ObjectNode item = items.addObject();
            item.put("sessionId", session.sessionId());
            item.put("createdAt", session.createdAt().toString());
            item.put("lastUsedAt", session.lastUsedAt().toString());
            item.put("current", session.sessionId().equals(caller.sessionId()));
            item.put("client", session.client());
        }
        return Responses.json(200, body);
    }

    private APIGatewayProxyResponseEvent revokeSession(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        String sessionId = request.pathParameter("sessionId").orElse("");
        if (!sessions.revoke(caller.userId(), sessionId)) {
            throw new ApiException(404, "not_found", "no such session");
        }
        return Responses.noContent();
    }

    private APIGatewayProxyResponseEvent changePassword(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        String current = Json.requiredString(body, "currentPassword");
        String next = Json.requiredString(body, "newPassword");
        auth.changePassword(caller, current, next);
        return Responses.noContent();
    }

    private APIGatewayProxyResponseEvent deleteAccount(ApiRequest request) {
        TokenService.Principal caller = authenticator.authenticate(request);
        JsonNode body = Json.parseObject(request.body());
        auth.deleteAccount(caller, Json.requiredString(body, "password"));
        return Responses.noContent();
    }

    /** A session's tokens; after a login also the client's device token (null after a refresh). */
    private static APIGatewayProxyResponseEvent tokens(SessionService.Tokens tokens, String deviceToken) {
        ObjectNode response = Json.object();
        response.put("token", tokens.token());
        response.put("tokenType", "Bearer");
        response.put("expiresIn", tokens.expiresIn());
        response.put("refreshToken", tokens.refreshToken());
        response.put("sessionId", tokens.sessionId());
        if (deviceToken != null) {
            response.put("deviceToken", deviceToken);
        }
        return Responses.json(200, response);
    }
}
