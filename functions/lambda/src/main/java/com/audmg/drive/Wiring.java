package com.audmg.drive;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import com.audmg.drive.auth.AccountStore;
import com.audmg.drive.auth.AuthService;
import com.audmg.drive.auth.Authenticator;
import com.audmg.drive.auth.LoginThrottle;
import com.audmg.drive.auth.PasswordHasher;
import com.audmg.drive.auth.TokenService;
import com.audmg.drive.files.ContentSniffer;
import com.audmg.drive.files.FileIndex;
import com.audmg.drive.files.FileService;
import com.audmg.drive.platform.AwsClients;
import com.audmg.drive.platform.Config;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;

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

    private final Config config;
    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final Supplier<TokenService> tokens;
    private final Clock clock;

    public Wiring(Config config, S3Client s3, S3Presigner presigner, String tokenSecret, Clock clock) {
        this.config = config;
        this.s3 = () -> s3;
        this.presigner = () -> presigner;
        this.clock = clock;
        TokenService built = newTokenService(config, tokenSecret, clock);
        this.tokens = () -> built;
    }

    /**
     * The S3 client and presigner are built on first use: the authorizer never needs them. The token service
     * (java-jwt and its Jackson) is built on a background thread, so that on a cold start its class loading
     * overlaps the S3 client's on the second core; {@link #tokens()} waits for it (and rethrows its failure).
     */
    private Wiring(Config config, Supplier<S3Client> s3, Supplier<S3Presigner> presigner,
                   Supplier<String> tokenSecret, Clock clock) {
        this.config = config;
        this.s3 = memoize(s3);
        this.presigner = memoize(presigner);
        this.clock = clock;
        this.tokens = inBackground("audmg-init-tokens", () -> {
            TokenService built = newTokenService(config, tokenSecret.get(), clock);
            // The API's own ObjectMapper: every handler parses or writes JSON on its first event.
            Json.MAPPER.getClass();
            return built;
        });
    }

    private static TokenService newTokenService(Config config, String tokenSecret, Clock clock) {
        return new TokenService(tokenSecret, config.tokenIssuer(), config.tokenAudience(),
                config.tokenTtlSeconds(), clock);
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
        return new Wiring(config, () -> AwsClients.s3(config, http.get(), credentials),
                () -> AwsClients.presigner(config, credentials),
                () -> config.tokenSecret().orElseGet(() -> AwsClients.tokenSecret(config, http.get(), credentials)), Clock.systemUTC());
    }

    public Config config() {
        return config;
    }

    public TokenService tokens() {
        return tokens.get();
    }

    public Authenticator authenticator() {
        return new Authenticator(tokens());
    }

    public AuthService authService() {
        JsonObjectStore data = new JsonObjectStore(s3.get(), config.dataBucket());
        return new AuthService(new AccountStore(data), new LoginThrottle(data, clock),
                new PasswordHasher(config.bcryptCost()), tokens(), clock);
    }

    /** File service without content detection (Tika loads only where uploads are completed). */
    public FileService fileService() {
        return fileService(null);
    }

    public FileService fileService(ContentSniffer sniffer) {
        // The presigner and the S3 client share no state: build them side by side on a cold start.
        Supplier<S3Presigner> presigned = inBackground("audmg-init-presigner", presigner);
        S3Client client = s3.get();
        return new FileService(new FileIndex(new JsonObjectStore(client, config.dataBucket())), client,
                presigned.get(), sniffer,
                new FileService.Settings(config.mediaBucket(), config.maxUploadBytes(), config.quotaBytes(),
                        Duration.ofSeconds(config.urlTtlSeconds())),
                clock);
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
