package com.audmg.drive.local.gateway;

import com.audmg.drive.local.config.HttpRoute;
import com.audmg.drive.local.config.Throttling;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * API Gateway's per-method throttle: one token bucket per route (method and resource path) with the
 * route's {@link Throttling}, full at start, refilled continuously; a request that finds it empty is
 * answered 429 by the gateway itself, before any authorizer or function runs. The account-wide and
 * usage-plan limits of AWS are not emulated.
 */
final class RouteThrottle {

    private static final class Bucket {
        private final double rate;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(Throttling limits, long now) {
            this.rate = limits.ratePerSecond();
            this.capacity = limits.burst();
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final Map<HttpRoute, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RouteThrottle() {
        this(System::nanoTime);
    }

    RouteThrottle(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Whether a request for {@code route} may pass now (and takes its token). */
    boolean admit(HttpRoute route) {
        if (route.throttling() == null) {
            return true;
        }
        long now = nanoTime.getAsLong();
        return buckets.computeIfAbsent(route, r -> new Bucket(r.throttling(), now)).take(now);
    }
}
