package com.audmg.drive.local.upgrade;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Fills a running local cloud of the current release through its HTTP API with the content of the upgrade
 * fixture, and writes the manifest that describes it. JDK only, so that it runs as a single source file:
 * <pre>java functions/local/src/test/java/com/audmg/drive/local/upgrade/MakeReleaseFixture.java BASE_URL MANIFEST RELEASE</pre>
 * make-release-fixture.sh (beside the archive in src/test/resources/upgrade) starts the release, runs this,
 * stops it and archives the data folder.
 *
 * <p>Content: two users; each uploads a PNG and a JPEG (ImageIO) and a short WAV (javax.sound), all
 * completed (ready). The first user also leaves one upload pending (created, bytes PUT, not completed),
 * cancels one (created, bytes PUT, then DELETE) and deletes one ready file; the second user leaves one upload
 * pending without bytes (created only).
 */
public final class MakeReleaseFixture {
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    private MakeReleaseFixture(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MakeReleaseFixture BASE_URL MANIFEST_JSON RELEASE");
            System.exit(2);
        }
        new MakeReleaseFixture(args[0]).run(Path.of(args[1]), args[2]);
    }

    private record Entry(String id, String name, String contentType, int size, String sha256, String status,
                         boolean bytesUploaded) {
    }

    private void run(Path manifest, String release) throws Exception {
        StringBuilder users = new StringBuilder();
        String[][] accounts = {{"release-alice", "alice-upgrade-fixture-pw"}, {"release-bob", "bob-upgrade-fixture-pw"}};
        for (int u = 0; u < accounts.length; u++) {
            String username = accounts[u][0];
            String password = accounts[u][1];
            String credentials = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
            String signUp = expect(201, call("POST", "/auth/signup", null, credentials));
            String userId = field(signUp, "userId");
            String token = field(expect(200, call("POST", "/auth/login", null, credentials)), "token");
            List<Entry> files = new ArrayList<>();
            files.add(upload(token, u == 0 ? "sunset.png" : "diagram.png", "image/png", png(u), true, true));
            files.add(upload(token, u == 0 ? "beach.jpg" : "portrait.jpeg", "image/jpeg", jpeg(u), true, true));
            files.add(upload(token, u == 0 ? "chime.wav" : "tone.wav", "audio/wav", wav(u == 0 ? 660 : 440), true, true));
            List<String> pending = new ArrayList<>();
            List<String> cancelled = new ArrayList<>();
            List<String> deleted = new ArrayList<>();
            if (u == 0) {
                Entry p = upload(token, "not-completed.png", "image/png", png(7), true, false);
                files.add(p);
                pending.add(p.id);
                Entry c = upload(token, "cancelled.wav", "audio/wav", wav(880), true, false);
                expect(204, call("DELETE", "/files/" + c.id, token, null));
                files.add(withStatus(c, "cancelled"));
                cancelled.add(c.id);
                Entry d = upload(token, "deleted.jpg", "image/jpeg", jpeg(9), true, true);
                expect(204, call("DELETE", "/files/" + d.id, token, null));
                files.add(withStatus(d, "deleted"));
                deleted.add(d.id);
            } else {
                Entry p = upload(token, "created-only.wav", "audio/wav", wav(330), false, false);
                files.add(p);
                pending.add(p.id);
            }
            if (users.length() > 0) {
                users.append(",\n");
            }
            users.append("    {\"username\": ").append(quote(username)).append(", \"password\": ").append(quote(password))
                    .append(", \"userId\": ").append(quote(userId)).append(",\n      \"files\": [\n");
            for (int i = 0; i < files.size(); i++) {
                Entry f = files.get(i);
                users.append("        {\"id\": ").append(quote(f.id)).append(", \"name\": ").append(quote(f.name))
                        .append(", \"contentType\": ").append(quote(f.contentType)).append(", \"size\": ").append(f.size)
                        .append(", \"sha256\": ").append(quote(f.sha256)).append(", \"status\": ").append(quote(f.status))
                        .append(", \"bytesUploaded\": ").append(f.bytesUploaded).append('}')
                        .append(i + 1 < files.size() ? ",\n" : "\n");
            }
            users.append("      ],\n      \"pendingUploadIds\": ").append(list(pending))
                    .append(", \"cancelledUploadIds\": ").append(list(cancelled))
                    .append(", \"deletedFileIds\": ").append(list(deleted)).append('}');
        }
        String json = "{\n  \"release\": " + quote(release) + ",\n"
                + "  \"made\": " + quote(java.time.Instant.now().toString()) + ",\n"
                + "  \"note\": \"status: ready = completed and listed; pending = created, not completed (bytesUploaded"
                + " says whether its bytes were PUT); cancelled = created, bytes PUT, then DELETE; deleted = completed,"
                + " then DELETE. Upload URLs lived 15 minutes, so every pending upload here is long expired.\",\n"
                + "  \"users\": [\n" + users + "\n  ]\n}\n";
        Files.writeString(manifest, json, StandardCharsets.UTF_8);
        System.out.println("manifest written: " + manifest);
    }

    private Entry upload(String token, String name, String type, byte[] bytes, boolean put, boolean complete)
            throws Exception {
        String created = expect(201, call("POST", "/files", token, "{\"name\":" + quote(name) + ",\"contentType\":"
                + quote(type) + ",\"size\":" + bytes.length + "}"));
        String id = field(created.substring(created.indexOf("\"file\"")), "id");
        String uploadPart = created.substring(created.indexOf("\"upload\""));
        if (put) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(field(uploadPart, "url")))
                    .method(field(uploadPart, "method"), HttpRequest.BodyPublishers.ofByteArray(bytes));
            Matcher headers = Pattern.compile("\"headers\"\\s*:\\s*\\{([^}]*)}").matcher(uploadPart);
            if (headers.find()) {
                Matcher pair = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(headers.group(1));
                while (pair.find()) {
                    if (!RESTRICTED.contains(pair.group(1).toLowerCase(Locale.ROOT))) {
                        request.header(pair.group(1), pair.group(2));
                    }
                }
            }
            HttpResponse<String> stored = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (stored.statusCode() != 200) {
                throw new IllegalStateException("PUT of " + name + " answered " + stored.statusCode() + " " + stored.body());
            }
        }
        if (complete) {
            String done = expect(200, call("POST", "/files/" + id + "/complete", token, null));
            if (!"ready".equals(field(done, "status"))) {
                throw new IllegalStateException("complete of " + name + " did not make it ready: " + done);
            }
        }
        return new Entry(id, name, type, bytes.length, sha256(bytes), complete ? "ready" : "pending", put);
    }

    private static Entry withStatus(Entry e, String status) {
        return new Entry(e.id, e.name, e.contentType, e.size, e.sha256, status, e.bytesUploaded);
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The first string value of a field (the API's JSON is flat enough for this; JDK only). */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1).replace("\\/", "/");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String list(List<String> ids) {
        return ids.stream().map(MakeReleaseFixture::quote).toList().toString();
    }

    private static BufferedImage picture(int seed) {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(40 + seed * 20, 90, 200), 96, 64, new Color(250, 180, 60 + seed * 10)));
        g.fillRect(0, 0, 96, 64);
        g.setColor(Color.WHITE);
        g.fillOval(20 + seed * 3, 12, 30, 30);
        g.dispose();
        return image;
    }

    private static byte[] png(int seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture(seed), "png", out);
        return out.toByteArray();
    }

    private static byte[] jpeg(int seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture(seed), "jpeg", out);
        return out.toByteArray();
    }

    /** Half a second of a sine tone, 8 kHz 8-bit mono PCM: about 4 KB. */
    private static byte[] wav(int hz) throws IOException {
        float rate = 8000;
        byte[] pcm = new byte[4000];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (byte) (Math.sin(2 * Math.PI * hz * i / rate) * 90);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(rate, 8, 1, true, false),
                pcm.length), AudioFileFormat.Type.WAVE, out);
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
