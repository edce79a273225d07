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

    @Test
    void lifetimes_shouldDefault_andBeReadFromTheEnvironment() {
        Config.Lifetimes defaults = Config.from(minimal()).lifetimes();
        assertEquals(Config.Lifetimes.defaults(), defaults);
        assertEquals(24 * 3600, defaults.emailVerificationSeconds());
        assertEquals(15 * 60, defaults.passwordResetSeconds());
        assertEquals(300, defaults.mfaTokenSeconds());
        assertEquals(15 * 60, defaults.mfaEnrolmentSeconds());
        assertEquals(180L * 24 * 3600, defaults.deviceTokenSeconds());

        Map<String, String> env = minimal();
        env.put("EMAIL_VERIFICATION_TTL_SECONDS", "3600");
        env.put("PASSWORD_RESET_TTL_SECONDS", "600");
        env.put("MFA_TOKEN_TTL_SECONDS", "120");
        env.put("MFA_ENROLMENT_TTL_SECONDS", "1800");
        env.put("DEVICE_TOKEN_TTL_SECONDS", "2592000");
        assertEquals(new Config.Lifetimes(3600, 600, 120, 1800, 2_592_000), Config.from(env).lifetimes());
    }

    @Test
    void lifetimes_outsideTheirBounds_shouldRefuseToStart_namingTheSettingAndItsBounds() {
        String[][] refused = {
                {"EMAIL_VERIFICATION_TTL_SECONDS", "599", "600 and 604800"},
                {"EMAIL_VERIFICATION_TTL_SECONDS", "604801", "600 and 604800"},
                {"PASSWORD_RESET_TTL_SECONDS", "0", "300 and 86400"},
                {"PASSWORD_RESET_TTL_SECONDS", "86401", "300 and 86400"},
                {"MFA_TOKEN_TTL_SECONDS", "59", "60 and 900"},
                {"MFA_TOKEN_TTL_SECONDS", "901", "60 and 900"},
                {"MFA_ENROLMENT_TTL_SECONDS", "-5", "60 and 3600"},
                {"DEVICE_TOKEN_TTL_SECONDS", "3600", "86400 and 34560000"},
                {"DEVICE_TOKEN_TTL_SECONDS", "99999999999", "86400 and 34560000"},
                {"TOKEN_TTL_SECONDS", "5", "60 and 86400"},
                {"REFRESH_TTL_SECONDS", "60", "3600 and 31536000"},
                {"MFA_TOKEN_TTL_SECONDS", "5 minutes", "60 and 900"},
                {"PASSWORD_RESET_TTL_SECONDS", "1e3", "300 and 86400"},
        };
        for (String[] setting : refused) {
            Map<String, String> env = minimal();
            env.put(setting[0], setting[1]);
            String message = assertThrows(Config.ConfigException.class, () -> Config.from(env)).getMessage();
            assertTrue(message.contains(setting[0]) && message.contains(setting[2]) && message.contains(setting[1]),
                    setting[0] + "=" + setting[1] + ": " + message);
        }
    }
}
