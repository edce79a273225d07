package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * OWASP's device cookies over real HTTP on the local cloud running the real project (serverless.yml with
 * its bcrypt cost and gateway throttle, the built functions artifact). Clients come from several loopback
 * addresses (127.0.0.0/8: each socket is bound to its own source address, which the gateway passes on as
 * {@code requestContext.identity.sourceIp}, as API Gateway does). A distributed guessing attack keeps the
 * username's untrusted budget exhausted while the owner, with a device token, logs in every time; another
 * account's, a forged, and a revoked (password reset, account deleted) device token are refused; malformed
 * bodies on the changed routes get a 4xx JSON error.
 *
 * <p>The attack runs {@code audmg.deviceAttackSeconds} seconds (20 by default; the review's run was 85).
 */
@EnabledIf(value = "artifactExists", disabledReason = "functions/lambda/target/audmg-functions.jar not built")
class DeviceTokensOverHttpTest {

    private static final String PASSWORD = "purple-monkey-dishwasher";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static LocalCloud cloud;
    private static int port;

    static boolean artifactExists() {
        return Files.isRegularFile(RealProjectTest.ARTIFACT) && Files.isRegularFile(RealProjectTest.CONFIG);
    }

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start(LocalCloudOptions.builder().port(0).dataDir(dataDir)
                .config(RealProjectTest.CONFIG).artifact(RealProjectTest.ARTIFACT)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .prewarm(true).build());
        port = cloud.baseUrl().getPort();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void aDistributedGuessingAttack_shouldNotKeepTheOwnerWithADeviceTokenOut() throws Exception {
        signUp("owen", null);
        String device = ok(patient("127.0.0.2", "POST", "/auth/login", null, login("owen", PASSWORD, null)), 200)
                .path("deviceToken").asText();
        int seconds = Integer.getInteger("audmg.deviceAttackSeconds", 20);

        // 4 threads, 30 addresses (127.0.1.1-30), about 7 wrong passwords a second in all.
        AtomicBoolean attacking = new AtomicBoolean(true);
        Map<String, AtomicInteger> attackerAnswers = new ConcurrentHashMap<>();
        ExecutorService attackers = Executors.newFixedThreadPool(4);
        List<Future<?>> threads = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            threads.add(attackers.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30);
                while (attacking.get() && System.nanoTime() < deadline) {
                    int n = sent.getAndIncrement();
                    Answer a = send("127.0.1." + (1 + n % 30), "POST", "/auth/login", null,
                            login("owen", "guess number " + n, null));
                    String kind = GatewayAnswers.throttled(a.status, a.body) ? "gateway 429" : a.status + " " + code(a);
                    attackerAnswers.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(4 * 1000 / 7);
                }
                return null;
            }));
        }
        // Until the strangers have spent the username's free verifications and the function makes them wait.
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attackerAnswers.getOrDefault("429 too_many_attempts", new AtomicInteger()).get() < 5) {
            assertTrue(System.nanoTime() < waitUntil, "the attack never exhausted the budget: " + attackerAnswers);
            Thread.sleep(200);
        }

        int ownerTrusted = 0;
        int ownerTrustedIn = 0;
        int ownerUntrusted = 0;
        int ownerUntrustedRefused = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Answer untrusted = patient("127.0.0.3", "POST", "/auth/login", null, login("owen", PASSWORD, null));
            ownerUntrusted++;
            if (untrusted.status == 429) {
                ownerUntrustedRefused++;
            } else {
                assertEquals(200, untrusted.status, untrusted.body);
            }
            Answer trusted = patient("127.0.0.2", "POST", "/auth/login", null, login("owen", PASSWORD, device));
            ownerTrusted++;
            assertEquals(200, trusted.status, "the owner with a device token, attempt " + ownerTrusted + ": "
                    + trusted.body + "; attackers got " + attackerAnswers);
            ownerTrustedIn++;
            device = JSON.readTree(trusted.body).path("deviceToken").asText();
            Thread.sleep(1000);
        }
        attacking.set(false);
        for (Future<?> thread : threads) {
            thread.get(60, TimeUnit.SECONDS);
        }
        attackers.shutdown();
        System.out.printf(Locale.ROOT, "device-cookie attack over %d s: owner with device token %d of %d in, without %d of %d"
                + " refused; attackers' answers %s; retried calls %s%n", seconds, ownerTrustedIn, ownerTrusted,
                ownerUntrustedRefused, ownerUntrusted, attackerAnswers, RETRIED);
        assertEquals(ownerTrusted, ownerTrustedIn);
        assertTrue(ownerTrusted >= seconds / 4, ownerTrusted + " logins in " + seconds + " s");
        // The attack is real: without its device token the owner is mostly kept waiting like everyone.
        assertTrue(ownerUntrustedRefused * 2 >= ownerUntrusted, ownerUntrustedRefused + " of " + ownerUntrusted + " refused");
        assertTrue(attackerAnswers.getOrDefault("401 invalid_credentials", new AtomicInteger()).get()
                <= 20 + 2 * seconds, "wrong passwords verified: " + attackerAnswers);
    }

    @Test
    void anotherAccountsForgedOrRevokedDeviceTokens_shouldBeRefused() throws Exception {
        signUp("pia", "pia@example.com");
        signUp("mal", null);
        JsonNode piaSession = ok(patient("127.0.0.4", "POST", "/auth/login", null, login("pia", PASSWORD, null)), 200);
        String beforeReset = piaSession.path("deviceToken").asText();
        JsonNode malSession = ok(patient("127.0.0.5", "POST", "/auth/login", null, login("mal", PASSWORD, null)), 200);
        String mals = malSession.path("deviceToken").asText();

        // A device token opens nothing by itself.
        assertEquals(401, patient("127.0.0.4", "GET", "/me", beforeReset, null).status);
        assertEquals(401, patient("127.0.0.4", "POST", "/auth/refresh", null,
                "{\"refreshToken\":\"" + beforeReset + "\"}").status);

        // A password reset revokes every device token of the account.
        Answer verify = patient("127.0.0.4", "POST", "/me/email/verify", piaSession.path("token").asText(),
                "{\"code\":\"" + Outbox.codeMailedTo(dataDir, "pia@example.com", "verification") + "\"}");
        assertEquals(204, verify.status, verify.body);
        assertEquals(202, patient("127.0.0.4", "POST", "/auth/password-reset", null, "{\"username\":\"pia\"}").status);
        Answer reset = patient("127.0.0.4", "POST", "/auth/password-reset/confirm", null, "{\"username\":\"pia\",\"code\":\""
                + Outbox.codeMailedTo(dataDir, "pia@example.com", "password reset") + "\",\"newPassword\":\"a brand new passphrase\"}");
        assertEquals(204, reset.status, reset.body);
        String pias = ok(patient("127.0.0.4", "POST", "/auth/login", null, login("pia", "a brand new passphrase", null)), 200)
                .path("deviceToken").asText();

        // Deleting an account revokes its device tokens; the name signed up again is another account.
        assertEquals(204, patient("127.0.0.5", "DELETE", "/me", malSession.path("token").asText(),
                "{\"password\":\"" + PASSWORD + "\"}").status);
        signUp("mal", null);
        String newMals = ok(patient("127.0.0.5", "POST", "/auth/login", null, login("mal", PASSWORD, null)), 200)
                .path("deviceToken").asText();

        // Strangers close both names' untrusted budgets (at once: each takes some 15 s of growing intervals) ...
        ExecutorService strangers = Executors.newFixedThreadPool(2);
        Future<?> piaClosed = strangers.submit(() -> exhaust("pia"));
        Future<?> malClosed = strangers.submit(() -> exhaust("mal"));
        piaClosed.get(150, TimeUnit.SECONDS);
        malClosed.get(150, TimeUnit.SECONDS);
        strangers.shutdown();

        // ... and only each account's own current device token still gets a verification.
        String[] parts = pias.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        String[][] refused = {{"mal", "of the deleted account", mals}, {"pia", "mal's", newMals},
                {"pia", "forged", forged}, {"pia", "from before the reset", beforeReset}, {"pia", "none", null}};
        for (String[] attempt : refused) {
            String password = attempt[0].equals("pia") ? "a brand new passphrase" : PASSWORD;
            Answer a = patient("127.0.0.6", "POST", "/auth/login", null, login(attempt[0], password, attempt[2]));
            assertEquals(429, a.status, attempt[0] + " with a device token " + attempt[1] + ": " + a.body);
            assertEquals("too_many_attempts", code(a));
        }
        JsonNode piaNow = ok(patient("127.0.0.6", "POST", "/auth/login", null,
                login("pia", "a brand new passphrase", pias)), 200);
        ok(patient("127.0.0.6", "POST", "/auth/login", null, login("mal", PASSWORD, newMals)), 200);
        // Signed in, the owner re-enters the password (here to change it) in the session's own budget: the
        // strangers' closed budget does not hold it back.
        Answer change = patient("127.0.0.6", "POST", "/me/password", piaNow.path("token").asText(),
                "{\"currentPassword\":\"a brand new passphrase\",\"newPassword\":\"another fresh passphrase\"}");
        assertEquals(204, change.status, change.body);
    }

    @Test
    void malformedBodies_onTheChangedRoutes_shouldGet4xxJson() throws Exception {
        String[] bodies = {
                "{not json",
                "[]",
                "\"a string\"",
                "42",
                "null",
                "{}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":42}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":{\"a\":1}}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":[\"t\"]}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":true}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":\"" + "a".repeat(5000) + "\"}",
                "{\"username\":42,\"password\":\"y\"}",
                "{\"username\":\"x\"}",
                "{\"username\":\"x\",\"password\":\"y\",\"deviceToken\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
        };
        int checked = 0;
        for (String path : new String[] {"/auth/login", "/auth/login/mfa"}) {
            for (String body : bodies) {
                Answer a = patient("127.0.3." + (1 + checked % 200), "POST", path, null, body);
                // The function's own 400, naming what is wrong (not the gateway's 403 of an unknown route).
                assertEquals(400, a.status, path + " " + abbreviate(body) + ": " + a.body);
                assertEquals("invalid_request", code(a), a.body);
                checked++;
            }
            Answer invalidUtf8 = send("127.0.3.250", "POST", path, null, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertTrue(invalidUtf8.status >= 400 && invalidUtf8.status < 500, invalidUtf8.status + " " + invalidUtf8.body);
            assertTrue(JSON.readTree(invalidUtf8.body).path("error").isObject(), invalidUtf8.body);
        }
        assertEquals(28, checked);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String abbreviate(String body) {
        return body.length() > 60 ? body.substring(0, 60) + "..." : body;
    }

    private static String login(String username, String password, String deviceToken) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\""
                + (deviceToken == null ? "" : ",\"deviceToken\":\"" + deviceToken + "\"") + "}";
    }

    private static void signUp(String username, String email) throws Exception {
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\""
                + (email == null ? "" : ",\"email\":\"" + email + "\"") + "}";
        String from = "127.0.4." + (1 + NEXT_ADDRESS.getAndIncrement() % 200);
        for (int attempt = 0; attempt < 10; attempt++) {
            Answer a = send(from, "POST", "/auth/signup", null, body);
            if (a.status == 201 || a.status == 409 && attempt > 0) {
                // 409 after a retry: the timed-out attempt created the account.
                return;
            }
            assertTrue(a.status == 502 || a.status == 504 || GatewayAnswers.throttled(a.status, a.body),
                    a.status + " " + a.body);
            Thread.sleep(500);
        }
        throw new AssertionError("sign-up of " + username + " never answered");
    }

    /**
     * Wrong passwords from fresh addresses until the username's untrusted budget is closed for the next 16 s:
     * past 20 failures each one closes it for 1, 2, 4, ... s. Returns right after the 24th failure.
     */
    private static Void exhaust(String username) throws Exception {
        int failures = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Answer a = patient("127.0.2." + (1 + NEXT_ADDRESS.getAndIncrement() % 250), "POST", "/auth/login", null,
                    login(username, "stranger's guess " + failures, null));
            assertTrue(a.status == 401 || a.status == 429, a.status + " " + a.body);
            if (a.status == 401 && ++failures >= 24) {
                return null;
            }
            if (a.status == 429) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("the untrusted budget of " + username + " never closed");
    }

    private static JsonNode ok(Answer a, int status) throws Exception {
        assertEquals(status, a.status, a.body);
        return JSON.readTree(a.body);
    }

    private static String code(Answer a) {
        try {
            return JSON.readTree(a.body).path("error").path("code").asText("");
        } catch (IOException e) {
            return "not json";
        }
    }

    private record Answer(int status, String body) {
    }

    /** Calls that the gateway's throttle (429) or a timeout on a loaded machine (502 function, 504 gateway) refused. */
    private static final Map<String, AtomicInteger> RETRIED = new ConcurrentHashMap<>();

    /**
     * As {@link #send}, tried again after a pause, as a patient client does, while the gateway's own throttle
     * (429) answers or a timeout on a loaded machine (502: the function's 10 s, 504: the gateway's 29 s).
     */
    private static Answer patient(String from, String method, String path, String token, String body) throws Exception {
        Answer a = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            a = send(from, method, path, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
            boolean gateway = GatewayAnswers.throttled(a.status, a.body);
            if (!gateway && a.status != 504 && a.status != 502) {
                return a;
            }
            RETRIED.computeIfAbsent(gateway ? "gateway 429" : Integer.toString(a.status), k -> new AtomicInteger())
                    .incrementAndGet();
            Thread.sleep(300);
        }
        return a;
    }

    private static Answer send(String from, String method, String path, String token, String body) throws IOException {
        return send(from, method, path, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** One HTTP/1.1 request from the loopback address {@code from} (the socket is bound to it). */
    private static Answer send(String from, String method, String path, String token, byte[] body) throws IOException {
        URI base = cloud.baseUrl();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(base.getHost(), port), 10_000);
            socket.setSoTimeout(60_000);
            String stagePath = base.getPath() == null || base.getPath().equals("/") ? "" : base.getPath().replaceAll("/$", "");
            StringBuilder head = new StringBuilder(method + " " + stagePath + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + port
                    + "\r\nUser-Agent: DeviceTokensOverHttpTest\r\nConnection: close\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            byte[] bytes = body == null ? new byte[0] : body;
            if (body != null) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP answer: " + text);
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyAt = text.indexOf("\r\n\r\n");
            String headers = text.substring(0, bodyAt).toLowerCase(Locale.ROOT);
            byte[] rest = java.util.Arrays.copyOfRange(all, bodyAt + 4, all.length);
            if (headers.contains("\r\ntransfer-encoding: chunked")) {
                rest = dechunk(rest);
            }
            return new Answer(status, new String(rest, StandardCharsets.UTF_8));
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = at;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
