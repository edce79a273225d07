package com.audmg.drive.local.lambda;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.audmg.drive.local.config.Schedule;
import com.audmg.drive.local.config.ServerlessConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs the {@code schedule} events of serverless.yml as EventBridge does: a rate rule invokes
 * its function once per period, the first time one period after the rule exists (here: after
 * start), with a "Scheduled Event" (or the rule's fixed {@code input}). Cron rules and
 * disabled rules are listed at start and not run.
 */
public final class ScheduledEvents implements AutoCloseable {

    /** Invokes a function; {@link LambdaRuntime#invoke} in the local cloud. */
    @FunctionalInterface
    public interface Invoker {
        InvocationResult invoke(String function, byte[] event, Duration maxWait) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerlessConfig config;
    private final Invoker invoker;
    private final PrintStream console;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "schedule-events");
        t.setDaemon(true);
        return t;
    });

    public ScheduledEvents(ServerlessConfig config, Invoker invoker, PrintStream console) {
        this.config = config;
        this.invoker = invoker;
        this.console = console;
    }

    /** Arms every enabled rate rule; returns what it armed. */
    public List<Schedule> start() {
        List<Schedule> armed = config.schedules().stream()
                .filter(s -> s.enabled() && s.rate().isPresent()).toList();
        for (Schedule schedule : config.schedules()) {
            if (!armed.contains(schedule)) {
                say(schedule.function() + ": " + schedule.expression() + " is not run locally ("
                        + (schedule.enabled() ? "cron expressions are not supported" : "disabled") + ")");
            }
        }
        for (Schedule schedule : armed) {
            long period = schedule.rate().orElseThrow().toMillis();
            timer.scheduleAtFixedRate(() -> fire(schedule), period, period, TimeUnit.MILLISECONDS);
        }
        return armed;
    }

    /** Invokes the schedule's function once now, as the rule would. */
    public InvocationResult fire(Schedule schedule) {
        Duration timeout = config.function(schedule.function())
                .map(f -> Duration.ofSeconds(f.timeoutSeconds() + 5L)).orElse(Duration.ofMinutes(1));
        try {
            InvocationResult result = invoker.invoke(schedule.function(), event(schedule, Instant.now()), timeout);
            say(schedule.function() + ": " + schedule.expression() + " -> " + result.outcome()
                    + (result.isSuccess() ? " " + new String(result.payload(), StandardCharsets.UTF_8) : ""));
            return result;
        } catch (Exception e) {
            // A timer thread must not die: the next period tries again, as EventBridge would.
            say(schedule.function() + ": " + schedule.expression() + " -> failed: " + e);
            return InvocationResult.error("{\"errorMessage\":" + JSON.valueToTree(String.valueOf(e)) + "}");
        }
    }

    /** EventBridge's "Scheduled Event" for this rule, or the rule's fixed input. */
    byte[] event(Schedule schedule, Instant time) {
        if (schedule.input().isPresent()) {
            return schedule.input().get().getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", config.accountId());
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", config.region());
        event.putArray("resources").add("arn:aws:events:" + config.region() + ":" + config.accountId()
                + ":rule/" + schedule.ruleName());
        event.putObject("detail");
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void say(String line) {
        if (console != null) {
            console.println("[schedule] " + line);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
