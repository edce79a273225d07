package com.audmg.drive;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import com.audmg.drive.platform.AwsClients;
import com.audmg.drive.platform.Config;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real S3 for tests: s3proxy in-process on a free loopback port, in-memory (transient)
 * backend, SigV4 enforced, conditional writes made atomic as on AWS ({@link AtomicConditionalBlobStore}).
 * One per test class; clients are built by the production factory.
 */
public final class TestCloud implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-for-s3proxy";
    public static final String TOKEN_SECRET = "test-token-secret-0123456789abcdef0123456789";
    public static final String DATA_BUCKET = "audmg-data";
    public static final String MEDIA_BUCKET = "audmg-media";

    private final BlobStoreContext blobStoreContext;
    private final S3Proxy proxy;
    private final URI endpoint;
    private final SdkHttpClient http = AwsClients.httpClient();
    private final AwsCredentialsProvider credentials =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    private final S3Client s3;

    public TestCloud() throws Exception {
        blobStoreContext = ContextBuilder.newBuilder("transient")
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionalBlobStore(blobStoreContext.getBlobStore()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        s3 = AwsClients.s3(config(Map.of()), http, credentials);
        s3.createBucket(CreateBucketRequest.builder().bucket(DATA_BUCKET).build());
        s3.createBucket(CreateBucketRequest.builder().bucket(MEDIA_BUCKET).build());
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client s3() {
        return s3;
    }

    /** The function environment pointing at this S3, with fast bcrypt; overrides win. */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_BUCKET", DATA_BUCKET);
        env.put("MEDIA_BUCKET", MEDIA_BUCKET);
        env.put("TOKEN_SECRET", TOKEN_SECRET);
        env.put("TOKEN_ISSUER", "audmg-drive-test");
        env.put("TOKEN_AUDIENCE", "audmg-drive-api");
        env.put("BCRYPT_COST", "4");
        // Every test event comes from the sample event's one source IP.
        env.put("SIGNUPS_PER_CLIENT_PER_HOUR", "100000");
        env.put("SIGNUPS_PER_HOUR", "100000");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_S3", endpoint.toString());
        env.putAll(overrides);
        return env;
    }

    public Config config(Map<String, String> overrides) {
        return Config.from(environment(overrides));
    }

    public Wiring wiring(Map<String, String> overrides, Clock clock) {
        Config config = config(overrides);
        return new Wiring(config, AwsClients.s3(config, http, credentials), AwsClients.presigner(config, credentials),
                AwsClients.tokenSecret(config, http, credentials), clock);
    }

    public Wiring wiring(Map<String, String> overrides) {
        return wiring(overrides, Clock.systemUTC());
    }

    @Override
    public void close() throws Exception {
        s3.close();
        proxy.stop();
        blobStoreContext.close();
    }
}
