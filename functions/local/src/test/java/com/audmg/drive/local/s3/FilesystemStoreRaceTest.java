package com.audmg.drive.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * Issue 10 suspect: the jclouds filesystem blob store under s3proxy (as the local cloud runs it, with
 * {@link AtomicConditionalBlobStore}) removes a key's parent folder when a DELETE leaves it empty, and writes
 * a PUT to a temporary file {@code <key>-<uuid>} in that same folder before renaming it. Here many PUTs of
 * keys {@code <uid>/a...} (SDK PUTs and presigned PUTs with {@code If-None-Match: *}, as the API signs them)
 * race DELETEs of other keys {@code <uid>/b...} in the same folder, which keep emptying it.
 *
 * <p>Every PUT that answered 200 must keep its bytes (read back twice, while the folder keeps being removed
 * and created again), and once every key is deleted nothing may be listed or left in the folder.
 * {@code -Dfsrace.seconds=N} sets how long each race runs (default 8 s, 30 s for the disabled one).
 */
class FilesystemStoreRaceTest {
    private static final String BUCKET = "media";

    @TempDir
    Path dir;

    /** What a race run saw. */
    record Outcome(Map<String, Long> counts, List<String> lost, List<String> listed, List<String> leftovers,
                   long folderGone) {
        long failedPuts() {
            return counts.entrySet().stream().filter(e -> e.getKey().contains("PUT") && !e.getKey().endsWith(" 200"))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    @Test
    void putsRacingDeletesInOneFolder_shouldNeverLoseAnAnsweredPut() throws Exception {
        Outcome outcome = race(Integer.getInteger("fsrace.seconds", 8));
        assertTrue(outcome.folderGone > 0, "the folder was never removed: the race did not run");
        assertTrue(outcome.lost.isEmpty(), "PUTs answered 200 whose bytes are gone: " + outcome.lost);
        assertEquals(List.of(), outcome.listed, "keys listed although every key was deleted");
        assertTrue(outcome.leftovers.isEmpty(), "files left in the store's folder: " + outcome.leftovers);
    }

    /**
     * With s3proxy 3.0.0 / jclouds 2.7.0 alone, a PUT into a folder that a concurrent DELETE of the folder's
     * last other key removes answered 500 (jclouds: 'Unable to create parent directories of <key>-<uuid>' or
     * FileNotFoundException on the temporary file), about 1 in 2,000-5,000 PUTs; the local cloud's blob store
     * wrapper now keeps PUTs and DELETEs of one folder apart.
     */
    @Test
    void putsRacingDeletesInOneFolder_shouldAnswerEveryPut() throws Exception {
        Outcome outcome = race(Integer.getInteger("fsrace.seconds", 15));
        assertTrue(outcome.folderGone > 0, "the folder was never removed: the race did not run");
        assertEquals(0, outcome.failedPuts(), "PUTs of new keys that did not answer 200: " + outcome.counts);
    }

    private Outcome race(int seconds) throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), dir.resolve("creds.properties"), 0, List.of(BUCKET));
             S3Client client = withoutRetries(s3.settings());
             S3Presigner presigner = presigner(s3.settings())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
            List<String> lost = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger n = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(12);
            List<Future<?>> futures = new ArrayList<>();
            // Pairs of threads, each pair on a folder of its own: the writer's key is in the folder only from
            // its PUT to its DELETE, so the deleter's DELETE often leaves the folder empty and jclouds removes
            // it, while the writer's next PUT creates it again and writes its temporary file into it.
            for (int pair = 0; pair < 6; pair++) {
                String folder = "uid" + pair + "/";
                int seed = pair;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (System.nanoTime() < deadline) {
                        String key = folder + "a" + n.incrementAndGet();
                        byte[] body = new byte[1 + random.nextInt(16 * 1024)];
                        random.nextBytes(body);
                        boolean presigned = random.nextBoolean();
                        int status = presigned ? presignedPut(http, presigner, key, body) : sdkPut(client, key, body);
                        count(outcomes, (presigned ? "presigned PUT a " : "SDK PUT a ") + status);
                        if (status != 200) {
                            continue;
                        }
                        byte[] read = get(client, key);
                        if (!Arrays.equals(body, read)) {
                            lost.add(key + " read back " + (read == null ? "404" : read.length + " other bytes")
                                    + " right after its PUT answered 200");
                        }
                        // A second look after the deleter has had time to empty and remove the folder.
                        Thread.onSpinWait();
                        byte[] again = get(client, key);
                        if (!Arrays.equals(body, again)) {
                            lost.add(key + " gone or changed on the second read (" + (again == null ? "404"
                                    : again.length + " bytes") + ")");
                        }
                        count(outcomes, "DELETE a " + delete(client, key));
                    }
                    return null;
                }));
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        String key = folder + "b" + n.incrementAndGet();
                        count(outcomes, "SDK PUT b " + sdkPut(client, key, new byte[] {1, 2, 3}));
                        count(outcomes, "DELETE b " + delete(client, key));
                    }
                    return null;
                }));
            }
            // Evidence that the race ran: how often a pair's folder was seen gone (removed by jclouds).
            LongAdder folderGone = new LongAdder();
            LongAdder looks = new LongAdder();
            Path folder0 = dir.resolve("s3").resolve(BUCKET).resolve("uid0");
            Thread monitor = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    looks.increment();
                    if (!Files.isDirectory(folder0)) {
                        folderGone.increment();
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            monitor.setDaemon(true);
            monitor.start();
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            monitor.join();

            // Every key was deleted after its checks: nothing may be listed, and no file (a temporary file of a
            // failed PUT, say) may be left in the bucket's folder.
            List<String> listed = new ArrayList<>();
            client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(BUCKET).build())
                    .contents().forEach(o -> listed.add(o.key()));
            List<String> leftovers;
            try (Stream<Path> files = Files.walk(dir.resolve("s3").resolve(BUCKET))) {
                leftovers = files.filter(Files::isRegularFile)
                        .map(p -> dir.resolve("s3").resolve(BUCKET).relativize(p).toString()).toList();
            }

            Map<String, Long> summary = new TreeMap<>();
            outcomes.forEach((k, v) -> summary.put(k, v.sum()));
            System.out.println("filesystem store race, " + seconds + " s: " + summary + "; lost " + lost.size()
                    + ", keys left " + listed.size() + ", files left " + leftovers.size() + "; folder uid0/ seen absent in "
                    + folderGone.sum() + " of " + looks.sum() + " looks");
            lost.stream().limit(10).forEach(l -> System.out.println("  lost: " + l));

            return new Outcome(summary, List.copyOf(lost), listed, leftovers, folderGone.sum());
        }
    }

    private static void count(Map<String, LongAdder> outcomes, String what) {
        outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private static int sdkPut(S3Client client, String key, byte[] body) {
        try {
            client.putObject(PutObjectRequest.builder().bucket(BUCKET).key(key).contentType("audio/wav").build(),
                    RequestBody.fromBytes(body));
            return 200;
        } catch (S3Exception e) {
            return e.statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int presignedPut(HttpClient http, S3Presigner presigner, String key, byte[] body) {
        URI url = URI.create(presigner.presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(PutObjectRequest.builder().bucket(BUCKET).key(key).contentType("audio/wav")
                        .contentLength((long) body.length).ifNoneMatch("*").build())
                .build()).url().toString());
        try {
            return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "audio/wav").header("If-None-Match", "*")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int delete(S3Client client, String key) {
        try {
            client.deleteObject(d -> d.bucket(BUCKET).key(key));
            return 204;
        } catch (S3Exception e) {
            return e.statusCode();
        }
    }

    private static byte[] get(S3Client client, String key) {
        try {
            return client.getObjectAsBytes(g -> g.bucket(BUCKET).key(key)).asByteArray();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** As {@link S3Settings#client} builds it, but without retries: every 5xx is seen. */
    private static S3Client withoutRetries(S3Settings settings) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(settings.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .build();
    }

    private static S3Presigner presigner(S3Settings settings) {
        return S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(settings.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }
}
