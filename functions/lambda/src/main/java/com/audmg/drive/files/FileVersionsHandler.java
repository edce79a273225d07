package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A file's versions: {@code POST /files/{id}/versions} (upload a new one), {@code GET /files/{id}/versions},
 * {@code GET /files/{id}/versions/{versionId}} (with a download URL) and
 * {@code POST /files/{id}/versions/{versionId}/restore} (deployed within the updateFile function). Completing
 * a version upload is the complete function's.
 */
public final class FileVersionsHandler extends FileHandler {

    public FileVersionsHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public FileVersionsHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        return respond(files, request, caller);
    }

    /** The routes themselves, also served by the updateFile function (one worker for changes to a file). */
    static APIGatewayProxyResponseEvent respond(FileService files, ApiRequest request, TokenService.Principal caller) {
        String method = request.event().getHttpMethod();
        String fileId = fileId(request);
        String versionId = request.pathParameter("versionId").orElse(null);
        ObjectNode response = Json.object();
        if (versionId == null && "POST".equals(method)) {
            JsonNode body = Json.parseObject(request.body());
            String contentType = Json.requiredString(body, "contentType");
            long size = Json.requiredPositiveLong(body, "size");
            FileService.Created created = files.createVersion(caller.userId(), fileId, contentType, size);
            FileRecord.Upload upload = created.file().upload();
            response.set("version", version(upload.objectId(), created.file().version() + 1, upload.size(),
                    upload.contentType(), upload.createdAt().toString(), false));
            response.set("file", files.view(caller.userId(), created.file()));
            response.set("upload", signed(created.upload(), true));
            return Responses.json(201, response);
        }
        if (versionId == null) {
            FileRecord file = files.versions(caller.userId(), fileId);
            ArrayNode items = response.putArray("items");
            file.versions().forEach(v -> items.add(version(file, v)));
            return Responses.json(200, response);
        }
        if ("POST".equals(method)) {
            response.set("file", files.view(caller.userId(), files.restoreVersion(caller.userId(), fileId, versionId)));
            return Responses.json(200, response);
        }
        FileService.VersionRetrieved retrieved = files.version(caller.userId(), fileId, versionId);
        response.set("version", version(retrieved.file(), retrieved.version()));
        response.set("download", signed(retrieved.download(), false));
        return Responses.json(200, response);
    }

    private static ObjectNode version(FileRecord file, FileRecord.Version v) {
        return version(v.versionId(), v.number(), v.size(), v.contentType(), v.createdAt().toString(),
                v == file.current());
    }

    private static ObjectNode version(String versionId, int number, long size, String contentType, String createdAt,
                                      boolean current) {
        ObjectNode node = Json.object();
        node.put("versionId", versionId);
        node.put("number", number);
        node.put("size", size);
        node.put("contentType", contentType);
        node.put("createdAt", createdAt);
        node.put("current", current);
        return node;
    }
}
