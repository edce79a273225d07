package com.audmg.drive.local.cli;

import com.audmg.drive.local.LocalCloud;
import com.audmg.drive.local.LocalCloudException;
import com.audmg.drive.local.LocalCloudOptions;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar audmg-local-cloud.jar [scrub] --port 3000 --data-dir ./.drive-data ...} */
public final class Main {
    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar audmg-local-cloud.jar [options]",
            "       java -jar audmg-local-cloud.jar scrub [--data-dir DIR] [--repair]",
            "Runs a serverless.yml locally: API Gateway (REST v1) + Lambda workers + embedded S3, SQS and SNS.",
            "  --port N           gateway port on 127.0.0.1 (default 3000; 0 picks a free one)",
            "  --data-dir DIR     S3 objects, generated secrets and logs (default ./.drive-data)",
            "  --stage NAME       stage and URL prefix (default local)",
            "  --config FILE      serverless.yml (default ./serverless.yml)",
            "  --artifact JAR     handler jar (default: package.artifact of the serverless.yml)",
            "  --s3-endpoint URL  use this S3 instead of the embedded one",
            "  --prewarm          start every function worker right away",
            "  --lite             run every function in one shared worker JVM (less memory; needs one",
            "                     environment for all functions; the default is one JVM per function)",
            "  --sqs-retry-delay S  retry messages an sqs function failed on after S seconds instead of",
            "                     the queue's visibility timeout (default: as AWS)",
            "  --help             this text",
            "Prints 'READY <base-url>' once it serves requests; Ctrl-C stops it.",
            "scrub checks every library of the data folder against its stored bytes (the scrubLibraries",
            "function, run once) and prints the report; --repair also fixes what can be fixed safely.");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean scrub = args.length > 0 && args[0].equals("scrub");
        boolean repair = false;
        LocalCloudOptions.Builder options = LocalCloudOptions.builder().port(scrub ? 0 : 3000).console(scrub ? null : out);
        try {
            for (int i = scrub ? 1 : 0; i < args.length; i++) {
                String a = args[i];
                if (scrub && a.equals("--repair")) {
                    repair = true;
                    continue;
                }
                switch (a) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--port" -> options.port(parsePort(value(args, ++i, a)));
                    case "--data-dir" -> options.dataDir(Path.of(value(args, ++i, a)));
                    case "--stage" -> options.stage(value(args, ++i, a));
                    case "--config" -> options.config(Path.of(value(args, ++i, a)));
                    case "--artifact" -> options.artifact(Path.of(value(args, ++i, a)));
                    case "--s3-endpoint" -> options.s3Endpoint(URI.create(value(args, ++i, a)));
                    case "--prewarm" -> options.prewarm(true);
                    case "--lite" -> options.workerMode(com.audmg.drive.local.lambda.WorkerMode.SHARED);
                    case "--sqs-retry-delay" -> options.sqsRetryDelay(parseSeconds(value(args, ++i, a), a));
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        LocalCloud cloud;
        try {
            cloud = LocalCloud.start(options.build());
        } catch (LocalCloudException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        if (scrub) {
            return scrub(cloud, repair, out, err);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C, SIGTERM: stopped in order (the data folder closed cleanly), and said.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t0 = System.nanoTime();
            out.println("Stopping: the API, the functions' workers, then S3 (the data folder is closed cleanly)");
            out.flush();
            cloud.close();
            out.println("Stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            out.flush();
            stopped.countDown();
        }, "cli-shutdown"));
        // READY stays the first line: the desktop app and the tests parse it.
        out.println("READY " + cloud.baseUrl());
        cloud.startupSummary().forEach(out::println);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Runs the scrubLibraries function once on the started cloud and prints its report. */
    private static int scrub(LocalCloud cloud, boolean repair, PrintStream out, PrintStream err) {
        try (cloud) {
            err.println("scrub: checking every library" + (repair ? " and repairing" : "") + " ...");
            var result = cloud.invoke("scrubLibraries", ("{\"repair\":" + repair + "}").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), java.time.Duration.ofMinutes(16));
            String report = new String(result.payload(), java.nio.charset.StandardCharsets.UTF_8);
            if (!result.isSuccess()) {
                err.println("error: scrub failed: " + report);
                return 1;
            }
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(report)));
            return 0;
        } catch (Exception e) {
            err.println("error: scrub failed: " + e);
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static java.time.Duration parseSeconds(String s, String option) {
        try {
            int seconds = Integer.parseInt(s.trim());
            if (seconds >= 0 && seconds <= 43_200) {
                return java.time.Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException(option + " must be 0-43200 seconds, not '" + s + "'");
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be 0-65535, not '" + s + "'");
        }
    }
}
