package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The media pipeline of the real project in the local cloud, over real HTTP: uploads through the
 * API and presigned PUTs, the media bucket's S3 notifications to MediaQueue, processMedia from its
 * own artifact, results in GET /files, derived objects through their signed URLs, a corrupt file
 * ending failed and in the dead-letter queue, and the events topic's messages at a subscribed queue
 * and at the subscribed mediaEvents function.
 * Needs both artifacts (functions/lambda and functions/media packaged); skipped visibly otherwise.
 */
@EnabledIf(value = "artifactsExist", disabledReason = "functions/lambda or functions/media target jar not built")
class MediaPipelineTest {
    static final Path PROJECT = Path.of("../..").toAbsolutePath().normalize();
    static final Path CONFIG = PROJECT.resolve("serverless.yml");
    static final Path FIXTURES = PROJECT.resolve("functions/media/src/test/resources/media");
    static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    static final Region REGION = Region.US_EAST_1;

    @TempDir
    Path dataDir;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    static boolean artifactsExist() {
        return Files.isRegularFile(PROJECT.resolve("functions/lambda/target/audmg-functions.jar"))
                && Files.isRegularFile(PROJECT.resolve("functions/media/target/audmg-media.jar"));
    }

    @Test
    void uploads_shouldBeProcessedWithinSeconds_corruptOnesFailToTheDlq_andEventsArePublished() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir).config(CONFIG)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                // Failed messages come back after 1 s instead of the queue's 720 s: 3 receives -> DLQ in seconds.
                .sqsRetryDelay(Duration.ofSeconds(1))
                .build())) {
            StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    cloud.s3().accessKeyId(), cloud.s3().secretAccessKey()));
            try (SqsClient sqs = SqsClient.builder().endpointOverride(cloud.sqsEndpoint()).region(REGION)
                    .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
                 SnsClient sns = SnsClient.builder().endpointOverride(cloud.snsEndpoint()).region(REGION)
                         .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build()) {
                run(cloud.baseUrl(), sqs, sns);
            }
        }
    }

    private void run(URI base, SqsClient sqs, SnsClient sns) throws Exception {
        // A subscriber of the events topic: a queue, as an operator's tooling would subscribe.
        String topic = "arn:aws:sns:us-east-1:000000000000:audmg-drive-local-media-events";
        // Its policy lets the topic send to it (SNS's deliveries to a queue without one are dropped, as on AWS).
        String subscriberUrl = sqs.createQueue(b -> b.queueName("media-events-subscriber").attributesWithStrings(
                Map.of("Policy", """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                         "Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
                         "Resource":"arn:aws:sqs:us-east-1:000000000000:media-events-subscriber",
                         "Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}""".formatted(topic)))).queueUrl();
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs")
                .endpoint("arn:aws:sqs:us-east-1:000000000000:media-events-subscriber")
                .attributes(Map.of("RawMessageDelivery", "true")));

        assertEquals(201, call(base, "POST", "/auth/signup", null,
                "{\"username\":\"mediafan\",\"password\":\"purple-monkey-dishwasher\"}").statusCode());
        HttpResponse<String> login = call(base, "POST", "/auth/login", null,
                "{\"username\":\"mediafan\",\"password\":\"purple-monkey-dishwasher\"}");
        String token = json.readTree(login.body()).path("token").asText();

        byte[] big = bigJpeg();
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new HashMap<>();
        long t0 = System.nanoTime();
        for (String[] f : List.of(new String[] {"sideways.jpg", "image/jpeg", "orientation6.jpg"},
                new String[] {"big.jpg", "image/jpeg", null},
                new String[] {"photo.webp", "image/webp", "photo.webp"},
                new String[] {"song.mp3", "audio/mpeg", "tone.mp3"},
                new String[] {"song.flac", "audio/flac", "tone.flac"},
                new String[] {"song.ogg", "audio/ogg", "tone.ogg"},
                new String[] {"song.opus", "audio/ogg", "tone.opus"},
                new String[] {"song.aac", "audio/aac", "tone.aac"},
                new String[] {"broken.mp3", "audio/mpeg", "broken"})) {
            byte[] content = f[2] == null ? big : f[2].equals("broken")
                    ? java.util.Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("tone.mp3")), 2000)
                    : Files.readAllBytes(FIXTURES.resolve(f[2]));
            ids.put(f[0], upload(base, token, f[0], f[1], content));
            bytes.put(f[0], content);
        }

        // Processing done (or failed) for every file within seconds.
        Map<String, JsonNode> files = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            files.clear();
            JsonNode items = json.readTree(call(base, "GET", "/files?limit=100", token, null).body()).path("items");
            items.forEach(i -> files.put(i.path("name").asText(), i));
            if (files.values().stream().noneMatch(i -> i.path("processing").asText().equals("pending"))) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "still pending after 90 s: " + files.values());
            Thread.sleep(250);
        }
        long allProcessedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("media pipeline: " + ids.size() + " uploads processed (or failed) " + allProcessedMs + " ms after the first upload began");

        JsonNode sideways = files.get("sideways.jpg");
        assertEquals("done", sideways.path("processing").asText(), sideways.toString());
        assertEquals(300, sideways.path("media").path("width").asInt());
        assertEquals(400, sideways.path("media").path("height").asInt());
        assertEquals(6, sideways.path("media").path("orientation").asInt());
        assertEquals("Canon EOS R6", sideways.path("media").path("camera").asText());
        assertEquals("2024-07-14T18:30:05Z", sideways.path("media").path("takenAt").asText());

        JsonNode bigFile = files.get("big.jpg");
        assertEquals(6000, bigFile.path("media").path("width").asInt());
        byte[] thumb = get(bigFile.path("thumbnailUrl").asText());
        assertEquals(320, ImageIO.read(new ByteArrayInputStream(thumb)).getWidth());
        assertTrue(thumb.length * 20L < bytes.get("big.jpg").length,
                "thumbnail " + thumb.length + " bytes vs original " + bytes.get("big.jpg").length);
        System.out.println("media pipeline: 6000x4000 JPEG " + bytes.get("big.jpg").length + " bytes, thumbnail "
                + thumb.length + " bytes");

        assertEquals(300, files.get("photo.webp").path("media").path("width").asInt());
        assertTrue(get(files.get("photo.webp").path("thumbnailUrl").asText()).length > 0);

        JsonNode mp3 = files.get("song.mp3").path("media");
        assertEquals("Mp3 Song", mp3.path("title").asText());
        assertEquals("Lame Artist", mp3.path("artist").asText());
        assertEquals(240, ImageIO.read(new ByteArrayInputStream(get(mp3.path("coverUrl").asText()))).getWidth());
        assertTrue(mp3.path("playableUrl").isNull(), "MP3 plays as it is");
        assertTrue(json.readTree(get(mp3.path("waveformUrl").asText())).path("peaks").size() > 100);

        // Raw ADTS AAC (2 s; JavaFX plays AAC in MP4 only) gets a rendition too.
        for (String name : List.of("song.flac", "song.ogg", "song.opus", "song.aac")) {
            JsonNode media = files.get(name).path("media");
            assertEquals("done", files.get(name).path("processing").asText(), name);
            byte[] wav = get(media.path("playableUrl").asText());
            try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
                assertEquals(16, in.getFormat().getSampleSizeInBits(), name);
                double seconds = in.getFrameLength() / in.getFormat().getFrameRate();
                double expected = name.equals("song.aac") ? 2.0 : 3.0;
                assertTrue(Math.abs(seconds - expected) < 0.15, name + " rendition lasts " + seconds + " s");
            }
        }
        assertEquals("Flac Song", files.get("song.flac").path("media").path("title").asText());
        assertEquals("Adts Song", files.get("song.aac").path("media").path("title").asText());
        assertEquals(2, files.get("song.aac").path("media").path("channels").asInt());
        assertEquals("Vorbis Band", files.get("song.ogg").path("media").path("artist").asText());
        // q finds audio by its tags.
        assertEquals(1, json.readTree(call(base, "GET", "/files?q=vorbis%20band", token, null).body())
                .path("items").size());

        JsonNode broken = files.get("broken.mp3");
        assertEquals("failed", broken.path("processing").asText());
        assertFalse(broken.path("processingError").asText().isBlank());

        // The corrupt file's message: received 3 times (failed each time), then in the dead-letter queue.
        String dlq = sqs.getQueueUrl(b -> b.queueName("audmg-drive-local-MediaDeadLetterQueue")).queueUrl();
        List<Message> dead = receive(sqs, dlq, 1, Duration.ofSeconds(60));
        assertEquals(1, dead.size());
        JsonNode deadEvent = json.readTree(dead.get(0).body());
        assertTrue(deadEvent.path("Records").path(0).path("s3").path("object").path("key").asText()
                .endsWith("/" + ids.get("broken.mp3")), dead.get(0).body());

        // The subscriber got an "upload completed" event per upload and one "processing failed".
        List<Message> events = receive(sqs, subscriberUrl, ids.size() + 1, Duration.ofSeconds(30));
        List<JsonNode> parsed = new ArrayList<>();
        for (Message m : events) {
            parsed.add(json.readTree(m.body()));
        }
        assertEquals(ids.size(), parsed.stream().filter(e -> e.path("outcome").asText().equals("completed")).count(),
                parsed.toString());
        JsonNode failure = parsed.stream().filter(e -> e.path("outcome").asText().equals("failed")).findFirst().orElseThrow();
        assertEquals(ids.get("broken.mp3"), failure.path("fileId").asText());
        assertEquals("audio", failure.path("kind").asText());
        assertNotNull(failure.path("userId").asText(null));

        // The subscriber function (mediaEvents, an sns event of serverless.yml) got both kinds of event too.
        Path log = dataDir.resolve("logs/mediaEvents.log");
        long logDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> logged = new ArrayList<>();
        while (System.nanoTime() < logDeadline) {
            logged.clear();
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    int brace = line.indexOf('{');
                    if (brace >= 0 && line.contains("\"media-event\"")) {
                        logged.add(json.readTree(line.substring(brace)));
                    }
                }
            }
            if (logged.size() >= ids.size() + 1) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(ids.size(), logged.stream().filter(e -> e.path("outcome").asText().equals("completed")).count(),
                "mediaEvents log: " + logged);
        assertTrue(logged.stream().anyMatch(e -> e.path("outcome").asText().equals("failed")
                && e.path("fileId").asText().equals(ids.get("broken.mp3")) && e.path("level").asText().equals("WARN")),
                "mediaEvents log: " + logged);
    }

    private List<Message> receive(SqsClient sqs, String url, int expected, Duration wait) throws InterruptedException {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (got.size() < expected && System.nanoTime() < deadline) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            for (Message m : batch) {
                got.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return got;
    }

    private static byte[] bigJpeg() throws Exception {
        BufferedImage image = new BufferedImage(6000, 4000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 6000, 4000, Color.BLUE));
        g.fillRect(0, 0, 6000, 4000);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 3000; i++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(6000), random.nextInt(4000), 20 + random.nextInt(200), 20 + random.nextInt(200));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private HttpResponse<String> call(URI base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String upload(URI base, String token, String name, String type, byte[] content) throws Exception {
        HttpResponse<String> created = call(base, "POST", "/files", token,
                "{\"name\":\"" + name + "\",\"contentType\":\"" + type + "\",\"size\":" + content.length + "}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode doc = json.readTree(created.body());
        JsonNode upload = doc.path("upload");
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.path("url").asText()))
                .method(upload.path("method").asText(), HttpRequest.BodyPublishers.ofByteArray(content));
        for (Iterator<Map.Entry<String, JsonNode>> it = upload.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                put.header(h.getKey(), h.getValue().asText());
            }
        }
        assertEquals(200, http.send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        String id = doc.path("file").path("id").asText();
        HttpResponse<String> complete = call(base, "POST", "/files/" + id + "/complete", token, null);
        assertEquals(200, complete.statusCode(), complete.body());
        return id;
    }

    private byte[] get(String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }
}
