package com.audmg.drive.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IAM policies for the REST TOKEN authorizer. The Allow covers every method of the stage
 * ({@code arn:...:apiId/stage/*&#47;*}): API Gateway caches the policy per token, and a
 * policy for the first route only would wrongly deny the user's next route.
 */
public final class Policies {

    private Policies() {
    }

    /** {@code arn:aws:execute-api:region:account:apiId/stage/METHOD/path} to {@code .../apiId/stage/*&#47;*}. */
    public static String stageWildcard(String methodArn) {
        if (methodArn == null) {
            throw new IllegalArgumentException("methodArn missing");
        }
        String[] arnParts = methodArn.split(":", 6);
        if (arnParts.length != 6 || !arnParts[2].equals("execute-api")) {
            throw new IllegalArgumentException("not an execute-api ARN");
        }
        String[] pathParts = arnParts[5].split("/", 3);
        if (pathParts.length < 2 || pathParts[0].isEmpty() || pathParts[1].isEmpty()) {
            throw new IllegalArgumentException("ARN has no api id and stage");
        }
        return String.join(":", arnParts[0], arnParts[1], arnParts[2], arnParts[3], arnParts[4],
                pathParts[0] + "/" + pathParts[1] + "/*/*");
    }

    public static Map<String, Object> allow(String principalId, String resource, Map<String, Object> context) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Action", "execute-api:Invoke");
        statement.put("Effect", "Allow");
        statement.put("Resource", List.of(resource));
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Statement", List.of(statement));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("principalId", principalId);
        response.put("policyDocument", policy);
        response.put("context", context);
        return response;
    }
}
