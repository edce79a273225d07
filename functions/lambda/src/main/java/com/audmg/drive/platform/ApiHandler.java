package com.audmg.drive.platform;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

/**
 * Template for the API handlers: runs {@link #handle}, maps {@link ApiException} to its
 * response and anything unexpected to a 500 without details, and writes the one log line.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    protected abstract APIGatewayProxyResponseEvent handle(ApiRequest request);

    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        long start = System.nanoTime();
        StructuredLog.beginRequest();
        ApiRequest request = new ApiRequest(event);
        String function = functionName(context);
        String requestId = requestId(event, context);
        APIGatewayProxyResponseEvent response;
        String errorCode = null;
        try {
            response = handle(request);
        } catch (ApiException e) {
            errorCode = e.code();
            response = Responses.error(e);
        } catch (RuntimeException e) {
            StructuredLog.error(requestId, function, e);
            errorCode = "internal_error";
            response = Responses.error(new ApiException(500, "internal_error", "internal error"));
        }
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        StructuredLog.request(requestId, function, request.route(), request.userId(),
                response.getStatusCode(), latencyMs, errorCode);
        return response;
    }

    protected String functionName(Context context) {
        if (context != null && context.getFunctionName() != null) {
            return context.getFunctionName();
        }
        return getClass().getSimpleName();
    }

    private static String requestId(APIGatewayProxyRequestEvent event, Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            return context.getAwsRequestId();
        }
        if (event != null && event.getRequestContext() != null) {
            return event.getRequestContext().getRequestId();
        }
        return null;
    }
}
