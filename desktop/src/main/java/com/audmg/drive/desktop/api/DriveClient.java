package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Client of the Audmg Drive HTTP API (see API.md). Thread-safe; every call blocks, so call it off the FX thread.
 * Access tokens live minutes: a 401 on a protected route is answered by one refresh with the session's
 * refresh token (one at a time: a refresh token works once, and presenting a used one ends the session)
 * and the call is sent again. Only when that fails is the session cleared and the
 * {@link #onSessionExpired} listener notified.
 */
public final class DriveClient {

    private static final Set<String> RESTRICTED_HEADERS = Set.of("content-length", "host", "connection", "expect",
            "upgrade");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final URI baseUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** How often a call answered 503 busy (the server's compare-and-swap kept colliding) is sent in all. */
    private static final int BUSY_ATTEMPTS = 3;
    private static final long BUSY_WAIT_CAP_MS = 2_000;
    /** How often, and how far apart, a call answered 503 library_upgrading is sent: up to about two minutes. */
    private static final int UPGRADE_ATTEMPTS = 25;
    private static final long UPGRADE_WAIT_CAP_MS = 5_000;
    private volatile String token;
    private volatile String refreshToken;
    private final Object refreshLock = new Object();
    private volatile Consumer<ApiException> sessionExpiredListener = e -> { };
    private volatile Consumer<String> refreshTokenListener = t -> { };
    private volatile DeviceTokens deviceTokens = DeviceTokens.NONE;
    /** The username of a login waiting for its second factor (its device token comes with the MFA answer). */
    private volatile String mfaUsername;

    /**
     * The device tokens this computer earned, by username (OWASP "device cookies"): a login that presents one is
     * counted in that device's own budget, so strangers guessing the password elsewhere do not keep its owner out.
     * A device token signs nothing in by itself.
     */
    public interface DeviceTokens {
        DeviceTokens NONE = new DeviceTokens() {
            @Override
            public java.util.Optional<String> get(String username) {
                return java.util.Optional.empty();
            }

            @Override
            public void put(String username, String token) {
            }
        };

        java.util.Optional<String> get(String username);

        void put(String username, String token);
    }

    public DriveClient(URI baseUrl) {
        this(baseUrl, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    }

    public DriveClient(URI baseUrl, HttpClient http) {
        String s = baseUrl.toString();
        this.baseUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = http;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public boolean isLoggedIn() {
        return token != null;
    }

    /** Forgets the session here at once and ends it on the server in the background (best effort). */
    public void logout() {
        String t = token;
        synchronized (refreshLock) {
            token = null;
            refreshToken = null;
        }
        refreshTokenListener.accept(null);
        if (t != null) {
            http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/auth/logout"))
                            .timeout(CALL_TIMEOUT).header("Authorization", "Bearer " + t)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    /** Listener called (on the calling thread) when a protected call answers 401. */
    public void onSessionExpired(Consumer<ApiException> listener) {
        this.sessionExpiredListener = listener == null ? e -> { } : listener;
    }

    // ---- auth ----------------------------------------------------------------------------------

    public void signUp(String username, String password) throws ApiException {
        send("POST", "/auth/signup", Map.of("username", username, "password", password), false);
    }

    /**
     * Logs in. With two-factor authentication on, a right password is answered 401 {@code mfa_required} whose
     * {@link ApiException#detail detail} {@code mfaToken} goes to {@link #loginMfa}.
     */
    public void login(String username, String password) throws ApiException {
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        deviceTokens.get(username).ifPresent(device -> body.put("deviceToken", device));
        JsonNode answer;
        try {
            answer = send("POST", "/auth/login", body, false);
        } catch (ApiException e) {
            if ("mfa_required".equals(e.code())) {
                mfaUsername = username;
            }
            throw e;
        }
        takeTokens(answer);
        keepDeviceToken(username, answer);
    }

    /** The second step of a login with two-factor authentication: a TOTP code or a recovery code. */
    public void loginMfa(String mfaToken, String code) throws ApiException {
        JsonNode answer = send("POST", "/auth/login/mfa", Map.of("mfaToken", mfaToken, "code", code), false);
        takeTokens(answer);
        String username = mfaUsername;
        if (username != null) {
            keepDeviceToken(username, answer);
        }
    }

    /** Keeps the device token a complete login answered with (renewed at each login with it). */
    private void keepDeviceToken(String username, JsonNode answer) {
        String device = answer.path("deviceToken").asText(null);
        if (device != null && !device.isBlank()) {
            deviceTokens.put(username, device);
        }
    }

    /** Where device tokens are kept (none by default: each login is then an untrusted one). */
    public void deviceTokens(DeviceTokens store) {
        this.deviceTokens = store == null ? DeviceTokens.NONE : store;
    }

    /**
     * Starts from a kept refresh token (stay signed in): exchanges it for new tokens. A 401 {@code invalid_token}
     * means the session was ended (revoked, expired or used): the caller forgets that token.
     */
    public void resume(String keptRefreshToken) throws ApiException {
        takeTokens(send("POST", "/auth/refresh", Map.of("refreshToken", keptRefreshToken), false));
    }

    private void takeTokens(JsonNode answer) throws ApiException {
        String t = answer.path("token").asText(null);
        if (t == null || t.isBlank()) {
            throw new ApiException(502, "bad_response", "The server did not return a token");
        }
        String refresh;
        synchronized (refreshLock) {
            token = t;
            // A server of the previous release sends no refresh token: its tokens simply expire.
            refreshToken = answer.path("refreshToken").asText(null);
            refresh = refreshToken;
        }
        refreshTokenListener.accept(refresh);
    }

    /** The current refresh token (null when signed out or when the server sends none). */
    public String refreshToken() {
        return refreshToken;
    }

    /**
     * Listener called (on the calling thread) with each new refresh token (login, refresh: a refresh token works
     * once, so a kept one must follow), and with null when the session ends here or on the server.
     */
    public void onRefreshTokenChanged(Consumer<String> listener) {
        this.refreshTokenListener = listener == null ? t -> { } : listener;
    }

    /** Mails a password-reset code to the account's verified address (the server answers the same in every case). */
    public void requestPasswordReset(String username) throws ApiException {
        send("POST", "/auth/password-reset", Map.of("username", username), false);
    }

    /** Sets a new password with the mailed code; every session of the account ends. */
    public void confirmPasswordReset(String username, String code, String newPassword) throws ApiException {
        send("POST", "/auth/password-reset/confirm",
                Map.of("username", username, "code", code, "newPassword", newPassword), false);
    }

    /**
     * After a 401 with {@code rejected}: gets new tokens with the refresh token, unless another thread
     * already did. True when the call may be sent again with {@link #token}.
     */
    private boolean refreshAfter(String rejected) throws ApiException {
        synchronized (refreshLock) {
            String current = token;
            if (current != null && !current.equals(rejected)) {
                return true;
            }
            String refresh = refreshToken;
            if (refresh == null) {
                return false;
            }
            JsonNode answer;
            try {
                answer = sendOnce("POST", "/auth/refresh", Map.of("refreshToken", refresh), false, false);
            } catch (ApiException e) {
                if (e.status() == 400 || e.status() == 401) {
                    refreshToken = null;
                    refreshTokenListener.accept(null);
                    return false;
                }
                throw e;
            }
            String t = answer.path("token").asText(null);
            if (t == null || t.isBlank()) {
                return false;
            }
            token = t;
            refreshToken = answer.path("refreshToken").asText(null);
            refreshTokenListener.accept(refreshToken);
            return true;
        }
    }

    /** Test hook: replaces the access token (as if it had expired). */
    void replaceAccessTokenForTest(String value) {
        token = value;
    }

    /** Test hook: replaces the refresh token (as if its session had been revoked). */
    void replaceRefreshTokenForTest(String value) {
        refreshToken = value;
    }

    // ---- files ---------------------------------------------------------------------------------

    public Me me() throws ApiException {
        return convert(send("GET", "/me", null, true), Me.class);
    }

    public FilePage listFiles(FileQuery query) throws ApiException {
        return listFiles(query, null);
    }

    private FilePage listFiles(FileQuery query, String status) throws ApiException {
        Map<String, String> params = new LinkedHashMap<>();
        if (status != null) {
            params.put("status", status);
        }
        if (query.kind() != null) {
            params.put("kind", query.kind());
        }
        if (query.q() != null && !query.q().isBlank()) {
            params.put("q", query.q());
        }
        if (query.limit() > 0) {
            params.put("limit", Integer.toString(query.limit()));
        }
        if (query.cursor() != null) {
            params.put("cursor", query.cursor());
        }
        return convert(send("GET", "/files" + queryString(params), null, true), FilePage.class);
    }

    /** All pages of a listing. */
    public List<DriveFile> listAll(FileQuery query) throws ApiException {
        List<DriveFile> all = new ArrayList<>();
        FileQuery q = query;
        while (true) {
            FilePage page = listFiles(q);
            all.addAll(page.items());
            if (page.nextCursor() == null || page.nextCursor().isBlank()) {
                return all;
            }
            q = q.withCursor(page.nextCursor());
        }
    }

    /**
     * One page of the change feed after {@code cursor} (null: from the beginning, a snapshot of every file first).
     * A cursor the server no longer serves is answered 410 {@code cursor_expired}: start again without one.
     */
    public FeedPage changes(String cursor, int limit) throws ApiException {
        Map<String, String> params = new LinkedHashMap<>();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        if (limit > 0) {
            params.put("limit", Integer.toString(limit));
        }
        return convert(send("GET", "/changes" + queryString(params), null, true), FeedPage.class);
    }

    /** Every file in the trash, newest first. */
    public List<DriveFile> listTrashed() throws ApiException {
        List<DriveFile> all = new ArrayList<>();
        FileQuery q = FileQuery.all();
        while (true) {
            FilePage page = listFiles(q, "trashed");
            all.addAll(page.items());
            if (page.nextCursor() == null || page.nextCursor().isBlank()) {
                return all;
            }
            q = q.withCursor(page.nextCursor());
        }
    }

    /** Uploads created and not completed yet (at most 1,000), newest first. */
    public List<DriveFile> listPending() throws ApiException {
        return listFiles(new FileQuery(null, null, 1000, null), "pending").items();
    }

    public UploadTicket createUpload(String name, String contentType, long size) throws ApiException {
        return convert(send("POST", "/files", Map.of("name", name, "contentType", contentType, "size", size),
                true), UploadTicket.class);
    }

    public DriveFile complete(String fileId) throws ApiException {
        return convert(send("POST", "/files/" + enc(fileId) + "/complete", null, true).path("file"),
                DriveFile.class);
    }

    public Download getFile(String fileId) throws ApiException {
        return convert(send("GET", "/files/" + enc(fileId), null, true), Download.class);
    }

    /** Moves a file to the trash (kept 30 days), or cancels a pending upload. */
    public void delete(String fileId) throws ApiException {
        send("DELETE", "/files/" + enc(fileId), null, true);
    }

    /** Deletes a file for good, skipping the trash (also for a file already in the trash). */
    public void deleteForever(String fileId) throws ApiException {
        send("DELETE", "/files/" + enc(fileId) + "?permanent=true", null, true);
    }

    /** Brings a file back from the trash. */
    public DriveFile restore(String fileId) throws ApiException {
        return convert(send("POST", "/files/" + enc(fileId) + "/restore", null, true).path("file"), DriveFile.class);
    }

    public DriveFile rename(String fileId, String newName) throws ApiException {
        return convert(send("PATCH", "/files/" + enc(fileId), Map.of("name", newName), true).path("file"),
                DriveFile.class);
    }

    public List<FileVersion> versions(String fileId) throws ApiException {
        return convertList(send("GET", "/files/" + enc(fileId) + "/versions", null, true).path("items"),
                FileVersion.class);
    }

    /** Makes an old version's content the newest version. */
    public DriveFile restoreVersion(String fileId, String versionId) throws ApiException {
        return convert(send("POST", "/files/" + enc(fileId) + "/versions/" + enc(versionId) + "/restore", null, true)
                .path("file"), DriveFile.class);
    }

    /** A download link of one version. */
    public Download versionDownload(String fileId, String versionId) throws ApiException {
        JsonNode answer = send("GET", "/files/" + enc(fileId) + "/versions/" + enc(versionId), null, true);
        return new Download(null, convert(answer.path("download"), Download.Link.class));
    }

    // ---- account -------------------------------------------------------------------------------

    public List<SessionInfo> sessions() throws ApiException {
        return convertList(send("GET", "/me/sessions", null, true).path("items"), SessionInfo.class);
    }

    public void endSession(String sessionId) throws ApiException {
        send("DELETE", "/me/sessions/" + enc(sessionId), null, true);
    }

    /** Sets the account's e-mail address (unverified); the server mails a verification code to it. */
    public void changeEmail(String email, String currentPassword) throws ApiException {
        send("PUT", "/me/email", Map.of("email", email, "currentPassword", currentPassword), true);
    }

    /** Verifies the address with the mailed code. */
    public void verifyEmail(String code) throws ApiException {
        send("POST", "/me/email/verify", Map.of("code", code), true);
    }

    /** Starts TOTP enrolment: a new secret, on only once {@link #confirmTotp confirmed}. */
    public TotpEnrolment startTotp() throws ApiException {
        return convert(send("POST", "/me/mfa/totp", null, true), TotpEnrolment.class);
    }

    /** Confirms enrolment with a code of the new secret: two-factor authentication is on; the recovery codes. */
    public List<String> confirmTotp(String code) throws ApiException {
        return convertList(send("POST", "/me/mfa/totp/confirm", Map.of("code", code), true).path("recoveryCodes"),
                String.class);
    }

    /** Turns two-factor authentication off with a current code or a recovery code. */
    public void disableTotp(String code) throws ApiException {
        send("DELETE", "/me/mfa/totp", Map.of("code", code), true);
    }

    /** Deletes the account for good; every session ends, this one included. */
    public void deleteAccount(String password) throws ApiException {
        send("DELETE", "/me", Map.of("password", password), true);
        synchronized (refreshLock) {
            token = null;
            refreshToken = null;
        }
        refreshTokenListener.accept(null);
    }

    /** Changes the password; the server ends every other session. */
    public void changePassword(String currentPassword, String newPassword) throws ApiException {
        send("POST", "/me/password", Map.of("currentPassword", currentPassword, "newPassword", newPassword), true);
    }

    /** Creates the file, streams it from disk to the upload URL, then completes it. */
    public DriveFile upload(Path file, String contentType, Progress progress, Cancellation cancellation)
            throws ApiException {
        return upload(file, file.getFileName().toString(), contentType, progress, cancellation);
    }

    /** As {@link #upload(Path, String, Progress, Cancellation)}, under another name ("keep both" of a duplicate). */
    public DriveFile upload(Path file, String name, String contentType, Progress progress, Cancellation cancellation)
            throws ApiException {
        long size = sizeOf(file);
        UploadTicket ticket = createUpload(name, contentType, size);
        String id = ticket.file().id();
        try {
            cancellation.throwIfCancelled();
            putBytes(ticket.upload(), file, progress, cancellation);
            cancellation.throwIfCancelled();
        } catch (ApiException | RuntimeException e) {
            cancelQuietly(id);
            throw e;
        }
        try {
            return complete(id);
        } catch (ApiException | RuntimeException e) {
            if (e instanceof ApiException api && isVerdict(api)) {
                cancelQuietly(id); // the server refused this upload: it is no file
                throw e;
            }
            // No verdict (a lost connection, a gateway error, a timeout): the complete may have made
            // the file ready. Ask, and never cancel a file that is ready: that would delete it.
            try {
                DriveFile now = getFile(id).file();
                if ("ready".equals(now.status())) {
                    return now;
                }
            } catch (ApiException asked) {
                if (asked.status() != 404) {
                    throw e; // still unknown: leave the upload; it completes on a retry or expires
                }
            }
            cancelQuietly(id);
            throw e;
        }
    }

    private static long sizeOf(Path file) throws ApiException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ApiException(0, "unreadable_file", "Cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }

    /**
     * Uploads {@code file} as the new version of a ready file ({@code POST /files/{id}/versions}, the bytes, then
     * {@code POST /files/{id}/versions/{versionId}/complete}); answers the file with its new current version. There is
     * no cancel of a version upload in the API: an upload left unfinished expires.
     */
    public DriveFile uploadVersion(String fileId, Path file, String contentType, Progress progress,
                                   Cancellation cancellation) throws ApiException {
        long size = sizeOf(file);
        JsonNode started = send("POST", "/files/" + enc(fileId) + "/versions",
                Map.of("contentType", contentType, "size", size), true);
        String versionId = started.path("version").path("versionId").asText(null);
        if (versionId == null || versionId.isBlank()) {
            throw new ApiException(502, "bad_response", "The server did not name the new version");
        }
        UploadTicket.Upload upload = convert(started.path("upload"), UploadTicket.Upload.class);
        putBytes(upload, file, progress, cancellation);
        cancellation.throwIfCancelled();
        return convert(send("POST", "/files/" + enc(fileId) + "/versions/" + enc(versionId) + "/complete", null, true)
                .path("file"), DriveFile.class);
    }

    /** The waveform peaks behind a {@code media.waveformUrl} (a signed storage URL: no API token is sent). */
    public Waveform waveform(String url) throws ApiException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(CALL_TIMEOUT).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ApiException.network(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted", "Interrupted");
        }
        if (response.statusCode() != 200) {
            throw new ApiException(response.statusCode(), "download_failed",
                    "Storage refused the waveform (HTTP " + response.statusCode() + ")");
        }
        return Waveform.of(parse(response.body()));
    }

    /** A complete failure that says what the server did: it answered with an error of its own. */
    private static boolean isVerdict(ApiException e) {
        return e.status() >= 400 && e.status() < 500 && e.status() != 408 && e.status() != 429;
    }

    /**
     * Cancels an upload that will not be completed, so that it stops counting against the quota
     * and the server removes its bytes. Best effort: unfinished uploads expire anyway.
     */
    private void cancelQuietly(String id) {
        try {
            delete(id);
        } catch (ApiException | RuntimeException ignored) {
            // the caller's error is what the user needs to see
        }
    }

    void putBytes(UploadTicket.Upload upload, Path file, Progress progress, Cancellation cancellation)
            throws ApiException {
        HttpRequest.BodyPublisher body;
        try {
            body = new CountingPublisher(HttpRequest.BodyPublishers.ofFile(file), progress, cancellation);
        } catch (IOException e) {
            throw new ApiException(0, "unreadable_file", "Cannot read " + file.getFileName());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upload.url()))
                .method(upload.method() == null ? "PUT" : upload.method(), body);
        if (upload.headers() != null) {
            upload.headers().forEach((k, v) -> {
                if (!RESTRICTED_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
                    request.header(k, v);
                }
            });
        }
        var future = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TransferCancelledException();
        } catch (ExecutionException e) {
            if (cancellation.isCancelled() || e.getCause() instanceof CancellationException) {
                throw new TransferCancelledException();
            }
            throw ApiException.network(e.getCause());
        }
        if (response.statusCode() / 100 != 2) {
            throw new ApiException(response.statusCode(), "upload_failed",
                    "Storage refused the upload (HTTP " + response.statusCode() + ")");
        }
    }

    /** Downloads a file to {@code target}, writing a sibling temporary file first. */
    public void download(String fileId, Path target, Progress progress, Cancellation cancellation)
            throws ApiException {
        Download d = getFile(fileId);
        downloadUrl(URI.create(d.download().url()), d.file().size(), target, progress, cancellation);
    }

    public void downloadUrl(URI url, long expectedSize, Path target, Progress progress, Cancellation cancellation)
            throws ApiException {
        HttpRequest request = HttpRequest.newBuilder(url).GET().build();
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ApiException(response.statusCode(), "download_failed",
                            "Storage refused the download (HTTP " + response.statusCode() + ")");
                }
                long total = response.headers().firstValueAsLong("content-length").orElse(expectedSize);
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[64 * 1024];
                    long done = 0;
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        cancellation.throwIfCancelled();
                        out.write(buf, 0, n);
                        done += n;
                        progress.update(done, total);
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw ApiException.network(e);
        } catch (InterruptedException e) {
            deleteQuietly(tmp);
            Thread.currentThread().interrupt();
            throw new TransferCancelledException();
        } catch (ApiException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private JsonNode send(String method, String path, Object body, boolean authenticated) throws ApiException {
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(method, path, body, authenticated, true);
            } catch (ApiException e) {
                // 503 busy: nothing was changed and the call may simply be repeated after Retry-After.
                // 503 library_upgrading: a large library of the previous release is being migrated (seconds
                // to a minute, once): the call waits for it as well, longer.
                boolean busy = e.status() == 503 && "busy".equals(e.code());
                boolean upgrading = e.status() == 503 && "library_upgrading".equals(e.code());
                if (!busy && !upgrading || attempt >= (upgrading ? UPGRADE_ATTEMPTS : BUSY_ATTEMPTS)) {
                    throw e;
                }
                long waitMs = Math.min(upgrading ? UPGRADE_WAIT_CAP_MS : BUSY_WAIT_CAP_MS,
                        e.retryAfterSeconds().map(seconds -> seconds * 1000).orElse(500L));
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private JsonNode sendOnce(String method, String path, Object body, boolean authenticated, boolean mayRefresh)
            throws ApiException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(CALL_TIMEOUT)
                .header("Accept", "application/json");
        if (body != null) {
            try {
                b.header("Content-Type", "application/json; charset=utf-8")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else if ("POST".equals(method)) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String t = token;
        if (authenticated) {
            if (t == null) {
                ApiException e = new ApiException(401, "not_logged_in", "Please log in");
                sessionExpiredListener.accept(e);
                throw e;
            }
            b.header("Authorization", "Bearer " + t);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ApiException.network(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted", "Interrupted");
        }
        int status = response.statusCode();
        JsonNode node = parse(response.body());
        if (status / 100 == 2) {
            return node;
        }
        ApiException error = toError(status, node, response);
        // A wrong current password (or code) on an account route is a 401 of the route itself, not an ended session.
        boolean answerOfTheRoute = "invalid_credentials".equals(error.code()) || "invalid_code".equals(error.code());
        if (authenticated && status == 401 && !answerOfTheRoute) {
            if (mayRefresh && refreshAfter(t)) {
                return sendOnce(method, path, body, true, false);
            }
            synchronized (refreshLock) {
                if (t.equals(token)) {
                    token = null;
                    refreshToken = null;
                    refreshTokenListener.accept(null);
                }
            }
            sessionExpiredListener.accept(error);
        }
        throw error;
    }

    private ApiException toError(int status, JsonNode node, HttpResponse<?> response) {
        Long retryAfter = response.headers().firstValueAsLong("retry-after").stream().boxed().findFirst()
                .orElse(null);
        JsonNode err = node.path("error");
        if (err.isObject()) {
            Map<String, String> details = new LinkedHashMap<>();
            err.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && !e.getKey().equals("code") && !e.getKey().equals("message")) {
                    details.put(e.getKey(), e.getValue().asText());
                }
            });
            return new ApiException(status, err.path("code").asText("error"),
                    err.path("message").asText("Request failed (HTTP " + status + ")"), retryAfter, null, details);
        }
        String gatewayMessage = node.path("message").asText(null);
        String code = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 413 -> "too_large";
            default -> "http_" + status;
        };
        String message = gatewayMessage != null ? gatewayMessage : "Request failed (HTTP " + status + ")";
        return new ApiException(status, code, message, retryAfter, null);
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private <T> T convert(JsonNode node, Class<T> type) throws ApiException {
        try {
            return json.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException(502, "bad_response", "Unexpected answer from the server: " + e.getMessage());
        }
    }

    private <T> List<T> convertList(JsonNode node, Class<T> type) throws ApiException {
        List<T> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (JsonNode n : node) {
                out.add(convert(n, type));
            }
        }
        return out;
    }

    private static String queryString(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        params.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append('&');
            }
            sb.append(enc(k)).append('=').append(enc(v));
        });
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover .part file is harmless
        }
    }
}
