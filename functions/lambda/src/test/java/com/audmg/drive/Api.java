package com.audmg.drive;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.auth.LoginHandler;
import com.audmg.drive.auth.SignUpHandler;
import com.audmg.drive.files.CompleteUploadHandler;
import com.audmg.drive.files.ContentSniffer;
import com.audmg.drive.files.CreateUploadHandler;
import com.audmg.drive.files.ChangesHandler;
import com.audmg.drive.files.DeleteFileHandler;
import com.audmg.drive.files.FileVersionsHandler;
import com.audmg.drive.files.UpdateFileHandler;
import com.audmg.drive.files.GetFileHandler;
import com.audmg.drive.files.ListFilesHandler;
import com.audmg.drive.files.MeHandler;
import com.audmg.drive.platform.Json;
import com.fasterxml.jackson.databind.JsonNode;

/** Drives the handlers the way API Gateway would, one method per route of API.md. */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final SignUpHandler signUp;
    public final LoginHandler login;
    public final MeHandler me;
    public final ListFilesHandler listFiles;
    public final CreateUploadHandler createUpload;
    public final CompleteUploadHandler completeUpload;
    public final GetFileHandler getFile;
    public final DeleteFileHandler deleteFile;
    public final UpdateFileHandler updateFile;
    public final FileVersionsHandler fileVersions;
    public final ChangesHandler changes;

    public Api(Wiring wiring) {
        signUp = new SignUpHandler(wiring.authService());
        login = new LoginHandler(wiring.authService(), wiring.sessions(), wiring.authenticator(), wiring.mfaService(),
                wiring.emailService());
        me = new MeHandler(wiring.fileService(), wiring.authenticator(), wiring.accountStore());
        listFiles = new ListFilesHandler(wiring.fileService(), wiring.authenticator());
        createUpload = new CreateUploadHandler(wiring.fileService(), wiring.authenticator());
        completeUpload = new CompleteUploadHandler(wiring.fileService(new ContentSniffer()), wiring.authenticator());
        getFile = new GetFileHandler(wiring.fileService(), wiring.authenticator());
        deleteFile = new DeleteFileHandler(wiring.fileService(), wiring.authenticator());
        updateFile = new UpdateFileHandler(wiring.fileService(), wiring.authenticator());
        fileVersions = new FileVersionsHandler(wiring.fileService(), wiring.authenticator());
        changes = new ChangesHandler(wiring.fileService(), wiring.authenticator());
    }

    public static String credentialsJson(String username, String password) {
        return Json.write(Map.of("username", username, "password", password));
    }

    public APIGatewayProxyResponseEvent signUp(String username, String password) {
        return signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup")
                .body(credentialsJson(username, password)).build(), null);
    }

    public APIGatewayProxyResponseEvent login(String username, String password) {
        return login.handleRequest(Events.request("POST", "/auth/login", "/auth/login")
                .body(credentialsJson(username, password)).build(), null);
    }

    /** A login from another client address (API Gateway's requestContext.identity.sourceIp). */
    public APIGatewayProxyResponseEvent login(String username, String password, String sourceIp) {
        return login.handleRequest(Events.request("POST", "/auth/login", "/auth/login").sourceIp(sourceIp)
                .body(credentialsJson(username, password)).build(), null);
    }

    /** A login from a client address that presents a device token (null: the field is left out). */
    public APIGatewayProxyResponseEvent login(String username, String password, String sourceIp, String deviceToken) {
        Map<String, String> body = new java.util.HashMap<>(Map.of("username", username, "password", password));
        if (deviceToken != null) {
            body.put("deviceToken", deviceToken);
        }
        return login.handleRequest(Events.request("POST", "/auth/login", "/auth/login").sourceIp(sourceIp)
                .body(Json.write(body)).build(), null);
    }

    public APIGatewayProxyResponseEvent signUp(String username, String password, String sourceIp) {
        return signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup").sourceIp(sourceIp)
                .body(credentialsJson(username, password)).build(), null);
    }

    public APIGatewayProxyResponseEvent refresh(String refreshToken) {
        return login.handleRequest(Events.request("POST", "/auth/refresh", "/auth/refresh")
                .body(Json.write(Map.of("refreshToken", refreshToken))).build(), null);
    }

    public APIGatewayProxyResponseEvent logout(String token) {
        return login.handleRequest(Events.request("POST", "/auth/logout", "/auth/logout").bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent sessions(String token) {
        return login.handleRequest(Events.request("GET", "/me/sessions", "/me/sessions").bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent revokeSession(String token, String sessionId) {
        return login.handleRequest(Events.request("DELETE", "/me/sessions/{sessionId}", "/me/sessions/" + sessionId)
                .pathParameter("sessionId", sessionId).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent changePassword(String token, String currentPassword, String newPassword) {
        return login.handleRequest(Events.request("POST", "/me/password", "/me/password").bearer(token)
                .body(Json.write(Map.of("currentPassword", currentPassword, "newPassword", newPassword))).build(), null);
    }

    public APIGatewayProxyResponseEvent deleteAccount(String token, String password) {
        return login.handleRequest(Events.request("DELETE", "/me", "/me").bearer(token)
                .body(Json.write(Map.of("password", password))).build(), null);
    }

    public APIGatewayProxyResponseEvent beginMfa(String token) {
        return login.handleRequest(Events.request("POST", "/me/mfa/totp", "/me/mfa/totp").bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent confirmMfa(String token, String code) {
        return login.handleRequest(Events.request("POST", "/me/mfa/totp/confirm", "/me/mfa/totp/confirm").bearer(token)
                .body(Json.write(Map.of("code", code))).build(), null);
    }

    public APIGatewayProxyResponseEvent disableMfa(String token, String code) {
        return login.handleRequest(Events.request("DELETE", "/me/mfa/totp", "/me/mfa/totp").bearer(token)
                .body(Json.write(Map.of("code", code))).build(), null);
    }

    public APIGatewayProxyResponseEvent loginMfa(String mfaToken, String code) {
        return login.handleRequest(Events.request("POST", "/auth/login/mfa", "/auth/login/mfa")
                .body(Json.write(Map.of("mfaToken", mfaToken, "code", code))).build(), null);
    }

    public APIGatewayProxyResponseEvent signUp(String username, String password, String email, String sourceIp) {
        return signUp.handleRequest(Events.request("POST", "/auth/signup", "/auth/signup").sourceIp(sourceIp)
                .body(Json.write(Map.of("username", username, "password", password, "email", email))).build(), null);
    }

    public APIGatewayProxyResponseEvent changeEmail(String token, String email, String currentPassword) {
        return login.handleRequest(Events.request("PUT", "/me/email", "/me/email").bearer(token)
                .body(Json.write(currentPassword == null ? Map.of("email", email)
                        : Map.of("email", email, "currentPassword", currentPassword))).build(), null);
    }

    public APIGatewayProxyResponseEvent verifyEmail(String token, String code) {
        return login.handleRequest(Events.request("POST", "/me/email/verify", "/me/email/verify").bearer(token)
                .body(Json.write(Map.of("code", code))).build(), null);
    }

    public APIGatewayProxyResponseEvent requestReset(String username, String sourceIp) {
        return login.handleRequest(Events.request("POST", "/auth/password-reset", "/auth/password-reset")
                .sourceIp(sourceIp).body(Json.write(Map.of("username", username))).build(), null);
    }

    public APIGatewayProxyResponseEvent confirmReset(String username, String code, String newPassword) {
        return confirmReset(username, code, newPassword, "192.0.2.10");
    }

    public APIGatewayProxyResponseEvent confirmReset(String username, String code, String newPassword, String sourceIp) {
        return login.handleRequest(Events.request("POST", "/auth/password-reset/confirm", "/auth/password-reset/confirm")
                .sourceIp(sourceIp).body(Json.write(Map.of("username", username, "code", code, "newPassword", newPassword)))
                .build(), null);
    }

    /** Signs up and logs in; returns the bearer token. */
    public String newUser(String username) {
        String password = "correct horse " + username;
        check(signUp(username, password), 201);
        return json(check(login(username, password), 200)).get("token").asText();
    }

    public APIGatewayProxyResponseEvent me(String token) {
        return me.handleRequest(Events.request("GET", "/me", "/me").bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent create(String token, String name, String contentType, long size) {
        return create(token, Json.write(Map.of("name", name, "contentType", contentType, "size", size)));
    }

    public APIGatewayProxyResponseEvent create(String token, String body) {
        return createUpload.handleRequest(Events.request("POST", "/files", "/files").bearer(token).body(body).build(), null);
    }

    public APIGatewayProxyResponseEvent complete(String token, String id) {
        return completeUpload.handleRequest(Events.request("POST", "/files/{id}/complete", "/files/" + id + "/complete")
                .pathParameter("id", id).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent get(String token, String id) {
        return getFile.handleRequest(Events.request("GET", "/files/{id}", "/files/" + id)
                .pathParameter("id", id).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent delete(String token, String id) {
        return deleteFile.handleRequest(Events.request("DELETE", "/files/{id}", "/files/" + id)
                .pathParameter("id", id).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent deletePermanently(String token, String id) {
        return deleteFile.handleRequest(Events.request("DELETE", "/files/{id}", "/files/" + id)
                .pathParameter("id", id).query("permanent", "true").bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent rename(String token, String id, String name) {
        return updateFile.handleRequest(Events.request("PATCH", "/files/{id}", "/files/" + id)
                .pathParameter("id", id).bearer(token).body(Json.write(Map.of("name", name))).build(), null);
    }

    public APIGatewayProxyResponseEvent restore(String token, String id) {
        return updateFile.handleRequest(Events.request("POST", "/files/{id}/restore", "/files/" + id + "/restore")
                .pathParameter("id", id).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent createVersion(String token, String id, String contentType, long size) {
        return fileVersions.handleRequest(Events.request("POST", "/files/{id}/versions", "/files/" + id + "/versions")
                .pathParameter("id", id).bearer(token)
                .body(Json.write(Map.of("contentType", contentType, "size", size))).build(), null);
    }

    public APIGatewayProxyResponseEvent completeVersion(String token, String id, String versionId) {
        return completeUpload.handleRequest(Events.request("POST", "/files/{id}/versions/{versionId}/complete",
                        "/files/" + id + "/versions/" + versionId + "/complete")
                .pathParameter("id", id).pathParameter("versionId", versionId).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent versions(String token, String id) {
        return fileVersions.handleRequest(Events.request("GET", "/files/{id}/versions", "/files/" + id + "/versions")
                .pathParameter("id", id).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent version(String token, String id, String versionId) {
        return fileVersions.handleRequest(Events.request("GET", "/files/{id}/versions/{versionId}",
                        "/files/" + id + "/versions/" + versionId)
                .pathParameter("id", id).pathParameter("versionId", versionId).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent restoreVersion(String token, String id, String versionId) {
        return fileVersions.handleRequest(Events.request("POST", "/files/{id}/versions/{versionId}/restore",
                        "/files/" + id + "/versions/" + versionId + "/restore")
                .pathParameter("id", id).pathParameter("versionId", versionId).bearer(token).build(), null);
    }

    public APIGatewayProxyResponseEvent changes(String token, Map<String, String> query) {
        Events events = Events.request("GET", "/changes", "/changes").bearer(token);
        query.forEach(events::query);
        return changes.handleRequest(events.build(), null);
    }

    public APIGatewayProxyResponseEvent list(String token, Map<String, String> query) {
        Events events = Events.request("GET", "/files", "/files").bearer(token);
        query.forEach(events::query);
        return listFiles.handleRequest(events.build(), null);
    }

    /** Create, PUT through the presigned URL exactly as told, complete; returns the complete response. */
    public APIGatewayProxyResponseEvent upload(String token, String name, String contentType, byte[] bytes) {
        JsonNode created = json(check(create(token, name, contentType, bytes.length), 201));
        HttpResponse<String> put = put(created.get("upload"), bytes);
        if (put.statusCode() != 200) {
            throw new AssertionError("presigned PUT failed: " + put.statusCode() + " " + put.body());
        }
        return complete(token, created.get("file").get("id").asText());
    }

    /** Performs the upload as a client does: method, URL and headers from the response. */
    public static HttpResponse<String> put(JsonNode upload, byte[] bytes) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upload.get("url").asText()))
                .method(upload.get("method").asText(), HttpRequest.BodyPublishers.ofByteArray(bytes));
        upload.get("headers").properties().forEach(header -> {
            // java.net.http derives Content-Length from the body and refuses to set it by hand.
            if (!header.getKey().equalsIgnoreCase("Content-Length")) {
                request.header(header.getKey(), header.getValue().asText());
            }
        });
        return send(request.build());
    }

    public static HttpResponse<byte[]> download(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static JsonNode json(APIGatewayProxyResponseEvent response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
    }

    public static APIGatewayProxyResponseEvent check(APIGatewayProxyResponseEvent response, int status) {
        if (response.getStatusCode() != status) {
            throw new AssertionError("expected " + status + " but got " + response.getStatusCode() + ": " + response.getBody());
        }
        return response;
    }

    public static String errorCode(APIGatewayProxyResponseEvent response) {
        return json(response).path("error").path("code").asText();
    }
}
