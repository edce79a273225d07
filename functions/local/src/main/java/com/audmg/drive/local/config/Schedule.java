package com.audmg.drive.local.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@code schedule} event of a function: an EventBridge rule that invokes it periodically.
 *
 * @param function the function it invokes
 * @param ruleName the rule's name, as the ARN in the event names it
 * @param expression {@code rate(...)} or {@code cron(...)}, as written
 * @param rate the period of a rate expression; empty for cron (not run locally)
 * @param enabled false when the event says {@code enabled: false}
 * @param input the fixed JSON the target receives instead of the event ({@code input:}), if any
 */
public record Schedule(String function, String ruleName, String expression, Optional<Duration> rate,
                       boolean enabled, Optional<String> input) {
}
