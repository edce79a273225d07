package com.audmg.drive.media;

import static com.audmg.drive.Api.check;
import static com.audmg.drive.Api.json;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.audmg.drive.Api;
import com.audmg.drive.TestCloud;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.PipelineSettings;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * The media pipeline's figures, over s3proxy and the real handlers (not part of the test suite):
 * <ol>
 *   <li>processing time per MB of images (camera-sized JPEGs generated here) and of audio (FLAC, OGG
 *       and MP3 encoded with the Debian tools flac/oggenc/lame when installed);</li>
 *   <li>the bytes a grid screen of 30 photos downloads (their thumbnails) against the originals;</li>
 *   <li>processMedia's cold start: a fresh JVM on functions/media/target/audmg-media.jar (as
 *       docs/PERFORMANCE.md measures the other handlers), construct + one SQS event, median of 5.</li>
 * </ol>
 * Run: {@code ./mvnw -B -q -pl functions/media -am test-compile} then
 * {@code java -cp "$(cat functions/media/target/test-classpath.txt):functions/media/target/test-classes:functions/media/target/classes" com.audmg.drive.media.MediaBenchmark}
 * (the classpath file is written by {@code dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * -Dmdep.includeScope=test}; put functions/lambda/target/classes and test-classes before it, and leave the jaad jar
 * out of it, as the tests do: {@code tr ':' '\n' < functions/media/target/test-classpath.txt | grep -v /jaad/ | paste
 * -sd:}. JAAD's classes are in target/classes without its Java Sound reader, which claims MP3 streams and loops in
 * its MP4 parser on them: with the jar on the class path the MP3 figure never comes). Arguments
 * {@code cold [width]}: only the cold starts, with a photo of that width (default 4000).
 * {@code coldratio [rounds]}: rounds (default 5) of three fresh JVMs each, alternating: a bare hello handler,
 * processMedia serving the s3:TestEvent (its idle start: JVM, construction, event, no media work) and
 * processMedia processing a 640x480 JPEG; medians and the ratios to hello, with the load average.
 */
public final class MediaBenchmark {

