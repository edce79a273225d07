package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_BUCKET", "data");
        env.put("MEDIA_BUCKET", "media");
        env.put("TOKEN_SECRET_PARAMETER", "/audmg/secret");
        env.put("TOKEN_ISSUER", "iss");
        env.put("TOKEN_AUDIENCE", "aud");
        env.put("AWS_REGION", "eu-west-1");
        return env;
    }

    @Test
    void from_shouldApplyDefaults_whenOnlyRequiredSet() {
        Config config = Config.from(minimal());

        assertEquals(900, config.tokenTtlSeconds());
        assertEquals(30L * 24 * 3600, config.refreshTtlSeconds());
        assertEquals(900, config.urlTtlSeconds());
        assertEquals(2_147_483_648L, config.maxUploadBytes());
        assertEquals(10_737_418_240L, config.quotaBytes());
        assertEquals(11, config.bcryptCost());
        assertEquals(Optional.empty(), config.s3Endpoint());
        assertEquals(Optional.empty(), config.tokenSecret());
    }

    @Test
    void from_shouldFailNamingTheSetting_whenRequiredMissing() {
        for (String name : new String[] {"DATA_BUCKET", "MEDIA_BUCKET", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "AWS_REGION"}) {
            Map<String, String> env = minimal();
            env.remove(name);
            Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> Config.from(env));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        Map<String, String> env = minimal();
        env.remove("TOKEN_SECRET_PARAMETER");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage()
                .contains("TOKEN_SECRET_PARAMETER"));
    }

    @Test
    void from_shouldFailNamingTheSetting_whenMalformed() {
        Map<String, String> env = minimal();
        env.put("QUOTA_BYTES", "lots");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage().contains("QUOTA_BYTES"));
        env.put("QUOTA_BYTES", "1");
        env.put("BCRYPT_COST", "3");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage().contains("BCRYPT_COST"));
        env.put("BCRYPT_COST", "10");
        env.put("AWS_ENDPOINT_URL_S3", "not a url");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage()
                .contains("AWS_ENDPOINT_URL_S3"));
    }

    @Test
    void from_shouldPreferServiceSpecificEndpoints() {
        Map<String, String> env = minimal();
        env.put("AWS_ENDPOINT_URL", "http://localhost:4566");
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000");
        env.put("S3_PRESIGN_ENDPOINT", "http://public.example:9000");

        Config config = Config.from(env);

        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), config.s3Endpoint());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), config.ssmEndpoint());
        assertEquals(Optional.of(URI.create("http://public.example:9000")), config.presignEndpoint());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), config.sesEndpoint());
        env.put("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:7000/ses/login/1/token");
        assertEquals(Optional.of(URI.create("http://127.0.0.1:7000/ses/login/1/token")), Config.from(env).sesEndpoint());
    }

    @Test
    void mailFrom_shouldBeOptional_andAnAddress() {
        assertEquals(Optional.empty(), Config.from(minimal()).mailFrom());
        Map<String, String> env = minimal();
        env.put("MAIL_FROM", "Audmg Drive <no-reply@example.com>");
        assertEquals(Optional.of("Audmg Drive <no-reply@example.com>"), Config.from(env).mailFrom());
        env.put("MAIL_FROM", "nobody");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage().contains("MAIL_FROM"));
        env.put("MAIL_FROM", "a@example.com\nBcc: b@example.com");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage().contains("MAIL_FROM"));
    }
}
