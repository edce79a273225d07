package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.config.FunctionConfig;
import com.audmg.drive.local.config.Schedule;
import com.audmg.drive.local.config.ServerlessConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The schedule runner's own behaviour: which rules it arms, the event it sends, that a failing
 * invocation does not stop it. The invoker is a recorder here; the real path (a worker JVM
 * running the project's sweeper) is in RealProjectTest.
 */
class ScheduledEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ServerlessConfig config(List<Schedule> schedules) {
        Map<String, FunctionConfig> functions = Map.of("tick", new FunctionConfig("tick", "a.B", 3, 128, Map.of()));
        return new ServerlessConfig("svc", "dev", "eu-west-1", "000000000000", Path.of("x.jar"), functions,
                List.of(), Map.of(), null, schedules);
    }

    @Test
    void start_shouldInvokeEnabledRateRulesEachPeriod_withAScheduledEvent() throws Exception {
        Schedule fast = new Schedule("tick", "svc-dev-tick-rule-1", "rate(1 minute)",
                Optional.of(Duration.ofMillis(50)), true, Optional.empty());
        Schedule cron = new Schedule("tick", "svc-dev-tick-rule-2", "cron(0 12 * * ? *)", Optional.empty(), true,
                Optional.empty());
        Schedule off = new Schedule("tick", "svc-dev-tick-rule-3", "rate(1 minute)",
                Optional.of(Duration.ofMillis(50)), false, Optional.empty());
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        // the first invocation fails: the rule keeps firing
        try (ScheduledEvents runner = new ScheduledEvents(config(List.of(fast, cron, off)), (fn, event, wait) -> {
            events.add(fn + " " + new String(event, StandardCharsets.UTF_8));
            twice.countDown();
            if (events.size() == 1) {
                throw new IllegalStateException("worker crashed");
            }
            return InvocationResult.success("{}".getBytes(StandardCharsets.UTF_8));
        }, new PrintStream(console, true, StandardCharsets.UTF_8))) {

            assertEquals(List.of(fast), runner.start());
            assertTrue(twice.await(30, TimeUnit.SECONDS), "fired twice: " + events);
        }

        JsonNode event = JSON.readTree(events.get(0).substring("tick ".length()));
        assertEquals("Scheduled Event", event.get("detail-type").asText());
        assertEquals("aws.events", event.get("source").asText());
        assertEquals("arn:aws:events:eu-west-1:000000000000:rule/svc-dev-tick-rule-1",
                event.get("resources").get(0).asText());
        assertTrue(event.get("detail").isObject() && event.get("detail").isEmpty());
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("cron(0 12 * * ? *) is not run locally") && log.contains("failed"), log);
    }

    @Test
    void fire_shouldSendTheRulesFixedInput_whenItHasOne() throws Exception {
        Schedule withInput = new Schedule("tick", "r", "rate(1 day)", Optional.of(Duration.ofDays(1)), true,
                Optional.of("{\"mode\":\"full\"}"));
        List<String> events = new CopyOnWriteArrayList<>();
        try (ScheduledEvents runner = new ScheduledEvents(config(List.of(withInput)), (fn, event, wait) -> {
            events.add(new String(event, StandardCharsets.UTF_8));
            assertEquals(Duration.ofSeconds(8), wait, "the function's timeout and a margin");
            return InvocationResult.success("{}".getBytes(StandardCharsets.UTF_8));
        }, null)) {

            assertTrue(runner.fire(withInput).isSuccess());
        }

        assertEquals(List.of("{\"mode\":\"full\"}"), events);
        assertFalse(events.get(0).contains("Scheduled Event"));
    }
}
