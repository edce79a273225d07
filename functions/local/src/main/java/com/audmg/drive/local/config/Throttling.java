package com.audmg.drive.local.config;

/**
 * API Gateway's throttle of one method: a token bucket that holds {@code burst} requests and refills at
 * {@code ratePerSecond}, as the serverless-api-gateway-throttling plugin sets it from
 * {@code custom.apiGatewayThrottling} ({@code maxRequestsPerSecond}, {@code maxConcurrentRequests}) and
 * an http event's own {@code throttling} (each value falling back to the stage's).
 *
 * @param ratePerSecond steady requests per second
 * @param burst requests the bucket holds (0: every request is refused)
 */
public record Throttling(double ratePerSecond, int burst) {
    /** The plugin's defaults for a value {@code custom.apiGatewayThrottling} leaves out. */
    public static final double DEFAULT_RATE = 10_000;
    public static final int DEFAULT_BURST = 5_000;
}
