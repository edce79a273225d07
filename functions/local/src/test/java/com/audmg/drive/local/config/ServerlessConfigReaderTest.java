package com.audmg.drive.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.TestFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ServerlessConfigReaderTest {
    @TempDir
    Path dir;

    private ServerlessConfigReader reader(String stage, Map<String, String> env) {
        return new ServerlessConfigReader(stage, env::get, new ParameterStore(dir.resolve("parameters.properties")));
    }

    @Test
    void read_shouldResolveFunctionsRoutesAndVariables_whenGivenFixture() {
        // GIVEN the fixture serverless.yml and stage "qa"
        ServerlessConfig config = reader("qa", Map.of()).read(TestFixtures.fixtureConfig(), null);

        // THEN
        assertEquals("fixture-app", config.service());
        assertEquals("qa", config.stage());
        assertEquals("eu-west-1", config.region());
        assertEquals(Map.of("StoreBucket", "fixture-app-qa-storebucket", "NamedBucket", "fixture-named-qa"),
                config.buckets());
        assertEquals(TestFixtures.fixtureConfig().getParent().resolve("build/fixture.jar"), config.artifact());

        FunctionConfig env = config.function("env").orElseThrow();
        assertEquals("com.audmg.drive.local.fixtures.StreamHandlers$Env", env.handlerClass());
        assertEquals("handleRequest", env.handlerMethod());
        assertEquals(192, env.memorySizeMb());
        assertEquals(10, env.timeoutSeconds());
        assertEquals("fixture-app-qa-storebucket", env.environment().get("STORE_BUCKET"));
        assertEquals("/fixture/qa/secret", env.environment().get("SECRET_NAME"));
        assertEquals("fallback", env.environment().get("FROM_ENV"));
        assertEquals("only-here", env.environment().get("FUNCTION_ONLY"));
        String secret = env.environment().get("SECRET");
        assertEquals(44, secret.length(), "a generated 256-bit base64 secret");
        assertEquals(2, config.function("slow").orElseThrow().timeoutSeconds());
        assertEquals(null, config.function("echo").orElseThrow().environment().get("FUNCTION_ONLY"));

        HttpRoute items = config.routes().get(0);
        assertEquals(new HttpRoute("echo", "GET", "/items/{id}", true,
                new AuthorizerConfig("tokenAuthorizer", "TOKEN", "Authorization", 300)), items);
        HttpRoute shorthand = config.routes().stream().filter(r -> r.functionName().equals("env")).findFirst()
                .orElseThrow();
        assertEquals("/env", shorthand.path());
        assertEquals("GET", shorthand.method());
        assertNull(shorthand.authorizer());
        assertEquals("ANY", config.routes().get(config.routes().size() - 1).method());
    }

    @Test
    void read_shouldKeepGeneratedSecrets_whenReadAgain() {
        String first = reader("qa", Map.of()).read(TestFixtures.fixtureConfig(), null)
                .function("env").orElseThrow().environment().get("SECRET");
        String second = reader("qa", Map.of()).read(TestFixtures.fixtureConfig(), null)
                .function("env").orElseThrow().environment().get("SECRET");
        assertEquals(first, second);
        assertTrue(new ParameterStore(dir.resolve("parameters.properties")).get("/fixture/qa/secret").isPresent());
    }

    @Test
    void read_shouldUseDefaultStageAndEnvironment_whenNoCliStage() {
        ServerlessConfig config = reader(null, Map.of("FIXTURE_UNSET_VARIABLE", "from-env"))
                .read(TestFixtures.fixtureConfig(), Path.of("/x/y.jar"));
        assertEquals("dev", config.stage());
        assertEquals(Path.of("/x/y.jar"), config.artifact());
        assertEquals("from-env", config.function("echo").orElseThrow().environment().get("FROM_ENV"));
    }

    @Test
    void resolve_shouldHandleNestingSelfAwsAndFallbacks() {
        Map<String, Object> doc = new Yaml().load(String.join("\n",
                "service: svc",
                "provider: { stage: '${opt:stage, \"dev\"}', region: us-west-2 }",
                "package: { artifact: a.jar }",
                "custom:",
                "  sizes: { local: 512, prod: 2048 }",
                "  name: ${self:service}-${sls:stage}",
                "functions:",
                "  f:",
                "    handler: a.B",
                "    memorySize: ${self:custom.sizes.${sls:stage}, 1024}",
                "    environment:",
                "      NAME: ${self:custom.name}",
                "      REGION: ${aws:region}",
                "      ACCOUNT: ${aws:accountId}",
                "      NESTED: ${env:NOPE, ${env:ALSO_NOPE, 'deep'}}",
                "      MISSING_SELF: ${self:custom.nothing, 'd'}",
                "      NUMBER: 42"));
        FunctionConfig local = reader("local", Map.of()).build(new LinkedHashMap<>(doc), dir, null)
                .function("f").orElseThrow();
        assertEquals(512, local.memorySizeMb());
        assertEquals("svc-local", local.environment().get("NAME"));
        assertEquals("us-west-2", local.environment().get("REGION"));
        assertEquals(ServerlessConfigReader.LOCAL_ACCOUNT_ID, local.environment().get("ACCOUNT"));
        assertEquals("deep", local.environment().get("NESTED"));
        assertEquals("d", local.environment().get("MISSING_SELF"));
        assertEquals("42", local.environment().get("NUMBER"));
        FunctionConfig other = reader("other", Map.of()).build(new LinkedHashMap<>(doc), dir, null)
                .function("f").orElseThrow();
        assertEquals(1024, other.memorySizeMb());
    }

    @Test
    void read_shouldFailWithOneLine_whenYamlIsBrokenOrIncomplete() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yml"), "service: [unclosed\nfunctions: {");
        ConfigException e = assertThrows(ConfigException.class, () -> reader("x", Map.of()).read(broken, null));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));

        Path unresolvable = Files.writeString(dir.resolve("u.yml"),
                "service: s\npackage: { artifact: a.jar }\nfunctions:\n  f: { handler: a.B, environment: { X: '${env:NOPE}' } }\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> reader("x", Map.of()).read(unresolvable, null));
        assertTrue(e2.getMessage().contains("${env:NOPE}"), e2.getMessage());

        Path badAuthorizer = Files.writeString(dir.resolve("a.yml"), String.join("\n",
                "service: s", "package: { artifact: a.jar }", "functions:",
                "  f: { handler: a.B, events: [ { http: { path: x, method: get, authorizer: ghost } } ] }", ""));
        ConfigException e3 = assertThrows(ConfigException.class, () -> reader("x", Map.of()).read(badAuthorizer, null));
        assertTrue(e3.getMessage().contains("ghost"), e3.getMessage());
    }

    @Test
    void read_shouldUnderstandTheProjectServerlessYml() {
        Path yml = Path.of("../../serverless.yml").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(yml), "project serverless.yml not found");
        ServerlessConfig config = reader("local", Map.of()).read(yml, null);
        assertEquals("audmg-drive", config.service());
        assertEquals(yml.getParent().resolve("functions/lambda/target/audmg-functions.jar"), config.artifact());
        assertEquals(java.util.Set.of("audmg-drive-local-databucket", "audmg-drive-local-mediabucket",
                        "audmg-drive-local-derivedbucket"),
                java.util.Set.copyOf(config.buckets().values()));
        FunctionConfig list = config.function("listFiles").orElseThrow();
        assertEquals("audmg-drive-local-databucket", list.environment().get("DATA_BUCKET"));
        assertEquals("/audmg-drive/local/token-secret", list.environment().get("TOKEN_SECRET_PARAMETER"));
        assertEquals(512, config.function("authValidator").orElseThrow().memorySizeMb());
        assertTrue(config.routes().stream().anyMatch(r -> r.path().equals("/files/{id}/complete")
                && r.authorizer() != null && r.authorizer().functionName().equals("authValidator")));
    }

    @Test
    void read_shouldReadScheduleEvents_inEveryForm() throws Exception {
        Path yml = Files.writeString(dir.resolve("s.yml"), String.join("\n",
                "service: timed",
                "provider: { name: aws, stage: dev }",
                "functions:",
                "  daily:",
                "    handler: a.B",
                "    events:",
                "      - schedule: rate(1 day)",
                "  detailed:",
                "    handler: a.C",
                "    events:",
                "      - schedule:",
                "          rate:",
                "            - rate(10 minutes)",
                "            - 'cron(0 12 * * ? *)'",
                "          enabled: false",
                "          input: { mode: full, depth: 2 }",
                ""));

        List<Schedule> schedules = reader(null, Map.of()).read(yml, Path.of("x.jar")).schedules();

        assertEquals(3, schedules.size());
        Schedule daily = schedules.get(0);
        assertEquals("daily", daily.function());
        assertEquals(java.util.Optional.of(java.time.Duration.ofDays(1)), daily.rate());
        assertTrue(daily.enabled());
        assertEquals("timed-dev-daily-rule-1", daily.ruleName());
        assertEquals(java.util.Optional.of(java.time.Duration.ofMinutes(10)), schedules.get(1).rate());
        assertEquals(java.util.Optional.empty(), schedules.get(2).rate(), "cron has no period");
        assertTrue(schedules.stream().skip(1).noneMatch(Schedule::enabled));
        assertEquals("{\"mode\":\"full\",\"depth\":2}", schedules.get(1).input().orElseThrow());
    }

    @Test
    void read_shouldFailWithOneLine_whenScheduleExpressionIsWrong() throws Exception {
        Path yml = Files.writeString(dir.resolve("bad.yml"), String.join("\n",
                "service: timed",
                "functions:",
                "  f:",
                "    handler: a.B",
                "    events:",
                "      - schedule: every(5 minutes)",
                ""));

        ConfigException e = assertThrows(ConfigException.class, () -> reader(null, Map.of()).read(yml, Path.of("x.jar")));

        assertTrue(e.getMessage().contains("functions.f.events.schedule") && e.getMessage().contains("every(5 minutes)"),
                e.getMessage());
    }

    private ConfigException refusal(String... lines) throws Exception {
        Path file = dir.resolve("refused.yml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return assertThrows(ConfigException.class, () -> reader("local", Map.of()).read(file, dir.resolve("a.jar")));
    }

    @Test
    void read_shouldRefuseWhatItCannotEmulate_namingTheLine() throws Exception {
        String[] head = {"service: s", "provider:", "  name: aws", "functions:", "  auth:", "    handler: a.Auth"};
        ConfigException httpApi = refusal(concat(head,
                "  api:", "    handler: a.B", "    events:", "      - http: GET ok", "      - httpApi: GET /x"));
        assertTrue(httpApi.getMessage().startsWith("serverless.yml line 11: functions.api.events[1].httpApi: HTTP API"),
                httpApi.getMessage());

        ConfigException cognito = refusal(concat(head,
                "  api:", "    handler: a.B", "    events:", "      - http:", "          path: x", "          method: get",
                "          authorizer:", "            name: auth", "            type: cognito_user_pools"));
        assertTrue(cognito.getMessage().startsWith(
                "serverless.yml line 13: functions.api.events.http.authorizer type COGNITO_USER_POOLS is not emulated"),
                cognito.getMessage());

        ConfigException source = refusal(concat(head,
                "  api:", "    handler: a.B", "    events:", "      - http:", "          path: x", "          method: get",
                "          authorizer:", "            name: auth", "            type: request",
                "            identitySource: context.requestId"));
        assertTrue(source.getMessage().startsWith("serverless.yml line 13: functions.api.events.http.authorizer"
                + " identitySource 'context.requestId' is not emulated"), source.getMessage());

        ConfigException stageVariable = refusal(concat(head,
                "resources:", "  Resources:", "    Stage:", "      Type: AWS::ApiGateway::Stage", "      Properties:",
                "        Variables:", "          plain: yes", "          computed: { Ref: Other }"));
        assertTrue(stageVariable.getMessage().startsWith("serverless.yml line 14: stage variable computed of Stage"),
                stageVariable.getMessage());
    }

    @Test
    void read_shouldTakeStageVariables_fromAStageResource() throws Exception {
        Path file = dir.resolve("vars.yml");
        Files.writeString(file, String.join("\n", "service: s", "provider: { name: aws }", "functions:",
                "  f: { handler: a.B }", "resources:", "  Resources:", "    Stage:",
                "      Type: AWS::ApiGateway::Stage", "      Properties:",
                "        Variables: { alias: live, stage: '${sls:stage}' }", ""));
        ServerlessConfig config = reader("qa", Map.of()).read(file, dir.resolve("a.jar"));
        assertEquals(Map.of("alias", "live", "stage", "qa"), config.stageVariables());
        assertEquals("s-qa-f", config.function("f").orElseThrow().deployedName());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void read_shouldApplyThrottlingAsTheThrottlingPluginDoes() throws Exception {
        String fixture = Files.readString(TestFixtures.fixtureConfig());
        String yml = fixture.replace("custom:\n", "custom:\n  apiGatewayThrottling: { maxRequestsPerSecond: 7 }\n")
                .replace("- http: { path: public/echo, method: post }",
                        "- http: { path: public/echo, method: post, throttling: { maxConcurrentRequests: 3 } }")
                .replace("- http: { path: public/echo, method: get }",
                        "- http: { path: public/echo, method: get, throttling: { disabled: true } }");
        Path file = dir.resolve("serverless.yml");
        Files.writeString(file, yml);

        ServerlessConfig config = reader("qa", Map.of()).read(file, dir.resolve("fixture.jar"));

        Map<String, Throttling> byRoute = new LinkedHashMap<>();
        config.routes().forEach(r -> byRoute.put(r.method() + " " + r.path(), r.throttling()));
        assertEquals(new Throttling(7, 3), byRoute.get("POST /public/echo"), "the event's burst, the stage's rate");
        assertNull(byRoute.get("GET /public/echo"), "disabled");
        assertEquals(new Throttling(7, Throttling.DEFAULT_BURST), byRoute.get("GET /env"),
                "the stage's rate, the plugin's default burst");
        // Without custom.apiGatewayThrottling the plugin sets nothing.
        assertTrue(reader("qa", Map.of()).read(TestFixtures.fixtureConfig(), null).routes().stream()
                .allMatch(r -> r.throttling() == null));
    }
}
