package com.audmg.drive.local.s3;

import java.net.URI;

/**
 * How functions reach S3.
 *
 * @param endpoint the S3 endpoint (path-style)
 * @param accessKeyId the access key functions sign with
 * @param secretAccessKey the secret key functions sign with
 */
public record S3Settings(URI endpoint, String accessKeyId, String secretAccessKey) {
}
