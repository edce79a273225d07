package com.audmg.drive.files;

import java.util.Optional;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Wiring;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.platform.ApiRequest;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.Responses;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /changes}: the change feed (deployed within the listFiles function). */
public final class ChangesHandler extends FileHandler {

    public ChangesHandler() {
        this(Wiring.shared().fileService(), Wiring.shared().authenticator());
    }

    public ChangesHandler(FileService files, Authenticator authenticator) {
        super(files, authenticator);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(ApiRequest request, TokenService.Principal caller) {
        return respond(files, request, caller);
    }

    /** The route itself, also served by the listFiles function (one worker for both reads). */
    static APIGatewayProxyResponseEvent respond(FileService files, ApiRequest request, TokenService.Principal caller) {
        Optional<String> cursor = request.query("cursor").filter(c -> !c.isEmpty());
        FileService.ChangesPage page = files.changes(caller.userId(), cursor, ListFilesHandler.limit(request));
        ObjectNode response = Json.object();
        ArrayNode changes = response.putArray("changes");
        for (LibraryStore.Change change : page.changes()) {
            ObjectNode node = changes.addObject();
            if (change.file() == null) {
                node.put("type", "remove");
                node.put("id", change.id());
            } else {
                node.put("type", "upsert");
                node.set("file", files.view(caller.userId(), change.file()));
            }
        }
        response.put("cursor", page.cursor());
        response.put("hasMore", page.hasMore());
        return Responses.json(200, response);
    }
}
