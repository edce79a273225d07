package com.audmg.drive.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the AWS SDK clients with explicit region, endpoint, credentials and the lean
 * URL-connection HTTP client. With an endpoint override (s3proxy, LocalStack) S3 uses
 * path-style addressing, checksums only when required and no chunked uploads, which is
 * what s3proxy understands.
 */
public final class AwsClients {

    private AwsClients() {
    }

    /** How long opening a connection may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long a response may take to start, or pause while it arrives. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    /**
     * The URL-connection client, its connections opened as the JDK opens them by default: its proxy selector and,
     * for HTTPS, its default TLS context (the JDK's trust store, or {@code javax.net.ssl.trustStore}) with host name
     * verification. The SDK's builder would instead build a TLS context of its own at once, parsing the JDK's ~150
     * CA certificates (about 100 ms of a cold start) even when every endpoint is plain HTTP, as the local cloud's
     * are; the JDK builds its default context on the first HTTPS connection only. A proxy, where one is needed, is
     * the JDK's: {@code -Dhttps.proxyHost}/{@code -Dhttps.proxyPort} (in {@code JAVA_TOOL_OPTIONS}); the SDK's builder
     * would also have read {@code HTTPS_PROXY} and {@code NO_PROXY} from the environment, with a proxy's user and
     * password. Lambda sets none of them.
     */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.create(AwsClients::openConnection);
    }

    static HttpURLConnection openConnection(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an HTTP endpoint: " + uri);
        }
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lambda passes the function role's credentials in the standard environment variables;
     * with SnapStart it does not (they would be frozen into the snapshot) and serves them from
     * the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) instead, which
     * this provider refreshes before they expire. Explicit, not the default chain, which
     * would probe profile files and more on every cold start.
     */
    public static AwsCredentialsProvider credentials() {
        return credentials(System::getenv);
    }

    static AwsCredentialsProvider credentials(Function<String, String> env) {
        return env.apply("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null
                ? ContainerCredentialsProvider.builder().build()
                : EnvironmentVariableCredentialsProvider.create();
    }

    public static S3Client s3(Config config, SdkHttpClient http, AwsCredentialsProvider credentials) {
        var builder = S3Client.builder()
                .httpClient(http)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials);
        config.s3Endpoint().ifPresent(endpoint -> builder
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build()));
        return builder.build();
    }

    /** Presigned URLs are handed to clients, so they use the public endpoint when it differs. */
    public static S3Presigner presigner(Config config, AwsCredentialsProvider credentials) {
        Optional<URI> endpoint = config.presignEndpoint().or(config::s3Endpoint);
        var builder = S3Presigner.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials);
        endpoint.ifPresent(uri -> builder
                .endpointOverride(uri)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()));
        return builder.build();
    }

    /** SES v2 from {@code MAIL_FROM} when it is set; otherwise a mailer that refuses every message. */
    public static Mailer mailer(Config config, SdkHttpClient http, AwsCredentialsProvider credentials) {
        return config.mailFrom()
                .<Mailer>map(from -> new SesMailer(http, credentials, config.region(), config.sesEndpoint(), from))
                .orElseGet(Mailer::unconfigured);
    }

    /** Reads the token secret: TOKEN_SECRET when set, otherwise the SSM SecureString, decrypted. */
    public static String tokenSecret(Config config, SdkHttpClient http, AwsCredentialsProvider credentials) {
        if (config.tokenSecret().isPresent()) {
            return config.tokenSecret().get();
        }
        String name = config.tokenSecretParameter()
                .orElseThrow(() -> new Config.ConfigException("TOKEN_SECRET_PARAMETER must be set"));
        return new SsmParameterReader(http, credentials, config.region(), config.ssmEndpoint()).decryptedValue(name);
    }
}
