package com.audmg.drive.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

/**
 * Run in a fresh JVM on the processMedia artifact (as docs/PERFORMANCE.md's handler cold starts):
 * constructs the handler reflectively and serves one SQS event, whose message body is read from the
 * file named by the first argument ({@code hello}: a bare handler instead, with an empty body); prints
 * {@code COLD <ms> <failures> <construct ms>}.
 */
public final class ColdStartRunner {

    private ColdStartRunner() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        if (args[0].equals("construct")) {
            // Construction only, of any handler class: compares processMedia's start with the API functions'.
            Class.forName(args[1]).getConstructor().newInstance();
            System.out.println("CONSTRUCT " + (System.nanoTime() - start) / 1_000_000);
            return;
        }
        boolean hello = args[0].equals("hello");
        String body = hello ? "{}" : Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        // "hello": a bare handler of the same event, same JVM and classpath (the baseline of the ratio).
        RequestHandler<SQSEvent, SQSBatchResponse> handler = hello ? (e, c) -> new SQSBatchResponse(List.of())
                : (RequestHandler<SQSEvent, SQSBatchResponse>)
                        Class.forName("com.audmg.drive.media.ProcessMediaHandler").getConstructor().newInstance();
        long constructed = System.nanoTime();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("cold-start");
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        SQSBatchResponse response = handler.handleRequest(event, null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("COLD " + ms + " " + response.getBatchItemFailures().size() + " "
                + (constructed - start) / 1_000_000);
    }

}
