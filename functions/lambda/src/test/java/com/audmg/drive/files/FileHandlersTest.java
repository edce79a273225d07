package com.audmg.drive.files;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.errorCode;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.audmg.drive.Api;
import com.audmg.drive.Events;
import com.audmg.drive.Media;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The file routes through the handlers, with uploads through real presigned URLs to s3proxy. */
class FileHandlersTest {

    private static TestCloud cloud;
    private static Api api;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = new TestCloud();
        Wiring wiring = cloud.wiring(Map.of("MAX_UPLOAD_BYTES", "5000000", "QUOTA_BYTES", "20000000"));
        api = new Api(wiring);
    }

    @AfterAll
    static void stopCloud() throws Exception {
        cloud.close();
    }

    @Test
    void upload_shouldStoreRealPng_andServeItThroughDownloadUrl() {
        String token = api.newUser("png-owner");
        byte[] png = Media.png(64, 48);

        JsonNode file = json(check(api.upload(token, "holiday.png", "image/png", png), 200)).get("file");

        assertEquals("ready", file.get("status").asText());
        assertEquals("image", file.get("kind").asText());
        assertEquals(png.length, file.get("size").asLong());
        assertEquals("holiday.png", file.get("name").asText());
        JsonNode retrieved = json(check(api.get(token, file.get("id").asText()), 200));
        assertEquals(file, retrieved.get("file"));
        var download = Api.download(retrieved.get("download").get("url").asText());
        assertEquals(200, download.statusCode());
        assertArrayEquals(png, download.body());
        assertEquals("image/png", download.headers().firstValue("Content-Type").orElse(""));
        JsonNode me = json(check(api.me(token), 200));
        assertEquals(1, me.get("usage").get("files").asLong());
        assertEquals(png.length, me.get("usage").get("bytes").asLong());
        assertEquals(20000000, me.get("quotaBytes").asLong());
        assertEquals("png-owner", me.get("username").asText());
    }

    @Test
    void upload_shouldAcceptRealWav() {
        String token = api.newUser("wav-owner");
        byte[] wav = Media.wav(0.5);

        JsonNode file = json(check(api.upload(token, "tone.wav", "audio/wav", wav), 200)).get("file");

        assertEquals("audio", file.get("kind").asText());
        JsonNode listed = json(check(api.list(token, Map.of("kind", "audio")), 200));
        assertEquals(1, listed.get("items").size());
        assertTrue(json(check(api.list(token, Map.of("kind", "image")), 200)).get("items").isEmpty());
    }

    @Test
    void createUpload_shouldSignExactlyContentTypeAndLength() {
        String token = api.newUser("signer");
        byte[] png = Media.png(16, 16);
        JsonNode upload = json(check(api.create(token, "a.png", "image/png", png.length), 201)).get("upload");

        assertEquals("PUT", upload.get("method").asText());
        assertEquals(Set.of("Content-Type", "Content-Length", "If-None-Match"), fieldNames(upload.get("headers")));
        assertEquals("*", upload.get("headers").get("If-None-Match").asText());
        assertEquals("image/png", upload.get("headers").get("Content-Type").asText());
        assertEquals(Integer.toString(png.length), upload.get("headers").get("Content-Length").asText());
        assertTrue(upload.get("url").asText().startsWith(cloud.endpoint() + "/" + TestCloud.MEDIA_BUCKET + "/"));

        // Another content type, another length, or a tampered signature: S3 refuses.
        var wrongType = Api.send(HttpRequest.newBuilder(URI.create(upload.get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(png)).header("Content-Type", "text/plain").build());
        assertEquals(403, wrongType.statusCode());
        var wrongLength = Api.send(HttpRequest.newBuilder(URI.create(upload.get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[png.length + 1]))
                .header("Content-Type", "image/png").build());
        assertEquals(403, wrongLength.statusCode());
        String url = upload.get("url").asText();
        int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        String tampered = url.substring(0, at) + (url.charAt(at) == '0' ? '1' : '0') + url.substring(at + 1);
        var tamperedPut = Api.send(HttpRequest.newBuilder(URI.create(tampered))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(png)).header("Content-Type", "image/png").build());
        assertEquals(403, tamperedPut.statusCode());
    }

    @Test
    void uploadUrl_shouldNotReplaceBytes_afterComplete() {
        // GIVEN a PNG uploaded and completed, its upload URL still valid
        String token = api.newUser("swapper");
        byte[] png = Media.png(8, 8);
        JsonNode created = json(check(api.create(token, "real.png", "image/png", png.length), 201));
        assertEquals(200, Api.put(created.get("upload"), png).statusCode());
        String id = created.get("file").get("id").asText();
        check(api.complete(token, id), 200);

        // WHEN the same URL is used again, with its headers, to swap in bytes that were never checked
        byte[] script = Arrays.copyOf("<script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII), png.length);
        int status = Api.put(created.get("upload"), script).statusCode();

        // THEN S3 refuses (the URL can create the object once), also without the signed header,
        // and the checked bytes stay
        assertEquals(412, status);
        assertEquals(403, Api.send(HttpRequest.newBuilder(URI.create(created.get("upload").get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(script)).header("Content-Type", "image/png").build())
                .statusCode());
        assertArrayEquals(png, Api.download(json(check(api.get(token, id), 200))
                .get("download").get("url").asText()).body());
    }

    @Test
    void complete_shouldAnswer415AndDropUpload_whenTextDeclaredAsPng() {
        String token = api.newUser("spoofer");
        byte[] text = "this is plain text pretending to be a picture, honestly".getBytes(StandardCharsets.UTF_8);
        JsonNode created = json(check(api.create(token, "fake.png", "image/png", text.length), 201));
        assertEquals(200, Api.put(created.get("upload"), text).statusCode());
        String id = created.get("file").get("id").asText();
        String key = mediaKey(created.get("upload"));
        cloud.s3().headObject(HeadObjectRequest.builder().bucket(TestCloud.MEDIA_BUCKET).key(key).build());

        APIGatewayProxyResponseEvent response = api.complete(token, id);

        assertEquals(415, response.getStatusCode());
        assertEquals("content_mismatch", errorCode(response));
        // The URL is still valid: the bytes stay (so it cannot write again) until it is dead, then the sweeper deletes them.
        assertTrue(gcMarkers().stream().anyMatch(m -> m.endsWith("/" + id + "/" + key.substring(key.indexOf('/') + 1))),
                "deletion of the refused bytes is scheduled: " + gcMarkers());
        assertEquals(404, api.get(token, id).getStatusCode());
        assertEquals(0, json(check(api.list(token, Map.of("status", "pending")), 200)).get("items").size());
        assertEquals(404, api.complete(token, id).getStatusCode());
    }

    @Test
    void complete_shouldAnswer415_whenAudioDeclaredButImageUploaded() {
        String token = api.newUser("kind-swapper");
        byte[] png = Media.png(8, 8);

        APIGatewayProxyResponseEvent response = api.upload(token, "song.mp3", "audio/mpeg", png);

        assertEquals(415, response.getStatusCode());
        assertEquals("content_mismatch", errorCode(response));
    }

    @Test
    void complete_shouldAnswer409_whenNothingUploaded() {
        String token = api.newUser("lazy-uploader");
        JsonNode created = json(check(api.create(token, "x.png", "image/png", 100), 201));

        APIGatewayProxyResponseEvent response = api.complete(token, created.get("file").get("id").asText());

        assertEquals(409, response.getStatusCode());
        assertEquals("upload_missing", errorCode(response));
    }

    @Test
    void createUpload_shouldRejectOversizeWrongTypeAndBadInput() {
        String token = api.newUser("rule-breaker");

        APIGatewayProxyResponseEvent oversize = api.create(token, "big.png", "image/png", 5_000_001);
        assertEquals(413, oversize.getStatusCode());
        assertEquals("too_large", errorCode(oversize));

        APIGatewayProxyResponseEvent wrongType = api.create(token, "doc.pdf", "application/pdf", 10);
        assertEquals(415, wrongType.getStatusCode());
        assertEquals("unsupported_media_type", errorCode(wrongType));

        assertInvalid(api.create(token, "{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":-1}"), "size");
        assertInvalid(api.create(token, "{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1.5}"), "size");
        assertInvalid(api.create(token, "{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":\"7\"}"), "size");
        assertInvalid(api.create(token, "{\"name\":\"a.png\",\"size\":7}"), "contentType");
        assertInvalid(api.create(token, "{\"name\":\"\",\"contentType\":\"image/png\",\"size\":7}"), "name");
        assertInvalid(api.create(token, "{\"name\":\"a\\u0007.png\",\"contentType\":\"image/png\",\"size\":7}"), "name");
        assertInvalid(api.create(token, "{\"name\":\"" + "n".repeat(256) + "\",\"contentType\":\"image/png\",\"size\":7}"), "name");
        assertInvalid(api.create(token, "[1,2]"), "body");
    }

    @Test
    void createUpload_shouldAnswer507_whenQuotaWouldBeExceeded() {
        String token = api.newUser("hoarder");
        for (int i = 0; i < 4; i++) {
            check(api.create(token, "part" + i + ".wav", "audio/wav", 4_900_000), 201);
        }

        APIGatewayProxyResponseEvent response = api.create(token, "one-too-many.wav", "audio/wav", 4_900_000);

        assertEquals(507, response.getStatusCode());
        assertEquals("quota_exceeded", errorCode(response));
        check(api.create(token, "small.wav", "audio/wav", 300_000), 201);
    }

    @Test
    void otherUsersFiles_shouldBeNotFound_neverForbidden() {
        String owner = api.newUser("owner-x");
        String intruder = api.newUser("intruder-y");
        String id = json(check(api.upload(owner, "private.png", "image/png", Media.png(10, 10)), 200))
                .get("file").get("id").asText();

        for (APIGatewayProxyResponseEvent response : List.of(api.get(intruder, id), api.delete(intruder, id),
                api.complete(intruder, id))) {
            assertEquals(404, response.getStatusCode());
            assertEquals("not_found", errorCode(response));
        }
        assertTrue(json(check(api.list(intruder, Map.of()), 200)).get("items").isEmpty());
        check(api.get(owner, id), 200);
    }

    @Test
    void list_shouldPageNewestFirst_withFilterAndSearch() {
        String token = api.newUser("collector");
        byte[] png = Media.png(4, 4);
        List<String> uploadedIds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String name = (i % 2 == 0 ? "Beach-" : "city-") + i + ".png";
            uploadedIds.add(json(check(api.upload(token, name, "image/png", png), 200)).get("file").get("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "3") : Map.of("limit", "3", "cursor", cursor);
            JsonNode page = json(check(api.list(token, query), 200));
            page.get("items").forEach(item -> seen.add(item.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertEquals(3, pages);
        List<String> newestFirst = new ArrayList<>(uploadedIds);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen);
        JsonNode beaches = json(check(api.list(token, Map.of("q", "BEACH")), 200));
        assertEquals(4, beaches.get("items").size());
        assertTrue(beaches.get("nextCursor").isNull());
        assertInvalid(api.list(token, Map.of("limit", "0")), "limit");
        assertInvalid(api.list(token, Map.of("limit", "1001")), "limit");
        assertInvalid(api.list(token, Map.of("limit", "ten")), "limit");
        assertInvalid(api.list(token, Map.of("kind", "video")), "kind");
        assertInvalid(api.list(token, Map.of("cursor", "not-a-cursor")), "cursor");
    }

    @Test
    void delete_shouldTrashFile_andPermanentDeleteShouldRemoveItAndScheduleItsBytes() {
        String token = api.newUser("cleaner");
        JsonNode created = json(check(api.create(token, "gone.png", "image/png", Media.png(5, 5).length), 201));
        Api.put(created.get("upload"), Media.png(5, 5));
        String id = created.get("file").get("id").asText();
        check(api.complete(token, id), 200);

        APIGatewayProxyResponseEvent deleted = api.delete(token, id);

        assertEquals(204, deleted.getStatusCode());
        assertEquals("trashed", json(check(api.get(token, id), 200)).get("file").get("status").asText());
        JsonNode usage = json(check(api.me(token), 200)).get("usage");
        assertEquals(0, usage.get("files").asLong());
        assertEquals(1, usage.get("trashedFiles").asLong());
        assertEquals(Media.png(5, 5).length, usage.get("trashedBytes").asLong());
        assertEquals(0, json(check(api.list(token, Map.of()), 200)).get("items").size());
        assertEquals(1, json(check(api.list(token, Map.of("status", "trashed")), 200)).get("items").size());

        assertEquals(204, api.deletePermanently(token, id).getStatusCode());
        assertEquals(404, api.get(token, id).getStatusCode());
        assertEquals(404, api.delete(token, id).getStatusCode());
        String key = mediaKey(created.get("upload"));
        assertTrue(gcMarkers().stream().anyMatch(m -> m.endsWith("/" + id + "/" + key.substring(key.indexOf('/') + 1))),
                "deletion of the bytes is scheduled for when the upload URL is dead: " + gcMarkers());
        assertEquals(0, json(check(api.me(token), 200)).get("usage").get("trashedFiles").asLong());
    }

    private static List<String> gcMarkers() {
        List<String> keys = new ArrayList<>();
        cloud.s3().listObjectsV2Paginator(b -> b.bucket(TestCloud.DATA_BUCKET).prefix("gc/")).contents()
                .forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Test
    void protectedRoutes_shouldAnswer401_withoutValidToken() {
        APIGatewayProxyResponseEvent noHeader = api.me.handleRequest(Events.request("GET", "/me", "/me").build(), null);
        APIGatewayProxyResponseEvent garbage = api.me("not.a.token");

        for (APIGatewayProxyResponseEvent response : List.of(noHeader, garbage)) {
            assertEquals(401, response.getStatusCode());
            assertEquals("Unauthorized", json(response).get("message").asText());
        }
    }

    @Test
    void protectedRoutes_shouldTrustAuthorizerContext_whenApiGatewayRanTheAuthorizer() {
        String token = api.newUser("via-gateway");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        String sessionId = com.auth0.jwt.JWT.decode(token).getClaim("sid").asString();

        APIGatewayProxyResponseEvent response = api.me.handleRequest(Events.request("GET", "/me", "/me")
                .authorizerContext(userId, "via-gateway", sessionId).build(), null);

        assertEquals(userId, json(check(response, 200)).get("userId").asText());
    }

    @Test
    void storage_shouldKeepMediaKeysUnderOwnerAndServerIds() {
        String token = api.newUser("key-checker");
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        JsonNode created = json(check(api.create(token, "../../users/evil.png", "image/png", 10), 201));

        String key = mediaKey(created.get("upload"));

        assertEquals(userId + "/" + created.get("file").get("id").asText(), key);
        assertFalse(created.get("upload").get("url").asText().contains(TestCloud.DATA_BUCKET));
    }

    private static String mediaKey(JsonNode upload) {
        String path = URI.create(upload.get("url").asText()).getPath();
        return path.substring(("/" + TestCloud.MEDIA_BUCKET + "/").length());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertInvalid(APIGatewayProxyResponseEvent response, String field) {
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("invalid_request", errorCode(response));
        assertTrue(json(response).path("error").path("message").asText().contains(field),
                "message should name " + field + ": " + response.getBody());
    }
}