    private MediaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("media-bench-");
        try (TestCloud cloud = new TestCloud()) {
            cloud.s3().createBucket(CreateBucketRequest.builder().bucket("audmg-derived").build());
            Wiring wiring = cloud.wiring(Map.of()).withPipeline(new PipelineSettings(Optional.of("audmg-derived"),
                    Optional.empty(), Optional.empty()), null);
            Api api = new Api(wiring);
            ProcessMediaHandler handler = new ProcessMediaHandler(wiring, Map.of(), Clock.systemUTC());
            String token = api.newUser("bench");
            String userId = json(check(api.me(token), 200)).get("userId").asText();

            if (args.length > 0 && args[0].equals("coldratio")) {
                coldRatio(cloud, api, token, userId, work, args.length > 1 ? Integer.parseInt(args[1]) : 5);
                return;
            }
            if (args.length > 0 && args[0].equals("cold")) {
                coldStarts(cloud, api, token, userId, work, args.length > 1 ? Integer.parseInt(args[1]) : 4000);
                return;
            }
            // Warm-up: one of each kind, not counted.
            process(api, handler, token, userId, "warm.jpg", "image/jpeg", photo(new Random(1), 2000, 1500));

            // 1a. Images: 30 camera-sized photos (12 MP, noisy so they compress like photos). Also the grid.
            List<String> ids = new ArrayList<>();
            long imageBytes = 0;
            long imageNanos = 0;
            Random random = new Random(42);
            for (int i = 0; i < 30; i++) {
                byte[] jpeg = photo(random, 4000, 3000);
                imageBytes += jpeg.length;
                long t0 = System.nanoTime();
                ids.add(process(api, handler, token, userId, "photo" + i + ".jpg", "image/jpeg", jpeg));
                imageNanos += System.nanoTime() - t0;
            }
            double imageMb = imageBytes / 1_048_576.0;
            System.out.printf("images: 30 JPEGs 4000x3000, %.1f MB, processed in %d ms: %.0f ms/MB, %.0f ms/photo%n",
                    imageMb, imageNanos / 1_000_000, imageNanos / 1e6 / imageMb, imageNanos / 1e6 / 30);

            // 2. A grid of 30 photos: what the grid downloads (thumbnails) against the originals.
            long thumbs = 0;
            JsonNode items = json(check(api.list(token, Map.of("kind", "image", "limit", "30")), 200)).get("items");
            long originals = 0;
            for (JsonNode item : items) {
                byte[] thumb = Api.download(item.get("thumbnailUrl").asText()).body();
                thumbs += thumb.length;
                originals += item.get("size").asLong();
            }
            System.out.printf("grid of %d photos: thumbnails %d bytes, originals %d bytes: %.2f %% (target < 5 %%)%n",
                    items.size(), thumbs, originals, 100.0 * thumbs / originals);

            // 1b. Audio, 60 s stereo 44.1 kHz, when the encoders are installed.
            Path wav = work.resolve("music.wav");
            if (run(work, "sox", "-n", "-r", "44100", "-c", "2", "-b", "16", wav.toString(), "synth", "60",
                    "pinknoise", "vol", "0.3")) {
                Map<String, String[]> encoders = new java.util.LinkedHashMap<>();
                encoders.put("flac", new String[] {"audio/flac", "flac", "-s", "-f", "-5", "-o", "music.flac", "music.wav"});
                encoders.put("ogg", new String[] {"audio/ogg", "oggenc", "-Q", "-q", "5", "-o", "music.ogg", "music.wav"});
                encoders.put("mp3", new String[] {"audio/mpeg", "lame", "--quiet", "-b", "192", "music.wav", "music.mp3"});
                encoders.put("m4a", new String[] {"audio/mp4", "ffmpeg", "-v", "error", "-y", "-i", "music.wav", "-c:a",
                        "aac", "-b:a", "192k", "music.m4a"});
                encoders.put("aac", new String[] {"audio/aac", "ffmpeg", "-v", "error", "-y", "-i", "music.wav", "-c:a",
                        "aac", "-b:a", "192k", "-f", "adts", "music.aac"});
                for (Map.Entry<String, String[]> e : encoders.entrySet()) {
                    String[] spec = e.getValue();
                    String[] command = java.util.Arrays.copyOfRange(spec, 1, spec.length);
                    if (!run(work, command)) {
                        System.out.println("audio " + e.getKey() + ": SKIPPED (" + command[0] + " not installed)");
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(work.resolve("music." + e.getKey()));
                    process(api, handler, token, userId, "warm." + e.getKey(), spec[0], bytes); // warm the decoder
                    long t0 = System.nanoTime();
                    String id = process(api, handler, token, userId, "music." + e.getKey(), spec[0], bytes);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    JsonNode media = json(check(api.get(token, id), 200)).get("file").get("media");
                    long playable = media.get("playableUrl").isNull() ? 0
                            : Api.download(media.get("playableUrl").asText()).body().length;
                    System.out.printf("audio %s: 60 s, %.2f MB, processed in %d ms: %.0f ms/MB%s%n", e.getKey(),
                            bytes.length / 1_048_576.0, ms, ms / (bytes.length / 1_048_576.0),
                            playable == 0 ? "" : String.format(", WAV rendition %.2f MB (%.1fx the original)",
                                    playable / 1_048_576.0, (double) playable / bytes.length));
                }
            } else {
                System.out.println("audio: SKIPPED (sox not installed)");
            }

            // 3. Cold start of processMedia from its artifact.
            coldStarts(cloud, api, token, userId, work, 4000);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void coldStarts(TestCloud cloud, Api api, String token, String userId, Path work, int width)
            throws Exception {
        Path jar = Path.of("functions/media/target/audmg-media.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.out.println("cold start: SKIPPED (" + jar + " not built)");
            return;
        }
        Path runnerDir = work.resolve("runner/com/audmg/drive/media");
        Files.createDirectories(runnerDir);
        try (var in = MediaBenchmark.class.getResourceAsStream("ColdStartRunner.class")) {
            Files.copy(in, runnerDir.resolve("ColdStartRunner.class"));
        }
        Map<String, String> env = new HashMap<>(cloud.environment(Map.of()));
        env.put("DERIVED_BUCKET", "audmg-derived");
        env.put("AWS_ACCESS_KEY_ID", TestCloud.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", TestCloud.SECRET_KEY);
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation");
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] jpeg = photo(new Random(100 + i), width, width * 3 / 4);
            JsonNode created = json(check(api.create(token, "cold" + i + ".jpg", "image/jpeg", jpeg.length), 201));
            Api.put(created.get("upload"), jpeg);
            String id = created.get("file").get("id").asText();
            check(api.complete(token, id), 200);
            Path body = work.resolve("body" + i + ".json");
            Files.writeString(body, ProcessMediaHandlerTest.s3Message(userId + "/" + id, 1).getBody(), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", jar + java.io.File.pathSeparator + work.resolve("runner"),
                    "com.audmg.drive.media.ColdStartRunner", body.toString()).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            long whole = (System.nanoTime() - t0) / 1_000_000;
            String line = out.lines().filter(l -> l.startsWith("COLD ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("runner failed:\n" + out));
            times.add(Long.parseLong(line.split(" ")[1]));
            String processing = json(check(api.get(token, id), 200)).get("file").get("processing").asText();
            System.out.println("cold start " + (i + 1) + ": " + line.split(" ")[1] + " ms (construct "
                    + line.split(" ")[3] + " ms; whole JVM " + whole + " ms), failures " + line.split(" ")[2]
                    + ", file processing " + processing);
        }
        Collections.sort(times);
        System.out.println("processMedia cold start (construct + first event, a " + width + "x" + width * 3 / 4
                + " JPEG), median of 5: "
                + times.get(2) + " ms; artifact " + Files.size(jar) + " bytes");
    }

    private static void coldRatio(TestCloud cloud, Api api, String token, String userId, Path work, int rounds)
            throws Exception {
        Path jar = Path.of("functions/media/target/audmg-media.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.out.println("cold start: SKIPPED (" + jar + " not built)");
            return;
        }
        Path runnerDir = work.resolve("runner/com/audmg/drive/media");
        Files.createDirectories(runnerDir);
        try (var in = MediaBenchmark.class.getResourceAsStream("ColdStartRunner.class")) {
            Files.copy(in, runnerDir.resolve("ColdStartRunner.class"));
        }
        Map<String, String> env = new HashMap<>(cloud.environment(Map.of()));
        env.put("DERIVED_BUCKET", "audmg-derived");
        env.put("AWS_ACCESS_KEY_ID", TestCloud.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", TestCloud.SECRET_KEY);
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation");
        Path testEvent = work.resolve("test-event.json");
        Files.writeString(testEvent, "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":"
                + "\"2026-11-28T12:00:00.000Z\",\"Bucket\":\"" + TestCloud.MEDIA_BUCKET + "\",\"RequestId\":\"1\","
                + "\"HostId\":\"2\"}", StandardCharsets.UTF_8);
        Map<String, List<long[]>> results = new java.util.LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            byte[] jpeg = photo(new Random(200 + i), 640, 480);
            JsonNode created = json(check(api.create(token, "ratio" + i + ".jpg", "image/jpeg", jpeg.length), 201));
            Api.put(created.get("upload"), jpeg);
            String id = created.get("file").get("id").asText();
            check(api.complete(token, id), 200);
            Path body = work.resolve("ratio" + i + ".json");
            Files.writeString(body, ProcessMediaHandlerTest.s3Message(userId + "/" + id, 1).getBody(),
                    StandardCharsets.UTF_8);
            for (String[] run : List.of(new String[] {"hello", "hello"},
                    new String[] {"processMedia, s3:TestEvent (idle)", testEvent.toString()},
                    new String[] {"processMedia, 640x480 JPEG", body.toString()})) {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", jar + java.io.File.pathSeparator + work.resolve("runner"),
                        "com.audmg.drive.media.ColdStartRunner", run[1]).redirectErrorStream(true);
                pb.environment().putAll(env);
                long t0 = System.nanoTime();
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(120, TimeUnit.SECONDS);
                long whole = (System.nanoTime() - t0) / 1_000_000;
                String line = out.lines().filter(l -> l.startsWith("COLD ")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("runner failed:\n" + out));
                String[] parts = line.split(" ");
                if (!parts[2].equals("0")) {
                    throw new IllegalStateException(run[0] + " reported failures: " + out);
                }
                results.computeIfAbsent(run[0], k -> new ArrayList<>()).add(new long[] {whole,
                        Long.parseLong(parts[1])});
                System.out.println("round " + (i + 1) + " " + run[0] + ": whole JVM " + whole + " ms, main to answer "
                        + parts[1] + " ms (construct " + parts[3] + " ms); load " + loadAverage());
            }
        }
        long helloWhole = median(results.get("hello"), 0);
        long helloMain = median(results.get("hello"), 1);
        for (Map.Entry<String, List<long[]>> e : results.entrySet()) {
            long whole = median(e.getValue(), 0);
            long main = median(e.getValue(), 1);
            System.out.printf("%-36s median of %d: whole JVM %6d ms (x%.1f hello), main to answer %6d ms (x%.1f)%n",
                    e.getKey(), e.getValue().size(), whole, (double) whole / helloWhole, main,
                    (double) main / Math.max(1, helloMain));
        }
        System.out.println("load average at the end: " + loadAverage() + "; artifact " + Files.size(jar) + " bytes");
    }

    private static long median(List<long[]> values, int index) {
        List<Long> sorted = new ArrayList<>(values.stream().map(v -> v[index]).toList());
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static boolean run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String process(Api api, ProcessMediaHandler handler, String token, String userId, String name,
                                  String type, byte[] bytes) {
        String id = json(Api.check(api.upload(token, name, type, bytes), 200)).get("file").get("id").asText();
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(ProcessMediaHandlerTest.s3Message(userId + "/" + id, 1)));
        if (!handler.handleRequest(event, null).getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("processing failed for " + name);
        }
        return id;
    }

    /** A camera-like photo: gradients, shapes and sensor noise (compresses to a few MB at 12 MP). */
    static byte[] photo(Random random, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), width, height,
                new Color(random.nextInt(0xffffff))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 400; i++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(width), random.nextInt(height), 20 + random.nextInt(600), 20 + random.nextInt(600));
        }
        g.dispose();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int n = random.nextInt(25) - 12;
                int r = clamp(((row[x] >> 16) & 0xff) + n);
                int gr = clamp(((row[x] >> 8) & 0xff) + n);
                int b = clamp((row[x] & 0xff) + n);
                row[x] = (r << 16) | (gr << 8) | b;
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
