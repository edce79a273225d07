package com.audmg.drive.local.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudOptions;
import com.audmg.drive.local.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The local cloud used with the AWS SDK as a developer would: from what it prints at start. */
class DevKitTest {
    @TempDir
    static Path dir;

    static LocalCloud cloud;
    static final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudOptions.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .config(TestFixtures.fixtureConfig())
                .artifact(TestFixtures.fixtureJar(dir.resolve("build")))
                .console(new PrintStream(console, true, StandardCharsets.UTF_8))
                .build());
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    /** The value printed after {@code label} in the start-up summary, up to the first space. */
    static String printed(String label) {
        return cloud.startupSummary().stream().filter(l -> l.startsWith(label + " ")).findFirst()
                .map(l -> l.substring(label.length()).trim().split(" ")[0])
                .orElseThrow(() -> new AssertionError(label + " not in " + cloud.startupSummary()));
    }

    static ProfileCredentialsProvider printedCredentials() {
        ProfileFile file = ProfileFile.builder().content(Path.of(printed("Credentials")))
                .type(ProfileFile.Type.CREDENTIALS).build();
        return ProfileCredentialsProvider.builder().profileFile(file).profileName(LocalCloud.PROFILE).build();
    }

    static LambdaClient lambda(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        return LambdaClient.builder()
                .endpointOverride(URI.create(printed("Lambda")))
                .region(Region.of(printed("Region")))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .build();
    }

    @Test
    void summary_shouldSayWhereS3IsAndWithWhichCredentials_andThatWorks() throws Exception {
        List<String> summary = cloud.startupSummary();
        String tryLine = summary.stream().filter(l -> l.startsWith("Try ")).findFirst().orElseThrow();
        assertTrue(tryLine.contains("aws --profile audmg-local --region eu-west-1 --endpoint-url "
                + printed("S3") + " s3 ls"), tryLine);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of(printed("Credentials")))));

        // WHEN an SDK client is built only from what was printed
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(printed("S3")))
                .region(Region.of(printed("Region"))).credentialsProvider(printedCredentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            // THEN it lists the serverless.yml's buckets
            List<String> buckets = s3.listBuckets().buckets().stream().map(b -> b.name()).toList();
            assertTrue(buckets.containsAll(List.of("fixture-app-local-storebucket", "fixture-named-local")),
                    buckets.toString());
        }
    }

    @Test
    void lambdaClient_shouldInvokeAnyFunction_byNameDeployedNameOrArn() {
        try (LambdaClient client = lambda(printedCredentials())) {
            for (String name : List.of("echo", "fixture-app-local-echo",
                    "arn:aws:lambda:eu-west-1:000000000000:function:fixture-app-local-echo")) {
                InvokeResponse r = client.invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(
                        "{\"httpMethod\":\"GET\",\"path\":\"/direct\",\"requestContext\":{\"stage\":\"direct\"}}")));

                assertEquals(200, r.statusCode(), name);
                assertEquals(null, r.functionError(), name);
                String payload = r.payload().asUtf8String();
                assertTrue(payload.contains("path=/direct") && payload.contains("function=fixture-app-local-echo"),
                        payload);
            }
        }
    }

    @Test
    void lambdaClient_shouldSeeFunctionErrors_asyncInvocations_andMissingFunctions_asFromLambda() {
        try (LambdaClient client = lambda(printedCredentials())) {
            InvokeResponse failed = client.invoke(b -> b.functionName("fail"));
            assertEquals("Unhandled", failed.functionError());
            assertTrue(failed.payload().asUtf8String().contains("boom"), failed.payload().asUtf8String());

            InvokeResponse queued = client.invoke(b -> b.functionName("counter").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}")));
            assertEquals(202, queued.statusCode());

            assertThrows(ResourceNotFoundException.class, () -> client.invoke(b -> b.functionName("nope")));
        }
    }

    @Test
    void invoke_shouldBeRefused_whenNotSignedWithTheLocalCredentials() {
        try (LambdaClient client = lambda(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("test", "test")))) {
            LambdaException e = assertThrows(LambdaException.class, () -> client.invoke(b -> b.functionName("echo")));
            assertEquals(403, e.statusCode());
        }
        String id = cloud.s3().accessKeyId();
        try (LambdaClient client = lambda(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id, "not-the-secret")))) {
            LambdaException e = assertThrows(LambdaException.class, () -> client.invoke(b -> b.functionName("echo")));
            assertEquals(403, e.statusCode());
            assertTrue(e.getMessage().contains("signature"), e.getMessage());
        }
    }
}
