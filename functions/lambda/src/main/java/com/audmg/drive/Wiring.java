package com.audmg.drive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;

import com.audmg.drive.auth.AccountStore;
import com.audmg.drive.auth.AuthService;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.LoginThrottle;
import com.audmg.drive.auth.PasswordHasher;
import com.audmg.drive.auth.SessionService;
import com.audmg.drive.auth.SignUpThrottle;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.files.ContentSniffer;
import com.audmg.drive.files.FileLifecycle;
import com.audmg.drive.files.FileService;
import com.audmg.drive.files.ImmutableObjectCache;
import com.audmg.drive.files.LegacyLayout;
import com.audmg.drive.files.LibraryStore;
import com.audmg.drive.files.LibrarySweeper;
import com.audmg.drive.files.ObjectReleaser;
import com.audmg.drive.platform.AwsClients;
import com.audmg.drive.platform.Config;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;
import com.audmg.drive.platform.PipelineSettings;
import com.audmg.drive.platform.SnapshotPriming;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Wires the services from configuration and SDK clients, without a DI container.
 * Handlers' no-arg constructors use {@link #shared()}: one instance per container (JVM),
 * built on first use from the environment. Tests build their own with {@link #Wiring(Config, S3Client, S3Presigner, String, Clock)}.
 */
public final class Wiring {

    /** A well-formed user id that is never generated (ids are random). */
    private static final String PRIMING_ID = "snapstartprimingsnapstartp";

    private final Config config;
    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final Supplier<TokenService> tokens;
    private final Supplier<com.audmg.drive.auth.AccountSecrets> accountSecrets;
    private final Supplier<?> warmUp;
    private volatile Supplier<com.audmg.drive.platform.Mailer> mailer;
    private final Clock clock;
    private PipelineSettings pipeline = PipelineSettings.none();
    private LibraryStore.MigrationPolicy migration = LibraryStore.MigrationPolicy.INLINE;
    private com.audmg.drive.platform.SnsPublisher.Events events;
    /** Parsed segments and manifests held per container (a segment is about a hundred records: some 40,000 in all). */
    private static final int CACHED_LIBRARY_OBJECTS = 384;
    /**
     * Bytes of segments and locators held per container for lookups: a 100,000-file library is
     * about 48 MB of segments, so a warm container answers lookups on most libraries from memory.
     */
    private static final long CACHED_LIBRARY_BYTES = 64L << 20;
    private LibraryStore libraryStore;

    public Wiring(Config config, S3Client s3, S3Presigner presigner, String tokenSecret, Clock clock) {
        this.config = config;
        this.s3 = () -> s3;
        this.presigner = () -> presigner;
        this.clock = clock;
        TokenService built = newTokenService(config, tokenSecret, clock);
        this.tokens = () -> built;
        com.audmg.drive.auth.AccountSecrets derived = new com.audmg.drive.auth.AccountSecrets(tokenSecret);
        this.accountSecrets = () -> derived;
        this.warmUp = () -> null;
        this.mailer = () -> com.audmg.drive.platform.Mailer.unconfigured();
    }

    /**
     * The S3 client and presigner are built on first use: the authorizer never needs them. The token service
     * (java-jwt and its Jackson) is built on a background thread, so that on a cold start its class loading
     * overlaps the S3 client's on the second core; {@link #tokens()} waits for it (and rethrows its failure).
     */
    private Wiring(Config config, Supplier<S3Client> s3, Supplier<S3Presigner> presigner,
                   Supplier<String> tokenSecret, Supplier<com.audmg.drive.platform.Mailer> mailer, Clock clock) {
        this.config = config;
        this.mailer = memoize(mailer);
        this.s3 = memoize(s3);
        this.presigner = memoize(presigner);
        this.clock = clock;
        Supplier<String> secret = memoize(tokenSecret);
        this.accountSecrets = memoize(() -> new com.audmg.drive.auth.AccountSecrets(secret.get()));
        this.tokens = inBackground("audmg-init-tokens", () -> {
            TokenService built = newTokenService(config, secret.get(), clock);
            // The API's own ObjectMapper: every handler parses or writes JSON on its first event.
            Json.MAPPER.getClass();
            return built;
        });
        // Only handlers that use S3 start it (from authService / fileService): the authorizer does not.
        this.warmUp = memoize(() -> inBackground("audmg-init-warm-up", () -> {
            tokens.get();
            warmUp();
            // Lambda always names the function; the local cloud's lite mode, where a dozen functions share one
            // JVM each in its own class loader, does not: there each would hold its own copy of the whole list.
            if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null) {
                preload();
            }
            return null;
        }));
    }

    /**
     * Exercises self-contained libraries the first event uses after the S3 client is built, on made-up input:
     * Jackson (request and S3 JSON bodies), the JDK's StAX parser (S3 XML responses) and bcrypt at its minimum
     * cost (class loading and compilation of the cipher; login and sign-up then run it at the configured cost).
     * Nothing leaves the process. Best effort: a failure here changes nothing but the timing.
     */
    static void warmUp() {
        try {
            Json.write(Json.MAPPER.readTree("{\"a\":[1,2.5,\"b\",true,null],\"c\":{\"d\":\"e\"}}"));
            XMLStreamReader xml = XMLInputFactory.newInstance()
                    .createXMLStreamReader(new StringReader("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b>c</b></a>"));
            while (xml.hasNext()) {
                xml.next();
            }
            xml.close();
            PasswordHasher warm = new PasswordHasher(4);
            warm.verify("warm-up", warm.hash("warm-up"));
        } catch (Exception | LinkageError e) {
            // best effort only
        }
    }

    /**
     * Loads (without initializing) the classes a first event needs after the handler is built, while the main
     * thread builds the S3 client: on a cold start the JVM is class-loading bound, and this uses the second core.
     * Best effort: a class that is missing or fails to load is skipped and loads normally when used.
     */
    static void preload() {
        ClassLoader loader = Wiring.class.getClassLoader();
        try (InputStream in = Wiring.class.getResourceAsStream("cold-start-classes.txt")) {
            if (in == null) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(line.strip(), false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // stale entry: harmless
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort only
        }
    }

    private static TokenService newTokenService(Config config, String tokenSecret, Clock clock) {
        return new TokenService(tokenSecret, config.tokenIssuer(), config.tokenAudience(),
                config.tokenTtlSeconds(), config.lifetimes().mfaTokenSeconds(), config.lifetimes().deviceTokenSeconds(),
                clock);
    }

    /** The container-wide instance, built from the environment on first use. */
    public static Wiring shared() {
        return Holder.INSTANCE;
    }

    public static Wiring fromEnvironment() {
        Config config = Config.fromEnvironment();
        // Built on first use: its TLS context costs ~100 ms and the authorizer with TOKEN_SECRET never needs it.
        Supplier<SdkHttpClient> http = memoize(AwsClients::httpClient);
        AwsCredentialsProvider credentials = AwsClients.credentials();
        Wiring wiring = new Wiring(config, () -> AwsClients.s3(config, http.get(), credentials),
                () -> AwsClients.presigner(config, credentials),
                () -> config.tokenSecret().orElseGet(() -> AwsClients.tokenSecret(config, http.get(), credentials)),
                () -> AwsClients.mailer(config, http.get(), credentials), Clock.systemUTC());
        com.audmg.drive.platform.MigrationSettings migrating = com.audmg.drive.platform.MigrationSettings.fromEnvironment();
        migrating.migrator().ifPresent(function -> {
            Supplier<com.audmg.drive.platform.FunctionInvoker> lambda = memoize(() ->
                    new com.audmg.drive.platform.FunctionInvoker(http.get(), credentials, config.region(),
                            migrating.lambdaEndpoint()));
            wiring.withMigration(new LibraryStore.MigrationPolicy(migrating.inlineMaxBytes(), userId ->
                    lambda.get().invokeAsync(function, Json.write(Json.object().put("migrateUserId", userId)))));
        });
        PipelineSettings pipeline = PipelineSettings.fromEnvironment();
        return wiring.withPipeline(pipeline, pipeline.topicArn().map(topic -> {
            Supplier<com.audmg.drive.platform.SnsPublisher> sns = memoize(() -> new com.audmg.drive.platform.SnsPublisher(
                    http.get(), credentials, config.region(), pipeline.snsEndpoint()));
            return (com.audmg.drive.platform.SnsPublisher.Events) (subject, json) -> sns.get().publish(topic, subject, json);
        }).orElse(null));
    }

    /**
     * The media pipeline's settings: the derived objects' bucket (signed URLs, deletion with their
     * bytes) and where upload and processing events are published ({@code events} null: nowhere).
     */
    public synchronized Wiring withPipeline(PipelineSettings settings, com.audmg.drive.platform.SnsPublisher.Events publisher) {
        this.pipeline = settings;
        this.events = publisher;
        this.libraryStore = null;
        return this;
    }

    /** Where requests hand off the migration of previous-release libraries too large for them. */
    public synchronized Wiring withMigration(LibraryStore.MigrationPolicy policy) {
        this.migration = policy;
        this.libraryStore = null;
        return this;
    }

    public PipelineSettings pipeline() {
        return pipeline;
    }

    public com.audmg.drive.platform.SnsPublisher.Events events() {
        return events;
    }

    /** The S3 client (the media processor reads originals and writes derived objects with it). */
    public S3Client s3() {
        return s3.get();
    }

    public Config config() {
        return config;
    }

    public TokenService tokens() {
        return tokens.get();
    }

    /** Verifies callers and checks their session is live (one S3 GET per request). */
    public Authenticator authenticator() {
        return new Authenticator(tokens(), sessions());
    }

    public SessionService sessions() {
        SessionService sessions = new SessionService(new JsonObjectStore(s3.get(), config.dataBucket()), tokens(),
                Duration.ofSeconds(config.refreshTtlSeconds()), clock);
        // What every authenticated request (and the authorizer) does first: a token signed and verified, then its
        // session looked up, of a user id no one has (a 404 through the whole S3 path).
        primeSnapshot("sessions", () -> {
            TokenService t = tokens();
            try {
                sessions.requireLive(t.verify(t.issue(PRIMING_ID, "snapstartpriming", PRIMING_ID).token()));
            } catch (TokenService.InvalidTokenException expected) {
                // no such session: the answer every priming read gets
            }
        });
        return sessions;
    }

    /**
     * The accounts service of the sign-up function: every request it serves estimates a password's strength with
     * zxcvbn, whose dictionaries (about 0.3 s) load on the second core while the rest is built. SnapStart's
     * snapshot (and the local cloud's AOT training run) waits for them and runs one estimate.
     */
    public AuthService signUpService() {
        Supplier<?> zxcvbn = inBackground("audmg-init-zxcvbn", () -> {
            com.audmg.drive.auth.Credentials.prepare();
            return null;
        });
        SnapshotPriming.register("zxcvbn", () -> {
            zxcvbn.get();
            com.audmg.drive.auth.Credentials.prime();
        });
        return authService();
    }

    /**
     * The accounts service. zxcvbn loads on first use here (a password change or reset): the login function's
     * first request, a login, does not need it, and on Lambda a background thread competes with that request.
     */
    public AuthService authService() {
        warmUp.get();
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        // An account that cannot exist (usernames are at least 3 characters): a 404 through the whole S3 path.
        primeSnapshot("accounts", () -> data.get(Keys.account("")));
        // What a login and a sign-up do after that read: conditional writes (budgets, the session, the account, a
        // device token), here one that cannot succeed (If-Match on that missing key: S3 answers 404 or 412 and
        // writes nothing), and bcrypt at its lowest cost (its classes and the Blowfish rounds' profile).
        primeSnapshot("writes", () -> {
            try {
                data.replace(Keys.account(""), Json.object().put("priming", true), "\"priming\"");
            } catch (JsonObjectStore.ConditionFailedException
                     | software.amazon.awssdk.services.s3.model.S3Exception expected) {
                // the answer every priming write gets
            }
            PasswordHasher lowest = new PasswordHasher(4);
            lowest.verify("priming", lowest.hash("priming"));
        });
        return new AuthService(new AccountStore(data), loginThrottle(data),
                new SignUpThrottle(data, config.signUpsPerClientPerHour(), config.signUpsPerHour(), clock),
                passwordHasher(), sessions(), mfaService(), emailService(), devices(), clock);
    }

    /** Device tokens and their budgets (OWASP's device cookies). */
    public com.audmg.drive.auth.Devices devices() {
        return new com.audmg.drive.auth.Devices(tokens(), new com.audmg.drive.auth.DeviceThrottle(
                new JsonObjectStore(s3.get(), config.dataBucket()), clock));
    }

    /** What {@code POST /auth/password-reset} takes at least, found or not (see {@link com.audmg.drive.auth.EmailService}). */
    static final Duration RESET_RESPONSE_FLOOR = Duration.ofMillis(300);

    /** The e-mail address, its verification, and password reset by e-mailed code. */
    public com.audmg.drive.auth.EmailService emailService() {
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        return new com.audmg.drive.auth.EmailService(new AccountStore(data), accountSecrets.get(), mailer.get(),
                new com.audmg.drive.auth.ClientBudget(data, Keys::resetThrottle,
                        com.audmg.drive.auth.EmailService.RESETS_PER_CLIENT_PER_HOUR, clock),
                new com.audmg.drive.auth.ClientBudget(data, Keys::resetConfirmThrottle,
                        com.audmg.drive.auth.EmailService.RESET_CONFIRMS_PER_CLIENT_PER_HOUR, clock),
                passwordHasher(), sessions(), RESET_RESPONSE_FLOOR,
                Duration.ofSeconds(config.lifetimes().emailVerificationSeconds()),
                Duration.ofSeconds(config.lifetimes().passwordResetSeconds()), clock);
    }

    /** Replaces the mailer (tests capture messages instead of sending them). */
    public Wiring mailer(com.audmg.drive.platform.Mailer replacement) {
        this.mailer = () -> replacement;
        return this;
    }

    /** TOTP enrolment, the login's second step and recovery codes. */
    public com.audmg.drive.auth.MfaService mfaService() {
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        return new com.audmg.drive.auth.MfaService(new AccountStore(data), accountSecrets.get(),
                new com.audmg.drive.auth.CodeThrottle(data, clock), tokens(), sessions(), devices(),
                Duration.ofSeconds(config.lifetimes().mfaEnrolmentSeconds()), clock);
    }

    /** Accounts as stored (for {@code GET /me}). */
    public AccountStore accountStore() {
        return new AccountStore(new JsonObjectStore(s3.get(), config.dataBucket()));
    }

    private LoginThrottle loginThrottle;
    private PasswordHasher passwordHasher;

    /** One per container: it holds the budgets of unknown names (in memory, never in S3). */
    private synchronized LoginThrottle loginThrottle(JsonObjectStore data) {
        if (loginThrottle == null) {
            loginThrottle = new LoginThrottle(data, clock);
        }
        return loginThrottle;
    }

    /** One per container (its decoy hash is computed once); also counts verifications. */
    public synchronized PasswordHasher passwordHasher() {
        if (passwordHasher == null) {
            passwordHasher = new PasswordHasher(config.bcryptCost());
        }
        return passwordHasher;
    }

    /** File service without content detection (Tika loads only where uploads are completed). */
    public FileService fileService() {
        return fileService(null);
    }

    public FileService fileService(ContentSniffer sniffer) {
        // The presigner and the S3 client share no state: build them side by side on a cold start.
        Supplier<S3Presigner> presigned = inBackground("audmg-init-presigner", presigner);
        warmUp.get();
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        // The library of a user id no one has (server ids are random): a 404 through the whole S3 path.
        primeSnapshot("files", () -> data.get(Keys.libraryHead(PRIMING_ID)));
        return fileService(sniffer, presigned.get());
    }

    private FileService fileService(ContentSniffer sniffer, S3Presigner signer) {
        return fileService(sniffer, signer, libraryStore());
    }

    private FileService fileService(ContentSniffer sniffer, S3Presigner signer, LibraryStore store) {
        FileLifecycle lifecycle = lifecycle();
        return new FileService(store, lifecycle, s3.get(), signer, sniffer,
                new FileService.Settings(config.mediaBucket(), config.maxUploadBytes(), config.quotaBytes(),
                        lifecycle.urlTtl()), clock, pipeline.derivedBucket().orElse(null), events);
    }

    public LibrarySweeper librarySweeper() {
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        // The sweeper migrates previous-release libraries of any size: it is where large ones are handed.
        LibraryStore store = libraryStore().migratingInline();
        return new LibrarySweeper(fileService(null, presigner.get(), store), store, releaser(), data,
                new com.audmg.drive.files.AccountPurger(s3.get(), config.mediaBucket(), config.dataBucket(), data,
                        pipeline.derivedBucket().orElse(null)), clock);
    }

    public com.audmg.drive.files.LibraryScrubber libraryScrubber() {
        return new com.audmg.drive.files.LibraryScrubber(libraryStore(), lifecycle(), releaser(),
                new JsonObjectStore(s3.get(), config.dataBucket()), s3.get(), config.mediaBucket(), clock,
                pipeline.derivedBucket().orElse(null));
    }

    private FileLifecycle lifecycle() {
        return new FileLifecycle(Duration.ofSeconds(config.urlTtlSeconds()));
    }

    public ObjectReleaser releaser() {
        return new ObjectReleaser(s3.get(), config.mediaBucket(), new JsonObjectStore(s3.get(), config.dataBucket()),
                lifecycle(), clock, pipeline.derivedBucket().orElse(null));
    }

    /** One per container: its cache of immutable library objects is what keeps warm requests to one S3 read. */
    public synchronized LibraryStore libraryStore() {
        if (libraryStore == null) {
            JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
            libraryStore = new LibraryStore(data, new ImmutableObjectCache(CACHED_LIBRARY_OBJECTS, CACHED_LIBRARY_BYTES), lifecycle(),
                    releaser(), new LegacyLayout(data), clock, migration);
        }
        return libraryStore;
    }

    /**
     * SnapStart: before the snapshot, finish the background warm-up and run one S3 read, so
     * that a restored function's first request finds the S3 request path loaded and initialized.
     */
    private void primeSnapshot(String name, Runnable read) {
        // Each such read can only miss, each write only fail: S3's successful answers are primed from memory.
        SnapshotPriming.register("s3-answers", () -> com.audmg.drive.platform.S3AnswerPriming.run(config));
        SnapshotPriming.register(name, () -> {
            if (warmUp.get() instanceof Supplier<?> warming) {
                warming.get();
            }
            read.run();
        });
    }

    private static <T> Supplier<T> memoize(Supplier<T> factory) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = factory.get();
                }
                return value;
            }
        };
    }

    /** Runs {@code factory} on a daemon thread now; the returned supplier waits for it and rethrows its failure. */
    private static <T> Supplier<T> inBackground(String name, Supplier<T> factory) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(factory.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return () -> {
            try {
                return future.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        };
    }

    private static final class Holder {
        static final Wiring INSTANCE = fromEnvironment();
    }
}
