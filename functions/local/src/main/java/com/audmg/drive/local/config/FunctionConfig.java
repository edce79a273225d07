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
 */
public record FunctionConfig(String name, String handler, int timeoutSeconds, int memorySizeMb,
                             Map<String, String> environment) {

    public String handlerClass() {
        int i = handler.indexOf("::");
        return i < 0 ? handler : handler.substring(0, i);
    }

    public String handlerMethod() {
        int i = handler.indexOf("::");
        return i < 0 ? "handleRequest" : handler.substring(i + 2);
    }
}
