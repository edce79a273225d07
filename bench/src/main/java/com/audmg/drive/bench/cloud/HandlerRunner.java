package com.audmg.drive.bench.cloud;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM on {@code <functions artifact>:<folder with this class only>}: constructs one handler
 * reflectively and serves it one event, or times bcrypt verifications. Uses the JDK and reflection only, so
 * nothing of the local cloud leaks onto the handler's classpath. Prints {@code CPU_MS <ms>} (where it can) and
 * {@code COLD_MS <ms> <result>}.
 */
public final class HandlerRunner {
    /** The local cloud's stand-in for jdk.crac, copied beside this class for training runs. */
    static final String CRAC_CORE = "com.audmg.drive.local.lambda.bootstrap.crac.Core";

    private HandlerRunner() {
    }

    /**
     * {@code proxy <handlerClass> <method> <path> <resource> <id|-> <authorization|-> <body|->},
     * {@code authorizer <handlerClass> <token> <methodArn>}, {@code scheduled <handlerClass> <ruleArn>},
     * {@code user <handlerClass> <userId>}, {@code train <handlerClass>} (an AOT training run), {@code sqs <handlerClass> <queueArn> <body>}, {@code sns <handlerClass> <topicArn> <message>},
     * or {@code bcrypt <cost> <n>}.
     */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        if (args[0].equals("bcrypt")) {
            bcrypt(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        Class<?> handlerClass = Class.forName(args[1]);
        Object handler = handlerClass.getConstructor().newInstance();
        Object event;
        if (args[0].equals("train")) {
            // An AOT training run as the local cloud makes one: the handler, then its SnapStart priming hooks
            // (org.crac, registered with the local cloud's stand-in named by -Dorg.crac.Core.Compat), no event.
            Object failures = Class.forName(CRAC_CORE).getMethod("beforeCheckpoint").invoke(null);
            System.out.println("COLD_MS " + (System.nanoTime() - t0) / 1_000_000 + " trained; hook failures "
                    + failures);
            System.out.flush();
            System.exit(0);
            return;
        }
        if (args[0].equals("proxy")) {
            Class<?> ev = Class.forName("com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
            event = ev.getConstructor().newInstance();
            ev.getMethod("setHttpMethod", String.class).invoke(event, args[2]);
            ev.getMethod("setPath", String.class).invoke(event, args[3]);
            ev.getMethod("setResource", String.class).invoke(event, args[4]);
            Map<String, String> headers = new HashMap<>();
            headers.put("Content-Type", "application/json");
            if (!args[6].equals("-")) {
                headers.put("Authorization", args[6]);
            }
            ev.getMethod("setHeaders", Map.class).invoke(event, headers);
            if (!args[5].equals("-")) {
                ev.getMethod("setPathParameters", Map.class).invoke(event, Map.of("id", args[5]));
            }
            if (!args[7].equals("-")) {
                ev.getMethod("setBody", String.class).invoke(event, args[7]);
            }
        } else if (args[0].equals("sqs")) {
            // One message as Lambda's SQS event source delivers it (first receive)
            Class<?> ev = Class.forName("com.amazonaws.services.lambda.runtime.events.SQSEvent");
            Class<?> msg = Class.forName("com.amazonaws.services.lambda.runtime.events.SQSEvent$SQSMessage");
            Object m = msg.getConstructor().newInstance();
            msg.getMethod("setMessageId", String.class).invoke(m, "00000000-0000-4000-8000-000000000001");
            msg.getMethod("setReceiptHandle", String.class).invoke(m, "bench-receipt");
            msg.getMethod("setBody", String.class).invoke(m, args[3]);
            msg.getMethod("setAttributes", Map.class).invoke(m, Map.of("ApproximateReceiveCount", "1"));
            msg.getMethod("setEventSource", String.class).invoke(m, "aws:sqs");
            msg.getMethod("setEventSourceArn", String.class).invoke(m, args[2]);
            event = ev.getConstructor().newInstance();
            ev.getMethod("setRecords", List.class).invoke(event, List.of(m));
        } else if (args[0].equals("sns")) {
            // One notification as SNS invokes a subscribed function
            Class<?> ev = Class.forName("com.amazonaws.services.lambda.runtime.events.SNSEvent");
            Class<?> rec = Class.forName("com.amazonaws.services.lambda.runtime.events.SNSEvent$SNSRecord");
            Class<?> sns = Class.forName("com.amazonaws.services.lambda.runtime.events.SNSEvent$SNS");
            Object n = sns.getConstructor().newInstance();
            sns.getMethod("setMessageId", String.class).invoke(n, "00000000-0000-4000-8000-000000000002");
            sns.getMethod("setTopicArn", String.class).invoke(n, args[2]);
            sns.getMethod("setMessage", String.class).invoke(n, args[3]);
            sns.getMethod("setType", String.class).invoke(n, "Notification");
            Object r = rec.getConstructor().newInstance();
            rec.getMethod("setSns", sns).invoke(r, n);
            rec.getMethod("setEventSource", String.class).invoke(r, "aws:sns");
            event = ev.getConstructor().newInstance();
            ev.getMethod("setRecords", List.class).invoke(event, List.of(r));
        } else if (args[0].equals("user")) {
            // {"userId": ...}: a by-hand run limited to one library
            event = Map.of("userId", args[2]);
        } else if (args[0].equals("scheduled")) {
            // EventBridge's "Scheduled Event", as the JSON the runtime would turn into a Map
            Map<String, Object> scheduled = new HashMap<>();
            scheduled.put("version", "0");
            scheduled.put("detail-type", "Scheduled Event");
            scheduled.put("source", "aws.events");
            scheduled.put("resources", List.of(args[2]));
            scheduled.put("detail", Map.of());
            event = scheduled;
        } else {
            Class<?> ev = Class.forName("com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent");
            event = ev.getConstructor().newInstance();
            ev.getMethod("setType", String.class).invoke(event, "TOKEN");
            ev.getMethod("setAuthorizationToken", String.class).invoke(event, args[2]);
            ev.getMethod("setMethodArn", String.class).invoke(event, args[3]);
        }
        Method handle = null;
        for (Method m : handlerClass.getMethods()) {
            if (m.getName().equals("handleRequest") && m.getParameterCount() == 2
                    && m.getParameterTypes()[0].isInstance(event)) {
                handle = m;
            }
        }
        if (handle == null) {
            throw new IllegalStateException("no handleRequest(" + event.getClass().getSimpleName() + ", Context)");
        }
        Object result = handle.invoke(handler, event, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String summary = String.valueOf(result);
        try {
            if (result != null) {
                summary = "status=" + result.getClass().getMethod("getStatusCode").invoke(result);
            }
        } catch (NoSuchMethodException e) {
            summary = result instanceof Map<?, ?> m && m.containsKey("principalId") ? "policy for " + m.get("principalId")
                    : result instanceof Map<?, ?> m ? String.valueOf(m)
                    : result == null ? "null" : result.getClass().getSimpleName();
        }
        summary = summary.replace('\n', ' ');
        cpu();
        System.out.println("COLD_MS " + ms + " " + (summary.length() > 160 ? summary.substring(0, 160) + "..." : summary));
        System.out.flush();
        System.exit(0);
    }

    /**
     * Prints {@code CPU_MS <ms>}: the CPU time (user + system, all threads) this process has used so far, from
     * {@code /proc/self/stat} in ticks of 10 ms (Linux's USER_HZ). Load on the machine hardly changes it, unlike
     * the wall times. Nothing where there is no such file.
     */
    private static void cpu() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14, 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            System.out.println("CPU_MS " + (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the wall times only
        }
    }

    private static void bcrypt(int cost, int n) throws Exception {
        Class<?> b = Class.forName("at.favre.lib.crypto.bcrypt.BCrypt");
        Object hasher = b.getMethod("withDefaults").invoke(null);
        char[] password = "correct horse battery staple".toCharArray();
        String hash = (String) hasher.getClass().getMethod("hashToString", int.class, char[].class)
                .invoke(hasher, cost, password);
        Object verifyer = b.getMethod("verifyer").invoke(null);
        Method verify = verifyer.getClass().getMethod("verify", char[].class, char[].class);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n + 2; i++) {
            long t = System.nanoTime();
            Object r = verify.invoke(verifyer, password, hash.toCharArray());
            long us = (System.nanoTime() - t) / 1000;
            if (!r.getClass().getField("verified").getBoolean(r)) {
                throw new IllegalStateException("bcrypt did not verify");
            }
            if (i >= 2) {
                times.add(us);
            }
        }
        StringBuilder sb = new StringBuilder("BCRYPT_US");
        times.forEach(t -> sb.append(' ').append(t));
        System.out.println(sb);
        System.out.flush();
        System.exit(0);
    }
}
