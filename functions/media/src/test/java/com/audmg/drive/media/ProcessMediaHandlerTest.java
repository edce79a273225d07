package com.audmg.drive.media;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.audmg.drive.Api;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.PipelineSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * processMedia end to end over a real S3 (s3proxy) and the real handlers: uploads through presigned
 * URLs, S3 event notifications in AWS's shape delivered as SQS messages, results read back through
 * the API (listing, single file, change feed) and derived objects fetched through their signed URLs.
 */
class ProcessMediaHandlerTest {

    static final String DERIVED_BUCKET = "audmg-derived";
    static TestCloud cloud;
    static Api api;
    static ProcessMediaHandler handler;
    static Wiring wiringForBackfill;
    static final List<String> published = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cloud = new TestCloud();
        cloud.s3().createBucket(CreateBucketRequest.builder().bucket(DERIVED_BUCKET).build());
        Wiring wiring = cloud.wiring(Map.of()).withPipeline(
                new PipelineSettings(Optional.of(DERIVED_BUCKET), Optional.of("arn:aws:sns:us-east-1:000000000000:t"),
                        Optional.empty()),
                (subject, message) -> {
                    synchronized (published) {
                        published.add(message);
                    }
                });
        api = new Api(wiring);
        wiringForBackfill = wiring;
        handler = new ProcessMediaHandler(wiring, Map.of("MEDIA_MAX_RECEIVES", "3"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        cloud.close();
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ProcessMediaHandlerTest.class.getResourceAsStream("/media/" + name)) {
            return in.readAllBytes();
        }
    }

    record Uploaded(String token, String userId, String fileId, JsonNode created) {
    }

    static Uploaded create(String user, String name, String type, byte[] bytes) {
        String token = api.newUser(user);
        String userId = json(check(api.me(token), 200)).get("userId").asText();
        JsonNode created = json(check(api.create(token, name, type, bytes.length), 201));
        HttpResponse<String> put = Api.put(created.get("upload"), bytes);
        assertEquals(200, put.statusCode(), put.body());
        return new Uploaded(token, userId, created.get("file").get("id").asText(), created);
    }

    static Uploaded upload(String user, String name, String type, byte[] bytes) {
        Uploaded u = create(user, name, type, bytes);
        check(api.complete(u.token(), u.fileId()), 200);
        return u;
    }

