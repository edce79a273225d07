package com.audmg.drive.files;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;

import java.util.Optional;

import com.audmg.drive.platform.ApiException;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /files}, and {@code GET /changes} ({@link ChangesHandler}): the two reads of many files. */
public final class ListFilesHandler extends FileHandler {

    public ListFilesHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public ListFilesHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        if (request.route().endsWith("/changes")) {
            return ChangesHandler.respond(files, request, caller);
        }
        Optional<String> kind = request.query("kind");
        if (kind.isPresent() && !kind.get().equals(MediaTypes.IMAGE) && !kind.get().equals(MediaTypes.AUDIO)) {
            throw ApiException.invalidRequest("kind", "kind must be image or audio");
        }
        Optional<String> query = request.query("q").filter(q -> !q.isEmpty());
        if (query.isPresent() && query.get().length() > FileService.MAX_NAME_LENGTH) {
            throw ApiException.invalidRequest("q", "q must be at most " + FileService.MAX_NAME_LENGTH + " characters");
        }
        String status = request.query("status").filter(value -> !value.isEmpty()).orElse(FileRecord.READY);
        if (!status.equals(FileRecord.READY) && !status.equals(FileRecord.PENDING) && !status.equals(FileRecord.TRASHED)) {
            throw ApiException.invalidRequest("status", "status must be ready, pending or trashed");
        }
        int limit = limit(request);
        Optional<String> cursor = request.query("cursor").filter(c -> !c.isEmpty());
        FileService.Page page = files.list(caller.userId(), status, kind, query, limit, cursor);
        ObjectNode response = Json.object();
        ArrayNode items = response.putArray("items");
        page.items().forEach(file -> items.add(files.view(caller.userId(), file)));
        response.put("nextCursor", page.nextCursor());
        return Responses.json(200, response);
    }

    static int limit(ApiRequest request) {
        Optional<String> raw = request.query("limit");
        if (raw.isEmpty()) {
            return FileService.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.get().trim());
            if (limit >= 1 && limit <= FileService.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through to the 400 below
        }
        throw ApiException.invalidRequest("limit", "limit must be an integer from 1 to " + FileService.MAX_LIMIT);
    }
}
