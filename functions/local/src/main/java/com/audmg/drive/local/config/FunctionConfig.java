package com.audmg.drive.local.config;

import java.util.Map;

/**
 * One function of serverless.yml with provider defaults applied.
 *
 * @param name the key under {@code functions}
 * @param handler {@code com.example.Handler::method} (method optional)
 * @param timeoutSeconds the Lambda timeout
 * @param memorySizeMb the Lambda memory size
 * @param environment provider and function environment merged, fully resolved
 * @param deployedName the name Lambda knows it by: {@code functions.<name>.name}, else the Serverless
 *     Framework's default {@code <service>-<stage>-<name>} (Context, {@code AWS_LAMBDA_FUNCTION_NAME}, ARN)
 * @param runtime the Lambda runtime ({@code functions.<name>.runtime}, else {@code provider.runtime}), e.g.
 *     {@code java25}; null when serverless.yml names none
 * @param artifact the function's own {@code package.artifact} (resolved against serverless.yml's folder), or
 *     null: the service's
 */
public record FunctionConfig(String name, String handler, int timeoutSeconds, int memorySizeMb,
                             Map<String, String> environment, String deployedName, String runtime,
                             java.nio.file.Path artifact) {

    /** A function packaged in the service's artifact. */
    public FunctionConfig(String name, String handler, int timeoutSeconds, int memorySizeMb,
                          Map<String, String> environment, String deployedName, String runtime) {
        this(name, handler, timeoutSeconds, memorySizeMb, environment, deployedName, runtime, null);
    }

    /** A function deployed under its own key, on no particular runtime (tests). */
    public FunctionConfig(String name, String handler, int timeoutSeconds, int memorySizeMb,
                          Map<String, String> environment) {
        this(name, handler, timeoutSeconds, memorySizeMb, environment, name, null, null);
    }

    public String handlerClass() {
        int i = handler.indexOf("::");
        return i < 0 ? handler : handler.substring(0, i);
    }

    public String handlerMethod() {
        int i = handler.indexOf("::");
        return i < 0 ? "handleRequest" : handler.substring(i + 2);
    }
}
