package com.audmg.drive.cloudtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LocalStack stage packages offline too (serverless-localstack active, no LocalStack
 * needed for `package`) and agrees with docker-compose.yml and the init hook on the stage,
 * region and secret name, and gives the desktop a URL that works from the host.
 */
@DisplayName("serverless package --stage local (LocalStack)")
class LocalStageTemplateTest {

    @Test
    @DisplayName("local stage: plugin active, us-east-1, the init hook's secret name, LocalStack ApiUrl")
    void localStage(@TempDir Path tmp) throws Exception {
        String skip = ServerlessPackage.unavailableReason();
        assumeTrue(skip == null, skip);
        ServerlessPackage pkg = ServerlessPackage.run("local", tmp.resolve("package-local"));

        assertTrue(pkg.output.contains("serverless-localstack"), "serverless-localstack must be active:\n" + pkg.output);
        assertEquals("us-east-1", pkg.state.path("service").path("provider").path("region").asText(),
                "the local stage's region must be the one the init hook writes the secret to");
        String url = pkg.template.path("Outputs").path("ApiUrl").path("Value").toString();
        assertTrue(url.contains("http://localhost:4566/_aws/execute-api/${ApiGatewayRestApi}/local"), url);
        pkg.resources().fields().forEachRemaining(e -> {
            if ("AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                assertEquals("/audmg-drive/local/token-secret", e.getValue().path("Properties").path("Environment")
                        .path("Variables").path("TOKEN_SECRET_PARAMETER").asText(), e.getKey());
            }
        });

        String hook = Files.readString(pkg.repoRoot.resolve("localstack/init/ready.d/10-token-secret.sh"),
                StandardCharsets.UTF_8);
        assertTrue(hook.contains("${AUDMG_STAGE:-local}") && hook.contains("${AUDMG_REGION:-us-east-1}")
                && hook.contains("/audmg-drive/${STAGE}/token-secret") && hook.contains("SecureString"), hook);
        assertTrue(Files.isExecutable(pkg.repoRoot.resolve("localstack/init/ready.d/10-token-secret.sh"))
                        || System.getProperty("os.name", "").toLowerCase().contains("win"),
                "LocalStack only runs executable init hooks");
        String compose = Files.readString(pkg.repoRoot.resolve("docker-compose.yml"), StandardCharsets.UTF_8);
        assertTrue(compose.contains("image: localstack/localstack:4.14.0"), "LocalStack pinned to 4.14.0");
        assertTrue(compose.contains("S3_SKIP_SIGNATURE_VALIDATION: \"0\""), "presigned URLs checked");
        assertTrue(compose.contains("/var/run/docker.sock:/var/run/docker.sock"), "Docker socket for Lambda");
        assertTrue(compose.contains("./localstack/init/ready.d:/etc/localstack/init/ready.d"), "init hooks mounted");
    }
}
