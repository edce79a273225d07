package com.audmg.drive.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationSettingsTest {

    @Test
    void settings_shouldComeFromTheEnvironment_withA4MibDefault_andRefuseNonsense() {
        MigrationSettings none = MigrationSettings.from(Map.of());
        assertEquals(Optional.empty(), none.migrator());
        assertEquals(4L << 20, none.inlineMaxBytes());
        MigrationSettings set = MigrationSettings.from(Map.of("LIBRARY_MIGRATOR", "svc-dev-sweepUploads",
                "INLINE_MIGRATION_MAX_BYTES", "1000", "AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:4000"));
        assertEquals(Optional.of("svc-dev-sweepUploads"), set.migrator());
        assertEquals(1000, set.inlineMaxBytes());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4000")), set.lambdaEndpoint());
        assertThrows(Config.ConfigException.class, () -> MigrationSettings.from(Map.of("INLINE_MIGRATION_MAX_BYTES", "-1")));
        assertThrows(Config.ConfigException.class, () -> MigrationSettings.from(Map.of("INLINE_MIGRATION_MAX_BYTES", "4 MB")));
        assertThrows(Config.ConfigException.class, () -> MigrationSettings.from(Map.of("AWS_ENDPOINT_URL_LAMBDA", "nohost")));
    }
}
