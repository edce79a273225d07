package com.audmg.drive.cloudtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validates serverless.yml offline: packages the {@code ci} stage with the pinned Serverless
 * Framework v3 and checks the generated CloudFormation template against the contract
 * (routes, authorizer, environment), the built artifact (every handler exists) and the
 * security baseline (private encrypted buckets, least-privilege IAM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("serverless package --stage ci")
class ServerlessTemplateTest {
    private static final String STAGE = "ci";

    /** Every API route (METHOD path) of the HTTP API contract. */
    private static final Set<String> ROUTES = Set.of(
            "POST /auth/signup", "POST /auth/login", "GET /me", "GET /files", "POST /files",
            "POST /files/{id}/complete", "GET /files/{id}", "DELETE /files/{id}", "PATCH /files/{id}",
            "POST /files/{id}/restore", "POST /files/{id}/versions", "GET /files/{id}/versions",
            "GET /files/{id}/versions/{versionId}", "POST /files/{id}/versions/{versionId}/complete",
            "POST /files/{id}/versions/{versionId}/restore", "GET /changes",
            "POST /auth/refresh", "POST /auth/logout", "GET /me/sessions", "DELETE /me/sessions/{sessionId}",
            "POST /me/password", "DELETE /me", "POST /auth/login/mfa", "POST /auth/password-reset",
            "POST /auth/password-reset/confirm", "PUT /me/email", "POST /me/email/verify", "POST /me/mfa/totp",
            "POST /me/mfa/totp/confirm", "DELETE /me/mfa/totp");
    /** Routes that must stay open (no authorizer). OPTIONS (CORS preflight) is open too. */
    private static final Set<String> PUBLIC_ROUTES = Set.of("POST /auth/signup", "POST /auth/login", "POST /auth/refresh",
            "POST /auth/login/mfa", "POST /auth/password-reset", "POST /auth/password-reset/confirm");
    /** The only functions that may send mail (sign-up's verification code; the account routes' codes). */
    private static final Set<String> MAIL_FUNCTIONS = Set.of("SignUpLambdaFunction", "LoginLambdaFunction");

    private static final List<String> ENVIRONMENT = List.of("DATA_BUCKET", "MEDIA_BUCKET",
            "TOKEN_SECRET_PARAMETER", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "TOKEN_TTL_SECONDS", "URL_TTL_SECONDS",
            "MAX_UPLOAD_BYTES", "QUOTA_BYTES", "BCRYPT_COST", "REFRESH_TTL_SECONDS", "SIGNUPS_PER_CLIENT_PER_HOUR",
            "SIGNUPS_PER_HOUR", "DERIVED_BUCKET", "MAIL_FROM", "MEDIA_EVENTS_TOPIC", "MEDIA_MAX_BYTES",
            "MEDIA_MAX_RECEIVES", "EMAIL_VERIFICATION_TTL_SECONDS", "PASSWORD_RESET_TTL_SECONDS", "MFA_TOKEN_TTL_SECONDS",
            "MFA_ENROLMENT_TTL_SECONDS", "DEVICE_TOKEN_TTL_SECONDS");

    /** Functions allowed to touch the media bucket at all (the others may not name it). */
    private static final Set<String> MEDIA_FUNCTIONS = Set.of(
            "CreateUploadLambdaFunction", "CompleteUploadLambdaFunction", "GetFileLambdaFunction",
            "DeleteFileLambdaFunction", "UpdateFileLambdaFunction",
            "SweepUploadsLambdaFunction", "ScrubLibrariesLambdaFunction", "ProcessMediaLambdaFunction",
            "BackfillMediaLambdaFunction");

    private String skipReason;
    private ServerlessPackage pkg;
    private JsonNode resources;

    @BeforeAll
    void packageStage(@TempDir Path tmp) throws Exception {
        skipReason = ServerlessPackage.unavailableReason();
        if (skipReason != null) {
            System.out.println(skipReason);
            return;
        }
        pkg = ServerlessPackage.run(STAGE, tmp.resolve("package-" + STAGE));
        resources = pkg.resources();
    }

    /** Each check reports as skipped (with the reason) rather than vanishing from the counts. */
    @BeforeEach
    void requirePackage() {
        assumeTrue(skipReason == null, skipReason);
    }

    // ---- functions and the artifact -------------------------------------------------------

    @Test
    @DisplayName("every Lambda handler class and method exists in the built artifact")
    void handlersExistInArtifact() throws Exception {
        Map<String, JsonNode> functions = ofType("AWS::Lambda::Function");
        assertEquals(15, functions.size(), "functions in the template: " + functions.keySet());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : functions.entrySet()) {
            String name = e.getValue().path("Properties").path("FunctionName").asText()
                    .replaceFirst("^audmg-drive-" + STAGE + "-", "");
            Path jar = pkg.artifactOf(name);
            assertTrue(Files.isRegularFile(jar), "the artifact " + jar + " named by serverless.yml (package.artifact) "
                    + "does not exist; build it first: ./mvnw -B -pl functions/lambda,functions/media package -DskipTests");
            if (name.equals("processMedia") || name.equals("backfillMedia")) {
                assertTrue(jar.endsWith(Path.of("functions/media/target/audmg-media.jar")), name + " artifact " + jar);
            } else {
                assertTrue(jar.endsWith(Path.of("functions/lambda/target/audmg-functions.jar")), name + " artifact " + jar);
            }
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader())) {
                JsonNode props = e.getValue().path("Properties");
                assertEquals("java25", props.path("Runtime").asText(), e.getKey() + " Runtime");
                assertTrue(props.path("Code").path("S3Key").asText().endsWith("/" + jar.getFileName()),
                        e.getKey() + " is not deployed from " + jar.getFileName());
                String handler = props.path("Handler").asText();
                String problem = checkHandler(loader, handler);
                if (problem != null) {
                    problems.add(e.getKey() + " (" + handler + "): " + problem);
                }
            }
        }
        assertTrue(problems.isEmpty(), "handlers missing or unusable in their artifacts:\n  "
                + String.join("\n  ", problems));
    }

    /** Null when {@code Class::method} is a handler the Java runtime can call, else why not. */
    private static String checkHandler(ClassLoader loader, String handler) {
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        String methodName = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError ex) {
            return "class not loadable: " + ex;
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return "class must be public and concrete";
        }
        Method[] methods;
        try {
            methods = type.getMethods();
            type.getConstructor();
        } catch (NoSuchMethodException ex) {
            return "no public no-argument constructor";
        } catch (LinkageError ex) {
            return "a type it uses is not in the artifact: " + ex;
        }
        for (Method m : methods) {
            // (input), (input, Context) or (InputStream, OutputStream, Context)
            if (m.getName().equals(methodName) && !m.isBridge() && m.getParameterCount() >= 1
                    && m.getParameterCount() <= 3) {
                return null;
            }
        }
        return "no public method " + methodName + " with 1-3 parameters";
    }

    @Test
    @DisplayName("every function gets the contract environment, buckets by Ref, the stage's secret name")
    void environment() {
        for (Map.Entry<String, JsonNode> e : ofType("AWS::Lambda::Function").entrySet()) {
            JsonNode vars = e.getValue().path("Properties").path("Environment").path("Variables");
            for (String name : ENVIRONMENT) {
                assertFalse(vars.path(name).isMissingNode(), e.getKey() + " lacks " + name);
            }
            assertEquals("DataBucket", vars.path("DATA_BUCKET").path("Ref").asText(), e.getKey());
            assertEquals("MediaBucket", vars.path("MEDIA_BUCKET").path("Ref").asText(), e.getKey());
            assertEquals("DerivedBucket", vars.path("DERIVED_BUCKET").path("Ref").asText(), e.getKey());
            assertEquals("/audmg-drive/" + STAGE + "/token-secret", vars.path("TOKEN_SECRET_PARAMETER").asText());
            assertEquals("", vars.path("S3_PRESIGN_ENDPOINT").asText(""),
                    "AWS stages presign against the real S3 endpoint");
        }
    }

    @Test
    @DisplayName("each function has its own log group with a retention")
    void logGroups() {
        Map<String, JsonNode> groups = ofType("AWS::Logs::LogGroup");
        Set<String> names = new TreeSet<>();
        for (JsonNode g : groups.values()) {
            assertTrue(g.path("Properties").path("RetentionInDays").asInt() > 0, "log retention");
            names.add(g.path("Properties").path("LogGroupName").asText());
        }
        for (JsonNode f : ofType("AWS::Lambda::Function").values()) {
            String fn = f.path("Properties").path("FunctionName").asText();
            assertTrue(names.contains("/aws/lambda/" + fn), "no log group for " + fn + " in " + names);
        }
    }

    // ---- API Gateway ----------------------------------------------------------------------

    @Test
    @DisplayName("the API has exactly the contract's routes; every protected one uses the TOKEN authorizer")
    void routesAndAuthorizer() {
        Map<String, JsonNode> authorizers = ofType("AWS::ApiGateway::Authorizer");
        assertEquals(1, authorizers.size(), "authorizers: " + authorizers.keySet());
        String authorizerId = authorizers.keySet().iterator().next();

        Map<String, JsonNode> routes = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : ofType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode props = e.getValue().path("Properties");
            String route = props.path("HttpMethod").asText() + " " + path(props.path("ResourceId"));
            if (props.path("HttpMethod").asText().equals("OPTIONS")) {
                assertEquals("NONE", props.path("AuthorizationType").asText("NONE"), "CORS preflight " + route);
                continue;
            }
            routes.put(route, props);
        }
        assertEquals(new TreeSet<>(ROUTES), routes.keySet(), "routes in the template");

        for (Map.Entry<String, JsonNode> e : routes.entrySet()) {
            JsonNode props = e.getValue();
            if (PUBLIC_ROUTES.contains(e.getKey())) {
                assertEquals("NONE", props.path("AuthorizationType").asText(), e.getKey() + " must be public");
            } else {
                assertEquals("CUSTOM", props.path("AuthorizationType").asText(), e.getKey() + " AuthorizationType");
                assertEquals(authorizerId, props.path("AuthorizerId").path("Ref").asText(),
                        e.getKey() + " AuthorizerId");
            }
            assertEquals("AWS_PROXY", props.path("Integration").path("Type").asText(), e.getKey());
        }
    }

    @Test
    @DisplayName("the authorizer is a TOKEN authorizer on the Authorization header, cached, backed by authValidator")
    void authorizerSettings() {
        JsonNode props = ofType("AWS::ApiGateway::Authorizer").values().iterator().next().path("Properties");
        assertEquals("TOKEN", props.path("Type").asText());
        assertEquals("method.request.header.Authorization", props.path("IdentitySource").asText());
        int ttl = props.path("AuthorizerResultTtlInSeconds").asInt(-1);
        assertTrue(ttl >= 0 && ttl <= 3600, "authorizer TTL " + ttl);
        assertEquals(300, ttl, "authorizer TTL (serverless.yml custom.authorizer.resultTtlInSeconds)");
        assertTrue(props.path("AuthorizerUri").toString().contains("AuthValidatorLambdaFunction")
                        || props.path("AuthorizerUri").toString().contains("AuthValidatorSnapStartLambdaAlias"),
                "authorizer must invoke authValidator: " + props.path("AuthorizerUri"));
    }

    @Test
    @DisplayName("outputs include the API URL")
    void outputs() {
        JsonNode outputs = pkg.template.path("Outputs");
        assertFalse(outputs.path("ServiceEndpoint").isMissingNode(), "ServiceEndpoint");
        assertTrue(outputs.path("ApiUrl").path("Value").toString().contains("ApiGatewayRestApi"), "ApiUrl");
    }

    /** The API path of an AWS::ApiGateway::Resource reference, e.g. /files/{id}. */
    private String path(JsonNode resourceId) {
        if (resourceId.has("Fn::GetAtt")) {
            return ""; // the root resource
        }
        String logicalId = resourceId.path("Ref").asText();
        JsonNode r = resources.path(logicalId);
        assertEquals("AWS::ApiGateway::Resource", r.path("Type").asText(), logicalId);
        JsonNode props = r.path("Properties");
        return path(props.path("ParentId")) + "/" + props.path("PathPart").asText();
    }

    // ---- S3 -------------------------------------------------------------------------------

    @Test
    @DisplayName("every bucket blocks public access and is encrypted; app buckets enforce ownership")
    void bucketsArePrivateAndEncrypted() {
        Map<String, JsonNode> buckets = ofType("AWS::S3::Bucket");
        assertTrue(buckets.keySet().containsAll(Set.of("DataBucket", "MediaBucket")), buckets.keySet().toString());
        for (Map.Entry<String, JsonNode> e : buckets.entrySet()) {
            JsonNode props = e.getValue().path("Properties");
            JsonNode block = props.path("PublicAccessBlockConfiguration");
            for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                    "RestrictPublicBuckets")) {
                assertTrue(block.path(flag).asBoolean(false), e.getKey() + " " + flag);
            }
            JsonNode rules = props.path("BucketEncryption").path("ServerSideEncryptionConfiguration");
            assertTrue(rules.isArray() && rules.size() > 0, e.getKey() + " has no encryption");
            String algorithm = rules.get(0).path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText();
            assertTrue(Set.of("AES256", "aws:kms", "aws:kms:dsse").contains(algorithm), e.getKey() + " " + algorithm);
        }
        for (String name : List.of("DataBucket", "MediaBucket", "DerivedBucket")) {
            JsonNode props = buckets.get(name).path("Properties");
            assertEquals("BucketOwnerEnforced",
                    props.path("OwnershipControls").path("Rules").path(0).path("ObjectOwnership").asText(), name);
            assertTrue(props.path("CorsConfiguration").isMissingNode(),
                    name + ": no CORS (the desktop client needs none; see docs/DEPLOY.md)");
            assertTrue(lifecycle(props).stream().anyMatch(r -> "Enabled".equals(r.path("Status").asText())
                            && r.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asInt(99) <= 1),
                    name + " must abort incomplete multipart uploads after a day");
        }
        assertTrue(lifecycle(buckets.get("DataBucket").path("Properties")).stream()
                        .noneMatch(r -> r.has("ExpirationInDays") || r.has("ExpirationDate")),
                "DataBucket must not expire records: a pending/ record is the only pointer to the bytes of an"
                        + " abandoned upload, which createUpload removes with it");
    }

    @Test
    @DisplayName("no bucket policy allows anyone; the app buckets refuse plain HTTP")
    void bucketPolicies() {
        Set<String> tlsOnly = new TreeSet<>();
        for (JsonNode policy : ofType("AWS::S3::BucketPolicy").values()) {
            JsonNode props = policy.path("Properties");
            for (JsonNode st : statements(props.path("PolicyDocument"))) {
                boolean anyone = st.path("Principal").asText().equals("*")
                        || st.path("Principal").path("AWS").asText().equals("*");
                if ("Allow".equals(st.path("Effect").asText())) {
                    assertFalse(anyone, "a bucket policy allows everyone: " + st);
                } else if (st.path("Condition").path("Bool").path("aws:SecureTransport").asText().equals("false")) {
                    tlsOnly.add(props.path("Bucket").path("Ref").asText());
                }
            }
        }
        assertTrue(tlsOnly.containsAll(Set.of("DataBucket", "MediaBucket", "DerivedBucket")), "TLS-only policies on " + tlsOnly);
    }

    // ---- IAM ------------------------------------------------------------------------------

    @Test
    @DisplayName("IAM: one role per function; no wildcard S3 actions, no Resource * for S3, SSM or KMS")
    void leastPrivilege() {
        Map<String, String> roleOf = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : ofType("AWS::Lambda::Function").entrySet()) {
            JsonNode role = e.getValue().path("Properties").path("Role").path("Fn::GetAtt");
            assertTrue(role.isArray(), e.getKey() + " must use a role defined in this stack");
            roleOf.put(e.getKey(), role.get(0).asText());
        }
        assertEquals(roleOf.size(), new TreeSet<>(roleOf.values()).size(), "roles shared between functions: " + roleOf);
        for (String roleId : roleOf.values()) {
            String name = resources.path(roleId).path("Properties").path("RoleName").asText("");
            assertTrue(name.length() <= 64, roleId + " RoleName longer than IAM's 64 characters: " + name);
        }

        List<String> problems = new ArrayList<>();
        for (String type : List.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            for (Map.Entry<String, JsonNode> e : ofType(type).entrySet()) {
                for (JsonNode st : allStatements(e.getValue().path("Properties"))) {
                    if (!"Allow".equals(st.path("Effect").asText())) {
                        continue;
                    }
                    List<String> actions = strings(st.path("Action"));
                    List<String> resourceList = new ArrayList<>();
                    st.path("Resource").forEach(r -> resourceList.add(r.toString()));
                    if (st.path("Resource").isTextual() || st.path("Resource").isObject()) {
                        resourceList.add(st.path("Resource").toString());
                    }
                    for (String action : actions) {
                        String a = action.toLowerCase();
                        if (a.equals("*") || a.startsWith("s3:") && a.contains("*")
                                || a.startsWith("ssm:") && a.contains("*") || a.startsWith("kms:") && a.contains("*")
                                || a.startsWith("ses:") && a.contains("*")
                                || a.startsWith("iam:")) {
                            problems.add(e.getKey() + " allows " + action);
                        }
                        boolean sensitive = a.startsWith("s3:") || a.startsWith("ssm:") || a.startsWith("logs:")
                                || a.startsWith("ses:");
                        if (sensitive && (resourceList.isEmpty() || resourceList.contains("\"*\""))) {
                            problems.add(e.getKey() + " allows " + action + " on Resource *");
                        }
                        if (a.equals("kms:decrypt") && !st.path("Condition").toString().contains("kms:ViaService")) {
                            problems.add(e.getKey() + " allows kms:Decrypt without a kms:ViaService condition");
                        }
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    @DisplayName("the library sweeper runs hourly on an EventBridge schedule and may be invoked by it")
    void sweeperIsScheduled() {
        List<JsonNode> rules = ofType("AWS::Events::Rule").values().stream()
                .filter(r -> r.path("Properties").path("Targets").toString().contains("SweepUploadsLambdaFunction"))
                .toList();
        assertEquals(1, rules.size(), "one schedule targets the sweeper: " + ofType("AWS::Events::Rule").keySet());
        JsonNode rule = rules.get(0).path("Properties");
        assertEquals("rate(1 hour)", rule.path("ScheduleExpression").asText());
        assertEquals("ENABLED", rule.path("State").asText("ENABLED"));
        assertTrue(ofType("AWS::Lambda::Permission").values().stream().anyMatch(p ->
                        p.path("Properties").path("FunctionName").toString().contains("SweepUploadsLambdaFunction")
                                && "events.amazonaws.com".equals(p.path("Properties").path("Principal").asText())),
                "EventBridge may invoke the sweeper");
    }

    @Test
    @DisplayName("IAM: only the file functions can touch the media bucket; the authorizer only reads sessions")
    void bucketAccessPerFunction() {
        Map<String, JsonNode> functions = ofType("AWS::Lambda::Function");
        for (Map.Entry<String, JsonNode> e : functions.entrySet()) {
            String roleId = e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            String policies = resources.path(roleId).path("Properties").path("Policies").toString()
                    + resources.path(roleId).path("Properties").path("ManagedPolicyArns").toString();
            boolean media = policies.contains("MediaBucket");
            assertEquals(MEDIA_FUNCTIONS.contains(e.getKey()), media, e.getKey() + " access to MediaBucket");
            if (e.getKey().equals("AuthValidatorLambdaFunction")) {
                // Whether the token's session is live: GetObject on sessions/ only (ListBucket for 404s).
                List<String> s3Actions = new ArrayList<>();
                for (JsonNode st : allStatements(resources.path(roleId).path("Properties"))) {
                    for (String action : strings(st.path("Action"))) {
                        if (action.startsWith("s3:")) {
                            s3Actions.add(action + " " + st.path("Resource"));
                        }
                    }
                }
                assertEquals(2, s3Actions.size(), "authorizer S3 access: " + s3Actions);
                assertTrue(s3Actions.stream().anyMatch(a -> a.startsWith("s3:GetObject") && a.contains("/sessions/*")),
                        s3Actions.toString());
                assertTrue(s3Actions.stream().anyMatch(a -> a.startsWith("s3:ListBucket")), s3Actions.toString());
            }
            assertFalse(resources.path(roleId).path("Properties").has("ManagedPolicyArns"),
                    roleId + ": use inline least-privilege policies, not managed policies");
        }
    }

    // ---- media pipeline -------------------------------------------------------------------

    @Test
    @DisplayName("media queue: dead-letter queue after 3 receives, visibility >= 6x processMedia's timeout, retention")
    void mediaQueueAndDeadLetterQueue() {
        Map<String, JsonNode> queues = ofType("AWS::SQS::Queue");
        assertEquals(Set.of("MediaQueue", "MediaDeadLetterQueue"), queues.keySet());
        JsonNode queue = queues.get("MediaQueue").path("Properties");
        JsonNode redrive = queue.path("RedrivePolicy");
        assertEquals("MediaDeadLetterQueue", redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText());
        assertEquals("Arn", redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(1).asText());
        assertEquals(3, redrive.path("maxReceiveCount").asInt());
        int timeout = function("ProcessMediaLambdaFunction").path("Timeout").asInt();
        assertTrue(timeout >= 60, "processMedia timeout " + timeout);
        assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * timeout,
                "VisibilityTimeout " + queue.path("VisibilityTimeout") + " < 6 x " + timeout);
        assertTrue(queue.path("MessageRetentionPeriod").asInt() > 0);
        assertEquals(1_209_600, queues.get("MediaDeadLetterQueue").path("Properties").path("MessageRetentionPeriod").asInt(),
                "the DLQ keeps messages the maximum 14 days");
        for (JsonNode q : queues.values()) {
            assertTrue(q.path("Properties").path("SqsManagedSseEnabled").asBoolean(), "queues encrypted at rest");
        }
    }

    @Test
    @DisplayName("queue policy: only S3, only SendMessage, only from this stage's media bucket in this account")
    void mediaQueuePolicy() {
        Map<String, JsonNode> policies = ofType("AWS::SQS::QueuePolicy");
        assertEquals(1, policies.size(), policies.keySet().toString());
        JsonNode props = policies.values().iterator().next().path("Properties");
        assertEquals("MediaQueue", props.path("Queues").path(0).path("Ref").asText());
        List<JsonNode> st = statements(props.path("PolicyDocument"));
        assertEquals(1, st.size());
        JsonNode s = st.get(0);
        assertEquals("Allow", s.path("Effect").asText());
        assertEquals("s3.amazonaws.com", s.path("Principal").path("Service").asText());
        assertEquals(List.of("sqs:SendMessage"), strings(s.path("Action")));
        assertEquals("MediaQueue", s.path("Resource").path("Fn::GetAtt").path(0).asText());
        String sourceArn = s.path("Condition").path("ArnLike").path("aws:SourceArn").path("Fn::Sub").asText();
        assertEquals("arn:${AWS::Partition}:s3:::audmg-drive-" + STAGE + "-mediabucket-*", sourceArn,
                "CloudFormation names the media bucket <stack>-mediabucket-<random>");
        assertEquals("AWS::AccountId", s.path("Condition").path("StringEquals").path("aws:SourceAccount").path("Ref").asText());
    }

    @Test
    @DisplayName("the media bucket notifies the queue of every new object; the derived bucket notifies nothing")
    void notificationConfiguration() {
        JsonNode media = resources.path("MediaBucket");
        JsonNode configs = media.path("Properties").path("NotificationConfiguration").path("QueueConfigurations");
        assertEquals(1, configs.size(), configs.toString());
        assertEquals("s3:ObjectCreated:*", configs.path(0).path("Event").asText());
        assertEquals("MediaQueue", configs.path(0).path("Queue").path("Fn::GetAtt").path(0).asText());
        assertTrue(media.path("DependsOn").toString().contains("MediaQueuePolicy"),
                "the bucket's notification needs the queue policy first: " + media.path("DependsOn"));
        for (Map.Entry<String, JsonNode> e : ofType("AWS::S3::Bucket").entrySet()) {
            if (!e.getKey().equals("MediaBucket")) {
                assertTrue(e.getValue().path("Properties").path("NotificationConfiguration").isMissingNode(),
                        e.getKey() + " must not notify (derived objects never trigger processing)");
            }
        }
    }

    @Test
    @DisplayName("processMedia consumes the queue with partial batch responses, from its own artifact")
    void processMediaEventSource() {
        List<JsonNode> mappings = ofType("AWS::Lambda::EventSourceMapping").values().stream().toList();
        assertEquals(1, mappings.size());
        JsonNode m = mappings.get(0).path("Properties");
        assertEquals("MediaQueue", m.path("EventSourceArn").path("Fn::GetAtt").path(0).asText());
        assertEquals("ProcessMediaLambdaFunction", m.path("FunctionName").path("Fn::GetAtt").path(0).asText());
        assertEquals(List.of("ReportBatchItemFailures"), strings(m.path("FunctionResponseTypes")));
        int batch = m.path("BatchSize").asInt();
        assertTrue(batch >= 1 && batch <= 10, "batch size " + batch);
        JsonNode fn = function("ProcessMediaLambdaFunction");
        assertEquals("com.audmg.drive.media.ProcessMediaHandler::handleRequest", fn.path("Handler").asText());
        assertTrue(fn.path("Code").path("S3Key").asText().endsWith("/audmg-media.jar"));
        assertEquals("MediaEventsTopic", fn.path("Environment").path("Variables").path("MEDIA_EVENTS_TOPIC").path("Ref").asText());
    }

    @Test
    @DisplayName("SNS: one events topic; only completeUpload, processMedia and backfillMedia publish, only to it")
    void mediaEventsTopic() {
        Map<String, JsonNode> topics = ofType("AWS::SNS::Topic");
        assertEquals(Set.of("MediaEventsTopic"), topics.keySet());
        assertEquals("MediaEventsTopic", function("CompleteUploadLambdaFunction").path("Environment").path("Variables")
                .path("MEDIA_EVENTS_TOPIC").path("Ref").asText());
        Set<String> publishers = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : ofType("AWS::IAM::Role").entrySet()) {
            for (JsonNode st : allStatements(e.getValue().path("Properties"))) {
                for (String action : strings(st.path("Action"))) {
                    if (action.startsWith("sns:")) {
                        assertEquals("sns:Publish", action, e.getKey());
                        assertEquals("MediaEventsTopic", st.path("Resource").path("Ref").asText(), e.getKey() + " publishes to");
                        publishers.add(e.getKey());
                    }
                }
            }
        }
        assertEquals(Set.of("CompleteUploadRole", "ProcessMediaRole", "BackfillMediaRole"), publishers);
        // The mediaEvents function is subscribed to it (SNS may invoke it).
        assertTrue(ofType("AWS::SNS::Subscription").values().stream().anyMatch(sub ->
                        "MediaEventsTopic".equals(sub.path("Properties").path("TopicArn").path("Ref").asText())
                                && "lambda".equals(sub.path("Properties").path("Protocol").asText())
                                && sub.path("Properties").path("Endpoint").toString().contains("MediaEventsLambdaFunction")),
                "mediaEvents subscribes to the topic: " + ofType("AWS::SNS::Subscription").keySet());
        assertTrue(ofType("AWS::Lambda::Permission").values().stream().anyMatch(p ->
                        p.path("Properties").path("FunctionName").toString().contains("MediaEventsLambdaFunction")
                                && "sns.amazonaws.com".equals(p.path("Properties").path("Principal").asText())),
                "SNS may invoke mediaEvents");
    }

    @Test
    @DisplayName("IAM: processMedia reads originals only, writes derived objects, polls only its queue")
    void processMediaRole() {
        List<String> s3 = new ArrayList<>();
        List<String> sqs = new ArrayList<>();
        for (JsonNode st : allStatements(resources.path("ProcessMediaRole").path("Properties"))) {
            for (String action : strings(st.path("Action"))) {
                if (action.startsWith("s3:")) {
                    s3.add(action + " " + st.path("Resource"));
                }
                if (action.startsWith("sqs:")) {
                    sqs.add(action);
                    assertEquals("MediaQueue", st.path("Resource").path("Fn::GetAtt").path(0).asText());
                }
            }
        }
        assertTrue(sqs.containsAll(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")), sqs.toString());
        List<String> onMedia = s3.stream().filter(a -> a.contains("MediaBucket")).toList();
        assertTrue(onMedia.stream().allMatch(a -> a.startsWith("s3:GetObject") || a.startsWith("s3:ListBucket")),
                "processMedia never writes or deletes originals: " + onMedia);
        assertTrue(s3.stream().anyMatch(a -> a.startsWith("s3:PutObject") && a.contains("DerivedBucket.Arn}/*")), s3.toString());
        // Every other role may only read (sign) or delete derived objects, never write them.
        for (Map.Entry<String, JsonNode> e : ofType("AWS::IAM::Role").entrySet()) {
            if (e.getKey().equals("ProcessMediaRole") || e.getKey().equals("BackfillMediaRole")) {
                continue;
            }
            for (JsonNode st : allStatements(e.getValue().path("Properties"))) {
                if (st.path("Resource").toString().contains("DerivedBucket")) {
                    for (String action : strings(st.path("Action"))) {
                        assertTrue(Set.of("s3:GetObject", "s3:DeleteObject", "s3:ListBucket").contains(action),
                                e.getKey() + " " + action + " on derived objects");
                    }
                }
                for (String action : strings(st.path("Action"))) {
                    assertFalse(action.startsWith("sqs:"), e.getKey() + " " + action);
                }
            }
        }
    }

    private JsonNode function(String logicalId) {
        return resources.path(logicalId).path("Properties");
    }

    @Test
    @DisplayName("IAM/SES: only sign-up and the account function send mail, only ses:SendEmail, only as the configured identity")
    void mailPermissions() {
        String identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/audmg.example";
        for (Map.Entry<String, JsonNode> e : ofType("AWS::Lambda::Function").entrySet()) {
            String roleId = e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            List<String> sesGrants = new ArrayList<>();
            for (JsonNode st : allStatements(resources.path(roleId).path("Properties"))) {
                for (String action : strings(st.path("Action"))) {
                    if (action.toLowerCase().startsWith("ses:") || action.toLowerCase().startsWith("sesv2:")) {
                        sesGrants.add(action + " " + st.path("Resource"));
                    }
                }
            }
            if (MAIL_FUNCTIONS.contains(e.getKey())) {
                assertEquals(List.of("ses:SendEmail {\"Fn::Sub\":\"" + identity + "\"}"), sesGrants,
                        e.getKey());
            } else {
                assertEquals(List.of(), sesGrants, e.getKey() + " must not send mail");
            }
            JsonNode env = e.getValue().path("Properties").path("Environment").path("Variables");
            assertEquals("Audmg Drive <no-reply@audmg.example>", env.path("MAIL_FROM").asText(), e.getKey());
        }
    }

    /** The API functions that open libraries may start sweepUploads (the migration hand-off), and nothing else may invoke. */
    private static final Set<String> MIGRATION_HANDING_FUNCTIONS = Set.of("MeLambdaFunction",
            "ListFilesLambdaFunction", "CreateUploadLambdaFunction", "CompleteUploadLambdaFunction",
            "GetFileLambdaFunction", "DeleteFileLambdaFunction", "UpdateFileLambdaFunction");

    @Test
    @DisplayName("invoke permissions: only the library routes, only sweepUploads of this stage, asynchronously")
    void migrationHandOffPermissions() {
        String sweeper = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:audmg-drive-ci-sweepUploads";
        for (Map.Entry<String, JsonNode> e : ofType("AWS::Lambda::Function").entrySet()) {
            String roleId = e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            List<String> lambdaGrants = new ArrayList<>();
            for (JsonNode st : allStatements(resources.path(roleId).path("Properties"))) {
                for (String action : strings(st.path("Action"))) {
                    if (action.toLowerCase().startsWith("lambda:")) {
                        lambdaGrants.add(action + " " + st.path("Resource"));
                    }
                }
            }
            if (MIGRATION_HANDING_FUNCTIONS.contains(e.getKey())) {
                assertEquals(List.of("lambda:InvokeFunction {\"Fn::Sub\":\"" + sweeper + "\"}"), lambdaGrants, e.getKey());
            } else {
                assertEquals(List.of(), lambdaGrants, e.getKey() + " must not invoke functions");
            }
            JsonNode env = e.getValue().path("Properties").path("Environment").path("Variables");
            assertEquals("audmg-drive-ci-sweepUploads", env.path("LIBRARY_MIGRATOR").asText(), e.getKey());
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> found = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        }
        return found;
    }

    private static List<JsonNode> lifecycle(JsonNode bucketProps) {
        List<JsonNode> rules = new ArrayList<>();
        bucketProps.path("LifecycleConfiguration").path("Rules").forEach(rules::add);
        return rules;
    }

    private static List<JsonNode> statements(JsonNode document) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode st = document.path("Statement");
        if (st.isArray()) {
            st.forEach(out::add);
        } else if (st.isObject()) {
            out.add(st);
        }
        return out;
    }

    /** Statements of a role's inline policies or of a policy resource. */
    private static List<JsonNode> allStatements(JsonNode props) {
        List<JsonNode> out = new ArrayList<>(statements(props.path("PolicyDocument")));
        props.path("Policies").forEach(p -> out.addAll(statements(p.path("PolicyDocument"))));
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