    /** An SQS message whose body is the S3 event notification AWS sends for a PUT of {@code key}. */
    static SQSEvent.SQSMessage s3Message(String key, int receiveCount) {
        ObjectNode body = Json.object();
        ObjectNode record = body.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", "us-east-1");
        record.put("eventTime", "2026-11-28T12:00:00.000Z");
        record.put("eventName", "ObjectCreated:Put");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "media");
        s3.putObject("bucket").put("name", TestCloud.MEDIA_BUCKET).put("arn", "arn:aws:s3:::" + TestCloud.MEDIA_BUCKET);
        s3.putObject("object").put("key", key).put("size", 1).put("eTag", "0").put("sequencer", "0055AED6DCD90281E5");
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setReceiptHandle("rh");
        message.setBody(Json.write(body));
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        message.setEventSource("aws:sqs");
        message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:media");
        return message;
    }

    static SQSBatchResponse deliver(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return handler.handleRequest(event, null);
    }

    static JsonNode file(Uploaded u) {
        return json(check(api.get(u.token(), u.fileId()), 200)).get("file");
    }

    static List<String> derivedKeys(String userId) {
        return cloud.s3().listObjectsV2(ListObjectsV2Request.builder().bucket(DERIVED_BUCKET).prefix(userId + "/").build())
                .contents().stream().map(o -> o.key()).toList();
    }

    @Test
    void photoArrivingBeforeCompleteIsProcessedAndShownWithThumbnail() throws Exception {
        byte[] bytes = fixture("orientation6.jpg");
        Uploaded u = create("photo1", "sideways.jpg", "image/jpeg", bytes);
        // The S3 event comes with the PUT, before the client completes.
        SQSBatchResponse response = deliver(s3Message(u.userId() + "/" + u.fileId(), 1));
        assertTrue(response.getBatchItemFailures().isEmpty());
        JsonNode completed = json(check(api.complete(u.token(), u.fileId()), 200)).get("file");
        assertEquals("done", completed.get("processing").asText());
        JsonNode file = file(u);
        assertEquals("done", file.get("processing").asText());
        assertEquals(300, file.get("media").get("width").asInt());
        assertEquals(400, file.get("media").get("height").asInt());
        assertEquals("Canon EOS R6", file.get("media").get("camera").asText());
        HttpResponse<byte[]> thumb = Api.download(file.get("thumbnailUrl").asText());
        assertEquals(200, thumb.statusCode());
        var image = ImageIO.read(new ByteArrayInputStream(thumb.body()));
        assertEquals(240, image.getWidth());
        // The listing and the change feed show the same fields.
        JsonNode listed = json(check(api.list(u.token(), Map.of()), 200)).get("items").get(0);
        assertEquals("done", listed.get("processing").asText());
        assertTrue(listed.get("thumbnailUrl").asText().startsWith("http"));
        JsonNode change = json(check(api.changes(u.token(), Map.of()), 200)).get("changes").get(0);
        assertEquals(300, change.get("file").get("media").get("width").asInt());
        // A repeated delivery changes nothing.
        long before = json(check(api.changes(u.token(), Map.of()), 200)).get("changes").size();
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        assertEquals(before, json(check(api.changes(u.token(), Map.of()), 200)).get("changes").size());
    }

    @Test
    void flacGetsTagsAndAPlayableWavRenditionAndIsFoundByArtist() throws Exception {
        Uploaded u = upload("flac1", "track03.flac", "audio/flac", fixture("tone.flac"));
        assertEquals("pending", file(u).get("processing").asText());
        assertTrue(file(u).get("thumbnailUrl").isNull());
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        JsonNode media = file(u).get("media");
        assertEquals("Flac Song", media.get("title").asText());
        assertEquals("flac", media.get("codec").asText());
        HttpResponse<byte[]> wav = Api.download(media.get("playableUrl").asText());
        assertEquals(200, wav.statusCode());
        assertEquals("RIFF", new String(wav.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WAVE", new String(wav.body(), 8, 4, StandardCharsets.US_ASCII));
        assertEquals(200, Api.download(media.get("coverUrl").asText()).statusCode());
        JsonNode waveform = Json.MAPPER.readTree(Api.download(media.get("waveformUrl").asText()).body());
        assertTrue(waveform.get("peaks").size() > 100);
        // q matches the artist and the album, not only the name.
        assertEquals(1, json(check(api.list(u.token(), Map.of("q", "testers")), 200)).get("items").size());
        assertEquals(1, json(check(api.list(u.token(), Map.of("q", "LOSSLESS")), 200)).get("items").size());
        assertEquals(0, json(check(api.list(u.token(), Map.of("q", "nothing like it")), 200)).get("items").size());
        // Derived objects count toward nothing.
        JsonNode usage = json(check(api.me(u.token()), 200)).get("usage");
        assertEquals(fixture("tone.flac").length, usage.get("bytes").asLong());
    }

    @Test
    void m4aShowsItsTagsDurationAndCover_andPlaysAsItIs() throws Exception {
        Uploaded u = upload("m4a1", "song.m4a", "audio/mp4", fixture("tone.m4a"));
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        JsonNode file = file(u);
        assertEquals("done", file.get("processing").asText(), file.toString());
        assertEquals("audio", file.get("kind").asText());
        assertEquals("audio/mp4", file.get("contentType").asText());
        JsonNode media = file.get("media");
        assertEquals("M4a Song", media.get("title").asText());
        assertEquals("Aac Artist", media.get("artist").asText());
        assertEquals("Mp4 Album", media.get("album").asText());
        assertEquals(7, media.get("track").asInt());
        assertEquals(2024, media.get("year").asInt());
        assertEquals("aac", media.get("codec").asText());
        assertEquals(22050, media.get("sampleRate").asInt());
        assertEquals(1, media.get("channels").asInt(), "mono, as its AudioSpecificConfig says");
        assertTrue(Math.abs(media.get("durationMs").asLong() - 2000) < 100, media.toString());
        HttpResponse<byte[]> cover = Api.download(media.get("coverUrl").asText());
        assertEquals(200, cover.statusCode());
        assertEquals(240, ImageIO.read(new ByteArrayInputStream(cover.body())).getWidth());
        // The desktop plays the original (JavaFX Media plays AAC): no rendition; a waveform decoded with JAAD.
        assertTrue(media.get("playableUrl").isNull(), media.toString());
        JsonNode waveform = Json.MAPPER.readTree(Api.download(media.get("waveformUrl").asText()).body());
        assertTrue(waveform.get("peaks").size() > 100, waveform.toString());
        assertTrue(Math.abs(waveform.get("durationMs").asLong() - 2000) < 100, waveform.toString());
        assertEquals(1, json(check(api.list(u.token(), Map.of("q", "aac artist")), 200)).get("items").size());
    }

    @Test
    void corruptFileFailsWithAReasonEveryReceiveAndIsPublishedOnce() throws Exception {
        byte[] good = fixture("tone.mp3");
        // ID3 header and the start of the frames, then garbage: sniffs as MP3, decodes as nothing.
        byte[] corrupt = java.util.Arrays.copyOf(good, 2000);
        Uploaded u = upload("broken1", "broken.mp3", "audio/mpeg", corrupt);
        String key = u.userId() + "/" + u.fileId();
        for (int receive = 1; receive <= 3; receive++) {
            SQSEvent.SQSMessage message = s3Message(key, receive);
            SQSBatchResponse response = deliver(message);
            // Reported failed every time, so after maxReceiveCount the queue moves it to the DLQ.
            assertEquals(1, response.getBatchItemFailures().size());
            assertEquals(message.getMessageId(), response.getBatchItemFailures().get(0).getItemIdentifier());
        }
        assertEquals("failed", file(u).get("processing").asText());
        List<JsonNode> failures = published.stream().map(m -> {
            try {
                return Json.MAPPER.readTree(m);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).filter(e -> e.get("fileId").asText().equals(u.fileId())).toList();
        assertEquals(2, failures.size(), "one completed event, one failure event: " + failures);
        JsonNode failure = failures.stream().filter(e -> e.get("outcome").asText().equals("failed")).findFirst().orElseThrow();
        assertEquals(u.userId(), failure.get("userId").asText());
        assertEquals("audio", failure.get("kind").asText());
        assertFalse(failure.get("reason").asText().isBlank());
        assertTrue(derivedKeys(u.userId()).isEmpty());
    }

    @Test
    void fileDeletedBeforeOrAfterProcessingLeavesNoDerivedObjects() throws Exception {
        Uploaded before = upload("deleted1", "a.jpg", "image/jpeg", fixture("orientation6.jpg"));
        check(api.deletePermanently(before.token(), before.fileId()), 204);
        assertTrue(deliver(s3Message(before.userId() + "/" + before.fileId(), 1)).getBatchItemFailures().isEmpty());
        assertTrue(derivedKeys(before.userId()).isEmpty());

        Uploaded after = upload("deleted2", "b.flac", "audio/flac", fixture("tone.flac"));
        assertTrue(deliver(s3Message(after.userId() + "/" + after.fileId(), 1)).getBatchItemFailures().isEmpty());
        assertEquals(3, derivedKeys(after.userId()).size(), derivedKeys(after.userId()).toString());
        check(api.deletePermanently(after.token(), after.fileId()), 204);
        assertTrue(derivedKeys(after.userId()).isEmpty(), "deleted with the original");
    }

    @Test
    void fileTrashedBeforeProcessingKeepsItsResultForRestore() throws Exception {
        Uploaded u = upload("trashed1", "t.jpg", "image/jpeg", fixture("orientation6.jpg"));
        check(api.delete(u.token(), u.fileId()), 204);
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        assertEquals(2, derivedKeys(u.userId()).size(), "kept: the trashed file still holds its bytes");
        JsonNode restored = json(check(api.restore(u.token(), u.fileId()), 200)).get("file");
        assertEquals("done", restored.get("processing").asText());
        assertEquals(300, restored.get("media").get("width").asInt());
    }

    @Test
    void newVersionGetsItsOwnResultAndTheOldOneKeepsItsOwn() throws Exception {
        Uploaded u = upload("versions1", "pic.webp", "image/webp", fixture("photo.webp"));
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        assertEquals(300, file(u).get("media").get("width").asInt());
        byte[] second = fixture("orientation6.jpg");
        JsonNode version = json(check(api.createVersion(u.token(), u.fileId(), "image/jpeg", second.length), 201));
        assertEquals(200, Api.put(version.get("upload"), second).statusCode());
        String versionId = version.get("version").get("versionId").asText();
        check(api.completeVersion(u.token(), u.fileId(), versionId), 200);
        assertEquals("pending", file(u).get("processing").asText(), "the new version is not processed yet");
        assertTrue(deliver(s3Message(u.userId() + "/" + versionId, 1)).getBatchItemFailures().isEmpty());
        JsonNode media = file(u).get("media");
        assertEquals(400, media.get("height").asInt(), "the new version's dimensions");
        // A late, repeated event of the first version changes nothing of the current one.
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 2)).getBatchItemFailures().isEmpty());
        assertEquals(400, file(u).get("media").get("height").asInt());
    }

    @Test
    void backfillProcessesWhatWasStoredBeforeThePipeline() throws Exception {
        // Stored with no S3 event delivered: as files uploaded before the pipeline existed.
        Uploaded image = upload("backfill1", "old.jpg", "image/jpeg", fixture("orientation6.jpg"));
        check(api.upload(image.token(), "old.ogg", "audio/ogg", fixture("tone.ogg")), 200);
        assertEquals(2, json(check(api.list(image.token(), Map.of()), 200)).get("items").size());
        json(check(api.list(image.token(), Map.of()), 200)).get("items")
                .forEach(f -> assertEquals("pending", f.get("processing").asText()));
        BackfillMediaHandler backfill = new BackfillMediaHandler(wiringForBackfill, Map.of(), Clock.systemUTC());
        Map<String, Object> report = backfill.handleRequest(Map.of("userId", image.userId()), null);
        assertEquals(2, report.get("processed"), report.toString());
        assertEquals(true, report.get("finished"));
        json(check(api.list(image.token(), Map.of()), 200)).get("items")
                .forEach(f -> assertEquals("done", f.get("processing").asText(), f.toString()));
        // A second run finds nothing left.
        assertEquals(0, backfill.handleRequest(Map.of("userId", image.userId()), null).get("processed"));
    }

    @Test
    void messagesNamingNoUploadAreDropped() {
        SQSEvent.SQSMessage test = s3Message("x", 1);
        test.setBody("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-28T12:00:00.000Z\","
                + "\"Bucket\":\"" + TestCloud.MEDIA_BUCKET + "\",\"RequestId\":\"1\",\"HostId\":\"2\"}");
        SQSEvent.SQSMessage derivedKey = s3Message("abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxyz/thumb.jpg", 1);
        SQSEvent.SQSMessage garbage = s3Message("x", 1);
        garbage.setBody("not json");
        assertTrue(deliver(test, derivedKey, garbage).getBatchItemFailures().isEmpty());
        assertNotNull(handler);
    }

    // ---- the scrubber and derived objects ----

    /** The scrubber as the scheduled function runs it, reading the time from {@code clock}. */
    static com.audmg.drive.files.LibraryScrubber scrubber(Clock clock) {
        return new com.audmg.drive.files.LibraryScrubber(wiringForBackfill.libraryStore(),
                new com.audmg.drive.files.FileLifecycle(java.time.Duration.ofSeconds(
                        wiringForBackfill.config().urlTtlSeconds())), wiringForBackfill.releaser(),
                new com.audmg.drive.platform.JsonObjectStore(cloud.s3(), TestCloud.DATA_BUCKET), cloud.s3(),
                TestCloud.MEDIA_BUCKET, clock, DERIVED_BUCKET);
    }

    /** A clock past every grace period for objects written now. */
    static Clock later() {
        return Clock.offset(Clock.systemUTC(), java.time.Duration.ofHours(3));
    }

    static List<String> derivedFindings(com.audmg.drive.files.LibraryScrubber.Report report, String userId) {
        return report.findings().stream().filter(f -> f.userId().equals(userId)
                && f.problem().equals("orphaned_derived")).map(f -> f.objectId()).toList();
    }

    @Test
    void scrub_shouldDeleteDerivedObjectsOfGoneObjects_afterTheGracePeriod_andKeepThoseOfLiveFiles() throws Exception {
        Uploaded u = upload("scrubbed1", "a.jpg", "image/jpeg", fixture("orientation6.jpg"));
        assertTrue(deliver(s3Message(u.userId() + "/" + u.fileId(), 1)).getBatchItemFailures().isEmpty());
        List<String> live = derivedKeys(u.userId());
        assertEquals(2, live.size(), live.toString());
        // Left by a crash between deleting a file and its derived objects:
        String gone = com.audmg.drive.platform.Keys.newTimeId(java.time.Instant.now());
        for (String name : List.of("cover.jpg", "waveform.json")) {
            cloud.s3().putObject(b -> b.bucket(DERIVED_BUCKET).key(u.userId() + "/" + gone + "/" + name),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        }

        assertEquals(List.of(), derivedFindings(scrubber(Clock.systemUTC()).scrub(true,
                java.time.Duration.ofMinutes(1)), u.userId()), "within the grace period");
        assertEquals(4, derivedKeys(u.userId()).size());

        assertEquals(List.of(gone), derivedFindings(scrubber(later()).scrub(false, java.time.Duration.ofMinutes(1)),
                u.userId()), "reported; the live file's are not");
        assertEquals(4, derivedKeys(u.userId()).size(), "a report repairs nothing");
        assertEquals(List.of(gone), derivedFindings(scrubber(later()).scrub(true, java.time.Duration.ofMinutes(1)),
                u.userId()));
        assertEquals(live, derivedKeys(u.userId()));
        assertTrue(Api.download(file(u).get("thumbnailUrl").asText()).statusCode() == 200);
    }

    /**
     * processMedia writes derived objects, then records them in the file: a scrub (past every grace period)
     * between the two keeps them while the file holds the object, and deletes them when it does not any more,
     * and then the processor's own record is refused and its clean-up finds nothing left to delete.
     */
    @Test
    void scrub_shouldNeverDeleteWhatAConcurrentProcessorIsAboutToRecord() throws Exception {
        Uploaded kept = upload("scrubbed2", "k.jpg", "image/jpeg", fixture("orientation6.jpg"));
        Uploaded deleted = upload("scrubbed3", "d.jpg", "image/jpeg", fixture("orientation6.jpg"));
        List<com.audmg.drive.files.LibraryScrubber.Report> reports = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Runnable> betweenWriteAndRecord = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger derivedPuts = new java.util.concurrent.atomic.AtomicInteger();
        // The processor's S3 client, which runs the interleaving right after its last derived object is written
        // (an image has two: thumb.jpg and preview.jpg).
        software.amazon.awssdk.services.s3.S3Client real = wiringForBackfill.s3();
        software.amazon.awssdk.services.s3.S3Client hooked = (software.amazon.awssdk.services.s3.S3Client)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {software.amazon.awssdk.services.s3.S3Client.class}, (proxy, method, args) -> {
                            Object result;
                            try {
                                result = method.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                            if (method.getName().equals("putObject") && args[0] instanceof
                                    software.amazon.awssdk.services.s3.model.PutObjectRequest put
                                    && put.bucket().equals(DERIVED_BUCKET) && derivedPuts.incrementAndGet() == 2) {
                                betweenWriteAndRecord.get().run();
                            }
                            return result;
                        });
        MediaService media = new MediaService(wiringForBackfill.fileService(), wiringForBackfill.releaser(), hooked,
                new MediaService.Settings(TestCloud.MEDIA_BUCKET, DERIVED_BUCKET, 50_000_000, 3,
                        java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))), Clock.systemUTC());

        // The file still holds the object: the scrub keeps what the processor wrote, the processor records it.
        betweenWriteAndRecord.set(() -> {
            assertEquals(2, derivedKeys(kept.userId()).size(), "thumb and preview written, not yet recorded");
            reports.add(scrubber(later()).scrub(true, java.time.Duration.ofMinutes(1)));
        });
        assertEquals(MediaService.Outcome.DONE, media.process(kept.userId(), kept.fileId(), 1));
        assertEquals(List.of(), derivedFindings(reports.get(0), kept.userId()));
        assertEquals(2, derivedKeys(kept.userId()).size());
        JsonNode done = file(kept);
        assertEquals("done", done.get("processing").asText(), done.toString());
        assertEquals(200, Api.download(done.get("thumbnailUrl").asText()).statusCode());

        // The file is deleted meanwhile: the scrub may delete them, the processor's record is refused.
        derivedPuts.set(0);
        betweenWriteAndRecord.set(() -> {
            check(api.deletePermanently(deleted.token(), deleted.fileId()), 204);
            reports.add(scrubber(later()).scrub(true, java.time.Duration.ofMinutes(1)));
        });
        assertEquals(MediaService.Outcome.DONE, media.process(deleted.userId(), deleted.fileId(), 1));
        assertTrue(derivedKeys(deleted.userId()).isEmpty(), derivedKeys(deleted.userId()).toString());
    }
}
