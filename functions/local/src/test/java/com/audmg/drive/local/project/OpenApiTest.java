package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docs/openapi.yaml describes exactly the routes serverless.yml deploys (and the local cloud serves). */
class OpenApiTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void openApi_shouldListExactlyTheRoutesOfServerlessYml() throws IOException {
        Map<String, Object> serverless = load(ROOT.resolve("serverless.yml"));
        Set<String> deployed = new TreeSet<>();
        for (Object function : ((Map<?, ?>) serverless.get("functions")).values()) {
            Object events = ((Map<?, ?>) function).get("events");
            if (events == null) {
                continue;
            }
            for (Object event : (List<?>) events) {
                Object http = ((Map<?, ?>) event).get("http");
                if (http instanceof Map<?, ?> h) {
                    deployed.add(h.get("method").toString().toUpperCase(Locale.ROOT) + " /" + h.get("path"));
                }
            }
        }
        Map<String, Object> openApi = load(ROOT.resolve("docs/openapi.yaml"));
        Set<String> documented = new TreeSet<>();
        ((Map<?, ?>) openApi.get("paths")).forEach((path, operations) ->
                ((Map<?, ?>) operations).keySet().forEach(method ->
                        documented.add(method.toString().toUpperCase(Locale.ROOT) + " " + path)));

        assertTrue(deployed.size() >= 16, "routes read from serverless.yml: " + deployed);
        assertEquals(deployed, documented, "docs/openapi.yaml paths vs serverless.yml http events");
        assertEquals("3.1.0", openApi.get("openapi"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }
}
