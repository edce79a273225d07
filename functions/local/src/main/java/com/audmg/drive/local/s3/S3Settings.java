package com.audmg.drive.local.s3;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * How functions reach S3.
 *
 * @param endpoint the S3 endpoint (path-style)
 * @param accessKeyId the access key functions sign with
 * @param secretAccessKey the secret key functions sign with
 */
public record S3Settings(URI endpoint, String accessKeyId, String secretAccessKey) {

    /** The embedded S3 at {@code endpoint} with the credentials a local cloud keeps in its data folder. */
    public static S3Settings read(URI endpoint, Path credentialsFile) throws IOException {
        Properties creds = new Properties();
        try (Reader in = Files.newBufferedReader(credentialsFile, StandardCharsets.UTF_8)) {
            creds.load(in);
        }
        return new S3Settings(endpoint, creds.getProperty("accessKeyId"), creds.getProperty("secretAccessKey"));
    }

    /**
     * An SDK client for this S3 as the functions talk to s3proxy: path-style, no chunked
     * uploads, checksums only where required (for benchmarks and seeding tools).
     */
    public S3Client client(String region, Duration socketTimeout) {
        return S3Client.builder()
                .region(Region.of(region))
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout).build())
                .build();
    }
}
