package com.audmg.drive.local.project;

import com.audmg.drive.local.s3.S3Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A randomized concurrent load on the files API over real HTTP, with a client-side model of what the
 * server acknowledged, and the invariant checks run once the load has stopped.
 *
 * <p>Workers pick a user and an operation at random: full uploads (create, presigned PUT, complete),
 * creates left pending, PUTs and completes of pending uploads (sometimes two completes at once, sometimes a
 * complete racing a DELETE, sometimes the "two completes, and a DELETE as soon as the first
 * answers"), permanent and plain DELETEs, lists (ready and pending, paged), gets with a download, GET /me,
 * uploads whose bytes are not the declared format, and PUTs through the upload URL of a deleted file.
 *
 * <p>API assumptions (adapt here when the store changes): create answers 201
 * {@code {"file":{"id"},"upload":{"method","url","headers","expiresAt"}}}; every presigned URL is path-style
 * ({@code /<bucket>/<key>}) on the embedded S3; {@code GET /files?status=ready|pending[|trashed]} pages with
 * {@code nextCursor}; a plain DELETE 204 takes a file out of the ready listing (into the trash or for good),
 * {@code permanent=true} out of every listing; {@code GET /me} has {@code usage.files} and {@code usage.bytes}
 * for the ready files.
 */
final class Torture {

    /** What to run; every value but {@code sameFileRaces} (the test chooses it) is set with {@code -Dtorture.<name>=...}. */
    record Settings(int seconds, int workers, int users, int minBytes, int maxBytes, long seed,
                    boolean sameFileRaces, boolean strictDeletes, boolean allowBusy, int readyCap, int pendingCap) {

        static Settings fromSystemProperties() {
            return new Settings(
                    Integer.getInteger("torture.seconds", 20),
                    Integer.getInteger("torture.workers", 8),
                    Integer.getInteger("torture.users", 3),
                    Integer.getInteger("torture.minBytes", 16 * 1024),
                    Integer.getInteger("torture.maxBytes", 160 * 1024),
                    Long.getLong("torture.seed", System.nanoTime()),
                    true,
                    Boolean.parseBoolean(System.getProperty("torture.strictDeletes", "true")),
                    Boolean.parseBoolean(System.getProperty("torture.allowBusy", "true")),
                    Integer.getInteger("torture.readyCap", 40),
                    Integer.getInteger("torture.pendingCap", 12));
        }

        Settings withSameFileRaces(boolean races) {
            return new Settings(seconds, workers, users, minBytes, maxBytes, seed, races, strictDeletes, allowBusy,
                    readyCap, pendingCap);
        }
    }

    /** What a run found. */
    record Result(Map<String, Long> statusCounts, Map<String, List<String>> violations, List<String> serverErrors,
                  Map<String, Long> objectClasses, long operations) {

        boolean clean() {
            return violations.isEmpty() && serverErrors.isEmpty();
        }

        String summary() {
            StringBuilder s = new StringBuilder();
            s.append(operations).append(" operations; server errors: ").append(serverErrors.size());
            violations.forEach((kind, examples) -> s.append("\n  VIOLATION ").append(kind).append(": ")
                    .append(examples.size()));
            return s.toString();
        }
    }

    record Event(String op, int status, long start, long end) {
        boolean overlaps(Event other) {
            return start <= other.end && other.start <= end;
        }
    }

    static final class User {
        final String name;
        final String password;
        final String userId;
        final String token;
        final List<TFile> active = new ArrayList<>();
        final List<TFile> deleted = new ArrayList<>();

        User(String name, String password, String userId, String token) {
            this.name = name;
            this.password = password;
            this.userId = userId;
            this.token = token;
        }
    }

    static final class TFile {
        final User user;
        final String id;
        final String name;
        final String contentType;
        final int size;
        final String sha256;
        final long seed;
        final byte[] smallBody;
        /** Declared an image, the bytes are a WAV: complete must refuse it. */
        final boolean wrongFormat;
        final String uploadMethod;
        final URI uploadUrl;
        final Map<String, String> uploadHeaders;
        final Instant uploadExpiresAt;
        final String uploadKey;
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong firstDeleteStart = new AtomicLong(Long.MAX_VALUE);
        /** Without same-file races, one worker at a time works on a file. */
        final ReentrantLock lock = new ReentrantLock();

        TFile(User user, String id, String name, String contentType, int size, String sha256, long seed,
              byte[] smallBody, boolean wrongFormat, String uploadMethod, URI uploadUrl,
              Map<String, String> uploadHeaders, Instant uploadExpiresAt, String uploadKey) {
            this.user = user;
            this.id = id;
            this.name = name;
            this.contentType = contentType;
            this.size = size;
            this.sha256 = sha256;
            this.seed = seed;
            this.smallBody = smallBody;
            this.wrongFormat = wrongFormat;
            this.uploadMethod = uploadMethod;
            this.uploadUrl = uploadUrl;
            this.uploadHeaders = uploadHeaders;
            this.uploadExpiresAt = uploadExpiresAt;
            this.uploadKey = uploadKey;
        }

        byte[] body() {
            return smallBody != null ? smallBody : TortureMedia.wav(size, seed);
        }

        List<Event> events(String... ops) {
            Set<String> wanted = Set.of(ops);
            synchronized (events) {
                return events.stream().filter(e -> wanted.contains(e.op)).toList();
            }
        }

        boolean any(int status, String... ops) {
            return events(ops).stream().anyMatch(e -> e.status == status);
        }
    }

    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final Settings settings;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ExecutorService racers = Executors.newCachedThreadPool(daemon("torture-race"));
    private final List<User> users = new ArrayList<>();
    private final Map<String, TFile> files = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> statusCounts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> violations = new ConcurrentHashMap<>();
    /** A 5xx or an API call without answer, with the file it concerned (described once the load stopped). */
    private record ServerError(String text, TFile file) {
    }

    private final List<ServerError> serverErrors = Collections.synchronizedList(new ArrayList<>());
    /** S3 requests that got no answer at all (connection closed), reported apart: no 5xx was answered. */
    private final List<ServerError> noAnswers = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder operations = new LongAdder();
    private final LongAdder readyChecked = new LongAdder();
    private final LongAdder pendingChecked = new LongAdder();
    /** End-state reads the gateway throttled (429) and the checker waited out and repeated. */
    private final LongAdder throttledFinalReads = new LongAdder();
    private final AtomicInteger names = new AtomicInteger();
    private final long t0 = System.nanoTime();
    private final Path s3Credentials;
    /** The embedded S3 and the media bucket, as the first upload URL names them. */
    private volatile URI s3Endpoint;
    private volatile String mediaBucket;

    /**
     * @param base the API's base URL
     * @param s3Credentials the local cloud's {@code s3-credentials.properties}, to list the media bucket directly
     */
    Torture(URI base, Path s3Credentials, Settings settings, PrintStream out) {
        this.base = base;
        this.s3Credentials = s3Credentials;
        this.settings = settings;
        this.out = out;
    }

    // ---- the run -------------------------------------------------------------------------------------

    /** Signs up the users, runs the load for the configured time, then checks every invariant. */
    Result run() throws Exception {
        out.printf(Locale.ROOT, "torture: %d s, %d workers, %d users, bodies %d-%d bytes, same-file races %s, seed %d%n",
                settings.seconds, settings.workers, settings.users, settings.minBytes, settings.maxBytes,
                settings.sameFileRaces, settings.seed);
        for (int u = 0; u < settings.users; u++) {
            users.add(signUp("torture" + u + "-" + Long.toString(settings.seed & 0xffffff, 36)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.seconds);
        ExecutorService workers = Executors.newFixedThreadPool(settings.workers, daemon("torture-worker"));
        List<Throwable> harnessErrors = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < settings.workers; w++) {
            Random random = new Random(settings.seed * 31 + w);
            workers.submit(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        step(random, users.get(random.nextInt(users.size())));
                    } catch (Throwable e) {
                        harnessErrors.add(e);
                        return;
                    }
                }
            });
        }
        workers.shutdown();
        long nextProgress = System.nanoTime();
        while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
            if (System.nanoTime() >= nextProgress) {
                progress();
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(5, settings.seconds / 10));
            }
            if (System.nanoTime() > deadline + TimeUnit.MINUTES.toNanos(3)) {
                throw new IllegalStateException("the load did not stop within 3 minutes of its end");
            }
        }
        racers.shutdown();
        if (!racers.awaitTermination(3, TimeUnit.MINUTES)) {
            throw new IllegalStateException("racing requests did not finish within 3 minutes");
        }
        if (!harnessErrors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("the harness failed: " + harnessErrors.get(0), harnessErrors.get(0));
            harnessErrors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        progress();
        if (s3Endpoint == null) {
            throw new IllegalStateException("no upload was created: nothing was tested");
        }
        unknownListed.forEach((id, seen) -> {
            TFile f = files.get(id);
            if (f == null || f.user != seen[0]) {
                violation("listed a file this user never created", (String) seen[1]);
            }
        });
        Map<String, Long> objectClasses = new TreeMap<>();
        try (S3Client client = S3Settings.read(s3Endpoint, s3Credentials).client("us-east-1", Duration.ofSeconds(30))) {
            S3Access s3 = S3Access.of(client, mediaBucket);
            for (User user : users) {
                checkUser(user, s3, objectClasses);
            }
        }
        List<String> errors = new ArrayList<>();
        synchronized (serverErrors) {
            serverErrors.forEach(e -> errors.add(e.text + (e.file == null ? "" : " [" + describe(e.file) + "]")));
        }
        synchronized (noAnswers) {
            noAnswers.stream().limit(10).forEach(e -> out.println("torture: no answer from S3: " + e.text
                    + (e.file == null ? "" : " [" + describe(e.file) + "]")));
        }
        Result result = new Result(snapshot(statusCounts), new TreeMap<>(violations), errors,
                objectClasses, operations.sum());
        report(result);
        return result;
    }

    private void step(Random rnd, User u) throws Exception {
        int roll = rnd.nextInt(100);
        if (roll < 28) {
            fullUpload(rnd, u);
        } else if (roll < 38) {
            create(rnd, u).ifPresent(f -> f.lock.unlock());
        } else if (roll < 46) {
            withPicked(pick(rnd, u, false), this::put);
        } else if (roll < 56) {
            withPicked(pick(rnd, u, false), f -> complete(rnd, f));
        } else if (roll < 68) {
            boolean permanent = rnd.nextInt(10) < 6;
            withPicked(pick(rnd, u, true), f -> {
                if (f.any(200, "complete") && readyCount(u) < settings.readyCap / 2) {
                    // Keep a library to check at the end, also when creates are refused (429) for a while.
                    getAndDownload(f);
                } else {
                    delete(f, permanent);
                }
            });
        } else if (roll < 77) {
            list(rnd, u);
        } else if (roll < 88) {
            withPicked(pick(rnd, u, true), this::getAndDownload);
        } else if (roll < 91) {
            me(u);
        } else if (roll < 94) {
            stalePut(rnd, u);
        } else if (settings.sameFileRaces) {
            twoCompletesThenDelete(rnd, u);
        } else {
            fullUpload(rnd, u);
        }
        operations.increment();
    }

    private static long readyCount(User u) {
        synchronized (u) {
            return u.active.stream().filter(f -> f.any(200, "complete")).count();
        }
    }

    /** Runs an operation on a picked file; without same-file races only if no other worker works on it. */
    private void withPicked(Optional<TFile> picked, Consumer<TFile> operation) {
        if (picked.isEmpty()) {
            return;
        }
        TFile f = picked.get();
        if (settings.sameFileRaces) {
            operation.accept(f);
        } else if (f.lock.tryLock()) {
            try {
                operation.accept(f);
            } finally {
                f.lock.unlock();
            }
        }
    }

    /** Create, PUT, complete: the normal path. */
    private void fullUpload(Random rnd, User u) throws Exception {
        Optional<TFile> created = create(rnd, u);
        if (created.isEmpty()) {
            return;
        }
        TFile f = created.get();
        try {
            if (put(f) == 200) {
                complete(rnd, f);
            }
        } finally {
            f.lock.unlock();
        }
    }

    /** The interleaving: two completes of one upload at once, a permanent DELETE as soon as one answers. */
    private void twoCompletesThenDelete(Random rnd, User u) throws Exception {
        Optional<TFile> created = create(rnd, u);
        if (created.isEmpty()) {
            return;
        }
        TFile f = created.get();
        try {
            if (put(f) != 200) {
                return;
            }
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> await(go, () -> completeOnce(f)), racers);
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> await(go, () -> completeOnce(f)), racers);
            go.countDown();
            CompletableFuture.anyOf(first, second).join();
            int deleted = delete(f, true);
            count("scenario two completes + DELETE: completes " + Math.min(first.join(), second.join()) + "/"
                    + Math.max(first.join(), second.join()) + ", DELETE", deleted);
        } finally {
            f.lock.unlock();
        }
    }

    // ---- operations ----------------------------------------------------------------------------------

    private Optional<TFile> create(Random rnd, User u) throws Exception {
        TFile victim = null;
        synchronized (u) {
            long ready = readyCount(u);
            if (u.active.size() - ready >= settings.pendingCap || ready >= settings.readyCap) {
                victim = u.active.get(rnd.nextInt(u.active.size()));
            }
        }
        if (victim != null) {
            // Keep the library and the pending uploads bounded: remove something instead.
            withPicked(Optional.of(victim), f -> delete(f, true));
            return Optional.empty();
        }
        int kindRoll = rnd.nextInt(100);
        long seed = rnd.nextLong();
        String contentType;
        byte[] small;
        boolean wrong = false;
        if (kindRoll < 75) {
            contentType = "audio/wav";
            small = null;
        } else if (kindRoll < 86) {
            contentType = "image/png";
            small = TortureMedia.image("png", seed);
        } else if (kindRoll < 96) {
            contentType = "image/jpeg";
            small = TortureMedia.image("jpeg", seed);
        } else {
            contentType = "image/png";
            small = TortureMedia.wav(2048, seed);
            wrong = true;
        }
        int size = small != null ? small.length
                : Math.max(64, (settings.minBytes + rnd.nextInt(Math.max(1, settings.maxBytes - settings.minBytes + 1))) & ~1);
        byte[] body = small != null ? small : TortureMedia.wav(size, seed);
        String sha = TortureMedia.sha256(body);
        String name = "t" + names.incrementAndGet() + (contentType.startsWith("audio") ? ".wav"
                : contentType.endsWith("png") ? ".png" : ".jpg");
        ObjectNode req = json.createObjectNode().put("name", name).put("contentType", contentType).put("size", size);
        Reply r = api("create", "POST", "/files", u.token, req.toString(), null);
        if (r.status != 201) {
            return Optional.empty();
        }
        JsonNode doc = r.json();
        JsonNode upload = doc.path("upload");
        Map<String, String> headers = new LinkedHashMap<>();
        upload.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        URI url = URI.create(upload.path("url").asText());
        TFile f = new TFile(u, doc.path("file").path("id").asText(), name, contentType, size, sha, seed,
                small, wrong, upload.path("method").asText("PUT"), url, headers,
                Instant.parse(upload.path("expiresAt").asText()), keyOf(url));
        f.lock.lock(); // the caller's until it unlocks
        files.put(f.id, f);
        synchronized (u) {
            u.active.add(f);
        }
        if (s3Endpoint == null) {
            s3Endpoint = URI.create(url.getScheme() + "://" + url.getRawAuthority());
            mediaBucket = url.getRawPath().substring(1, url.getRawPath().indexOf('/', 1));
        }
        return Optional.of(f);
    }

    private int put(TFile f) {
        return put(f, "put", "PUT (S3)");
    }

    private int put(TFile f, String op, String route) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uploadUrl).timeout(CALL_TIMEOUT)
                .method(f.uploadMethod, HttpRequest.BodyPublishers.ofByteArray(f.body()));
        f.uploadHeaders.forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                b.header(k, v);
            }
        });
        long start = now();
        int status;
        String body;
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            body = r.body();
        } catch (IOException e) {
            status = -1;
            body = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        boolean existed = f.any(200, "put", "stalePut");
        f.events.add(new Event(op, status, start, now()));
        count(route, status);
        if (status < 0 && existed) {
            // s3proxy refuses a conditional PUT of an existing key (412) before reading the body and closes the
            // connection: a client still sending a big body sees no answer. Nothing was written.
            count("tolerated: no answer to a PUT of a key already written (early 412)", 0);
        } else if (status < 0) {
            // Not a 5xx: the connection closed without an answer (cause not established; reported apart).
            noAnswers.add(new ServerError("S3 " + op + " " + f.uploadKey + ": " + abbreviate(body), f));
        } else if (status >= 500) {
            serverErrors.add(new ServerError("S3 " + op + " " + f.uploadKey + " -> " + status + " " + abbreviate(body), f));
        }
        return status;
    }

    private void complete(Random rnd, TFile f) {
        int roll = rnd.nextInt(100);
        if (!settings.sameFileRaces || roll < 70) {
            completeOnce(f);
        } else if (roll < 85) {
            race(() -> completeOnce(f), () -> completeOnce(f));
        } else {
            boolean permanent = rnd.nextBoolean();
            race(() -> completeOnce(f), () -> delete(f, permanent));
        }
    }

    private int completeOnce(TFile f) {
        return api("complete", "POST", "/files/" + f.id + "/complete", f.user.token, null, f).status;
    }

    private int delete(TFile f, boolean permanent) {
        f.firstDeleteStart.accumulateAndGet(now(), Math::min);
        Reply r = api(permanent ? "deletePermanent" : "delete", "DELETE",
                "/files/" + f.id + (permanent ? "?permanent=true" : ""), f.user.token, null, f);
        if (r.status == 204 || r.status == 404) {
            // Gone either way (404: deleted or cancelled before, or refused by complete): stop picking it.
            synchronized (f.user) {
                if (f.user.active.remove(f) && r.status == 204) {
                    f.user.deleted.add(f);
                    if (f.user.deleted.size() > 50) {
                        f.user.deleted.remove(0);
                    }
                }
            }
        }
        return r.status;
    }

    private void list(Random rnd, User u) {
        String status = rnd.nextInt(3) == 0 ? "pending" : "ready";
        int limit = 1 + rnd.nextInt(60);
        String cursor = null;
        for (int page = 0; page < 3; page++) {
            Reply r = api("list " + status, "GET", "/files?status=" + status + "&limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + enc(cursor)), u.token, null, null);
            if (r.status != 200) {
                return;
            }
            JsonNode doc = r.json();
            for (JsonNode item : doc.path("items")) {
                TFile f = files.get(item.path("id").asText());
                if (f == null) {
                    // A create may have committed while its answer is still on the way: judged at the end.
                    unknownListed.put(item.path("id").asText(), new Object[] {u, item.toString()});
                } else if (f.user != u) {
                    violation("listed a file of another user", item.toString());
                } else if (f.wrongFormat && "ready".equals(item.path("status").asText())) {
                    violation("an upload whose bytes are not the declared format is ready", describe(f));
                }
            }
            cursor = doc.path("nextCursor").isTextual() ? doc.path("nextCursor").asText() : null;
            if (cursor == null || cursor.isEmpty()) {
                return;
            }
        }
    }

    private void getAndDownload(TFile f) {
        Reply r = api("get", "GET", "/files/" + f.id, f.user.token, null, f);
        if (r.status != 200) {
            return;
        }
        JsonNode doc = r.json();
        Download d = download(URI.create(doc.path("download").path("url").asText()), f);
        long downloadEnd = now();
        boolean deleteStarted = f.firstDeleteStart.get() <= downloadEnd;
        if (d.status == 404 && !deleteStarted) {
            violation("ready without bytes (GET answered ready, download 404, no DELETE sent)", describe(f));
        } else if (d.status == 200 && !deleteStarted && (d.size != f.size || !d.sha256.equals(f.sha256))) {
            violation("download served other bytes than uploaded", describe(f) + " got " + d.size + " bytes");
        }
    }

    private void me(User u) {
        api("me", "GET", "/me", u.token, null, null);
    }

    /** The upload URL of a deleted file, used again: may it still write? */
    private void stalePut(Random rnd, User u) {
        TFile f;
        synchronized (u) {
            if (u.deleted.isEmpty()) {
                return;
            }
            f = u.deleted.get(rnd.nextInt(u.deleted.size()));
        }
        put(f, "stalePut", "stale PUT after DELETE 204 (S3)");
    }

    private Optional<TFile> pick(Random rnd, User u, boolean includeDeleted) {
        synchronized (u) {
            if (includeDeleted && !u.deleted.isEmpty() && rnd.nextInt(10) == 0) {
                return Optional.of(u.deleted.get(rnd.nextInt(u.deleted.size())));
            }
            return u.active.isEmpty() ? Optional.empty() : Optional.of(u.active.get(rnd.nextInt(u.active.size())));
        }
    }

    // ---- the checks ------------------------------------------------------------------------------------

    private void checkUser(User u, S3Access s3, Map<String, Long> objectClasses) throws Exception {
        Map<String, JsonNode> ready = listAll(u, "ready");
        Map<String, JsonNode> pending = listAll(u, "pending");
        pendingChecked.add(pending.size());
        Map<String, JsonNode> trashed = listAllIfSupported(u, "trashed");
        Set<String> readyKeys = ConcurrentHashMap.newKeySet();

        // (a) every listed ready file has bytes of its recorded size and exactly the uploaded sha256
        for (JsonNode item : ready.values()) {
            TFile f = files.get(item.path("id").asText());
            if (f == null || f.user != u) {
                violation("listed a file this user never created", item.toString());
                continue;
            }
            if (item.path("size").asLong() != f.size || !f.contentType.equals(item.path("contentType").asText())) {
                violation("listed with another size or type than declared", describe(f) + " listed " + item);
            }
            if (f.wrongFormat) {
                violation("an upload whose bytes are not the declared format is ready", describe(f));
            }
            Reply got = finalApi("final get", "GET", "/files/" + f.id, u.token);
            if (got.status != 200) {
                violation("listed ready but GET /files/{id} answered " + got.status, describe(f));
                continue;
            }
            URI url = URI.create(got.json().path("download").path("url").asText());
            readyKeys.add(keyOf(url));
            Download d = download(url, null);
            readyChecked.increment();
            if (d.status != 200) {
                violation("ready without bytes (listed ready, download " + d.status + ")", describe(f));
            } else if (d.size != f.size || !d.sha256.equals(f.sha256)) {
                violation("ready with other bytes than uploaded", describe(f) + " got " + d.size + " bytes "
                        + d.sha256);
            }
        }

        // (b) acknowledged completes are ready unless an acknowledged DELETE removed them; acknowledged
        // DELETEs are final
        for (TFile f : files.values()) {
            if (f.user != u) {
                continue;
            }
            checkAcknowledged(f, ready.containsKey(f.id), pending.containsKey(f.id), trashed.containsKey(f.id));
        }

        // trashed files keep their bytes (restorable): their objects are accounted for
        for (JsonNode item : trashed.values()) {
            Reply got = finalApi("final get trashed", "GET", "/files/" + item.path("id").asText(), u.token);
            if (got.status == 200) {
                readyKeys.add(keyOf(URI.create(got.json().path("download").path("url").asText())));
            } else {
                violation("listed trashed but GET /files/{id} answered " + got.status, item.toString());
            }
        }

        // (c) usage is the listing's count and sum
        Reply me = finalApi("final me", "GET", "/me", u.token);
        long usageFiles = me.json().path("usage").path("files").asLong(-1);
        long usageBytes = me.json().path("usage").path("bytes").asLong(-1);
        long listedBytes = ready.values().stream().mapToLong(i -> i.path("size").asLong()).sum();
        if (usageFiles != ready.size() || usageBytes != listedBytes) {
            violation("GET /me usage differs from the listing", u.name + ": usage " + usageFiles + " files " + usageBytes
                    + " bytes; listed " + ready.size() + " files " + listedBytes + " bytes");
        }

        // (d) every stored object is accounted for
        Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
        for (String id : pending.keySet()) {
            TFile f = files.get(id);
            if (f != null) {
                pendingKeys.add(f.uploadKey);
            }
        }
        for (String unaccounted : unaccountedObjects(u, s3, readyKeys, pendingKeys, objectClasses)) {
            violation("object in the media bucket accounted for by nothing", unaccounted);
        }
    }

    /** (b) for one file, from the events the server acknowledged and the final listings. */
    private void checkAcknowledged(TFile f, boolean listedReady, boolean listedPending, boolean listedTrashed) {
        List<Event> completes = f.events("complete");
        List<Event> completed = completes.stream().filter(e -> e.status == 200).toList();
        List<Event> deletes = f.events("delete", "deletePermanent");
        boolean deleteUnknown = deletes.stream().anyMatch(e -> e.status < 0 || e.status >= 500);
        List<Event> acked = deletes.stream().filter(e -> e.status == 204).toList();
        if (!completed.isEmpty() && acked.isEmpty() && !deleteUnknown && !listedReady) {
            violation("complete answered 200, no DELETE acknowledged, not listed ready", describe(f));
        }
        if (f.wrongFormat && !completed.isEmpty()) {
            violation("complete accepted bytes that are not the declared format", describe(f));
        }
        for (Event del : acked) {
            boolean permanent = del.op.equals("deletePermanent");
            boolean listed = listedReady || listedPending || permanent && listedTrashed;
            for (Event c : completed) {
                if (c.start > del.end) {
                    violation("complete answered 200 after a DELETE of the file had answered 204", describe(f));
                }
            }
            boolean overlapped = completes.stream().anyMatch(c -> c.overlaps(del));
            if (overlapped) {
                count("race: DELETE 204 overlapped by a complete, file then " + (listedReady ? "listed ready"
                        : listedPending ? "listed pending" : listedTrashed ? "in the trash" : "gone"), 0);
            }
            if (!listed) {
                continue;
            }
            String where = listedReady ? "ready" : listedPending ? "pending" : "trashed";
            if (!overlapped) {
                violation("listed " + where + " after DELETE" + (permanent ? "?permanent=true" : "")
                        + " answered 204 (no complete overlapped it)", describe(f));
            } else if (settings.strictDeletes) {
                violation("listed " + where + " after DELETE answered 204 while a complete overlapped it", describe(f));
            } else {
                count("tolerated: listed " + where + " after a DELETE 204 that a complete overlapped", 0);
            }
        }
    }

    /**
     * (d) Every object under the user's prefix in the media bucket must be referenced by a listed ready file
     * (the key of its download URL) or a listed pending upload (the key of its upload URL). Objects of an
     * upload whose URL is still valid but whose file is gone (cancelled, deleted, refused) are counted as
     * deferred and tolerated: the store may delete such bytes only once the URL can no longer write them.
     * Anything else (unknown keys, temporary files of the blob store, bytes of expired URLs) is returned.
     * The new store keys uploads differently and defers deletions: adapt the classes here.
     */
    List<String> unaccountedObjects(User u, S3Access s3, Set<String> readyKeys, Set<String> pendingKeys,
                                    Map<String, Long> objectClasses) {
        Map<String, TFile> byUploadKey = new ConcurrentHashMap<>();
        files.values().stream().filter(f -> f.user == u).forEach(f -> byUploadKey.put(f.uploadKey, f));
        Instant now = Instant.now();
        List<String> unaccounted = new ArrayList<>();
        for (S3Object object : s3.list(u.userId + "/")) {
            String key = object.key();
            String cls;
            if (readyKeys.contains(key)) {
                cls = "ready file";
            } else if (pendingKeys.contains(key)) {
                cls = "pending upload";
            } else if (byUploadKey.containsKey(key) && byUploadKey.get(key).uploadExpiresAt.isAfter(now)) {
                TFile f = byUploadKey.get(key);
                cls = "deferred (upload URL still valid): " + (f.any(204, "delete", "deletePermanent")
                        ? f.any(200, "stalePut") ? "deleted, rewritten through its stale URL" : "deleted or cancelled"
                        : f.wrongFormat ? "refused format" : "not listed");
            } else {
                cls = "UNACCOUNTED";
                TFile f = byUploadKey.get(key);
                unaccounted.add(key + " (" + object.size() + " bytes" + (f == null ? ", no upload of ours has this key"
                        : ", " + describe(f)) + ")");
            }
            objectClasses.merge(cls, 1L, Long::sum);
        }
        return unaccounted;
    }

    /**
     * A read of the end-state check, made as a patient client makes it: the gateway's own throttle (429, as API
     * Gateway answers above the stage's rate; a function's own 429 is checked as any answer) is waited out with a growing pause, for up to two minutes, and only
     * the answer after it is checked. During the run a 429 is an answer like any other; at the end the checker's
     * thousands of reads in a burst would otherwise count the throttle as a lost file.
     */
    private Reply finalApi(String op, String method, String path, String token) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long pauseMillis = 50;
        while (true) {
            Reply r = api(op, method, path, token, null, null);
            if (!GatewayAnswers.throttled(r.status, r.body) || System.nanoTime() > deadline) {
                return r;
            }
            throttledFinalReads.increment();
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 2_000);
        }
    }

    private Map<String, JsonNode> listAll(User u, String status) {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        String cursor = null;
        do {
            Reply r = finalApi("final list " + status, "GET", "/files?status=" + status + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + enc(cursor)), u.token);
            if (r.status != 200) {
                throw new IllegalStateException("final GET /files?status=" + status + " answered " + r.status + " " + r.body);
            }
            JsonNode doc = r.json();
            doc.path("items").forEach(i -> all.put(i.path("id").asText(), i));
            cursor = doc.path("nextCursor").isTextual() ? doc.path("nextCursor").asText() : null;
        } while (cursor != null && !cursor.isEmpty());
        return all;
    }

    private Map<String, JsonNode> listAllIfSupported(User u, String status) {
        Reply probe = finalApi("final list " + status, "GET", "/files?status=" + status + "&limit=1", u.token);
        return probe.status == 200 ? listAll(u, status) : Map.of();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + abbreviate(body), e);
            }
        }
    }

    record Download(int status, long size, String sha256) {
    }

    private Reply api(String op, String method, String path, String token, String body, TFile file) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        long start = now();
        int status;
        String text;
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            text = r.body();
        } catch (IOException e) {
            status = -1;
            text = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (file != null) {
            file.events.add(new Event(op, status, start, now()));
        }
        count(method + " " + routeOf(op), status);
        if (status >= 500 || status < 0) {
            boolean busy = status == 503 && text.contains("\"busy\"");
            if (busy && settings.allowBusy) {
                count("tolerated: 503 busy", 0);
            } else {
                serverErrors.add(new ServerError(op + " " + method + " " + path + " -> " + status + " "
                        + abbreviate(text), file));
            }
        }
        return new Reply(status, text);
    }

    private Download download(URI url, TFile file) {
        long start = now();
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(CALL_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = TortureMedia.sha256Digest();
            long size = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    digest.update(buf, 0, n);
                    size += n;
                }
            }
            count("GET download (S3)", r.statusCode());
            if (file != null) {
                file.events.add(new Event("download", r.statusCode(), start, now()));
            }
            if (r.statusCode() >= 500) {
                serverErrors.add(new ServerError("S3 GET " + url.getPath() + " -> " + r.statusCode(), file));
            }
            return new Download(r.statusCode(), size, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            count("GET download (S3)", -1);
            noAnswers.add(new ServerError("S3 GET " + url.getPath() + ": " + e, file));
            return new Download(-1, 0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private User signUp(String name) {
        String password = "torture-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-pass";
        String credentials = json.createObjectNode().put("username", name).put("password", password).toString();
        Reply signUp = api("signup", "POST", "/auth/signup", null, credentials, null);
        if (signUp.status != 201) {
            throw new IllegalStateException("sign-up answered " + signUp.status + " " + signUp.body);
        }
        Reply login = api("login", "POST", "/auth/login", null, credentials, null);
        if (login.status != 200) {
            throw new IllegalStateException("login answered " + login.status + " " + login.body);
        }
        return new User(name, password, signUp.json().path("userId").asText(), login.json().path("token").asText());
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Where a presigned URL writes or reads: its path without the bucket (path-style URLs). */
    static String keyOf(URI url) {
        String path = url.getRawPath();
        int slash = path.indexOf('/', 1);
        return URLDecoder.decode(path.substring(slash + 1), StandardCharsets.UTF_8);
    }

    private interface Call {
        int run();
    }

    private void race(Call a, Call b) {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> fa = CompletableFuture.supplyAsync(() -> await(go, a), racers);
        CompletableFuture<Integer> fb = CompletableFuture.supplyAsync(() -> await(go, b), racers);
        go.countDown();
        fa.join();
        fb.join();
    }

    private static int await(CountDownLatch go, Call call) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return call.run();
    }

    private String describe(TFile f) {
        StringBuilder s = new StringBuilder(f.id).append(' ').append(f.contentType).append(' ').append(f.size)
                .append(" B:");
        List<Event> copy;
        synchronized (f.events) {
            copy = new ArrayList<>(f.events);
        }
        copy.sort((x, y) -> Long.compare(x.start, y.start));
        for (Event e : copy) {
            s.append(String.format(Locale.ROOT, " %s %d [%d-%d ms]", e.op, e.status, e.start / 1_000_000,
                    e.end / 1_000_000));
        }
        return s.toString();
    }

    /** Ids a listing showed before their create's answer was seen; a violation only if never seen at all. */
    private final Map<String, Object[]> unknownListed = new ConcurrentHashMap<>();

    private void violation(String kind, String detail) {
        violations.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>())).add(detail);
    }

    private void count(String what, int status) {
        statusCounts.computeIfAbsent(status == 0 ? what : what + " " + (status < 0 ? "io-error" : status),
                k -> new LongAdder()).increment();
    }

    private long now() {
        return System.nanoTime() - t0;
    }

    private static String routeOf(String op) {
        return switch (op) {
            case "create" -> "/files";
            case "complete" -> "/files/{id}/complete";
            case "delete" -> "/files/{id}";
            case "deletePermanent" -> "/files/{id}?permanent=true";
            case "get", "final get" -> "/files/{id}";
            case "me", "final me" -> "/me";
            case "signup" -> "/auth/signup";
            case "login" -> "/auth/login";
            default -> op.startsWith("list") || op.startsWith("final list")
                    ? "/files?status=" + op.substring(op.lastIndexOf(' ') + 1) : op;
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    private void progress() {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        long ops = operations.sum();
        out.printf(Locale.ROOT, "torture t=%ds: %d operations (%.1f/s), %d files created, server errors %d, "
                        + "violations seen so far %d%n", s, ops, s == 0 ? 0.0 : (double) ops / s, files.size(),
                serverErrors.size(), violations.values().stream().mapToInt(List::size).sum());
    }

    private void report(Result result) {
        out.println("torture: requests by route and status:");
        result.statusCounts.forEach((k, v) -> out.printf(Locale.ROOT, "  %-60s %8d%n", k, v));
        out.printf(Locale.ROOT, "torture: end state checked: %d ready files downloaded, %d pending uploads "
                + "(%d reads throttled by the gateway and repeated)%n", readyChecked.sum(), pendingChecked.sum(),
                throttledFinalReads.sum());
        out.println("torture: media bucket objects by class:");
        result.objectClasses.forEach((k, v) -> out.printf(Locale.ROOT, "  %-60s %8d%n", k, v));
        out.printf(Locale.ROOT, "torture: %d operations, %d files created, %d server errors (5xx, or an API call "
                + "without answer), %d S3 requests without answer%n", result.operations, files.size(),
                result.serverErrors.size(), noAnswers.size());
        result.serverErrors.stream().limit(10).forEach(e -> out.println("  5xx: " + e));
        if (result.violations.isEmpty()) {
            out.println("torture: every invariant holds");
        }
        result.violations.forEach((kind, examples) -> {
            out.printf(Locale.ROOT, "torture: VIOLATION %s: %d%n", kind, examples.size());
            examples.stream().limit(5).forEach(e -> out.println("    " + e));
        });
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The media bucket of the embedded S3, listed directly (not through the API). */
    interface S3Access {
        List<S3Object> list(String prefix);

        static S3Access of(S3Client client, String bucket) {
            return prefix -> {
                List<S3Object> all = new ArrayList<>();
                client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                        .contents().forEach(all::add);
                return all;
            };
        }
    }
}
