package com.audmg.drive.local.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.audmg.drive.local.config.HttpRoute;
import com.audmg.drive.local.config.Throttling;

class RouteThrottleTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void admit_shouldGiveTheBurst_thenRefillAtTheRate_evenWhenRequestsReadTheClockOutOfOrder() {
        AtomicLong clock = new AtomicLong(100 * SECOND);
        RouteThrottle throttle = new RouteThrottle(clock::get);
        HttpRoute route = new HttpRoute("fn", "POST", "/x", false, null, new Throttling(1, 2));

        assertTrue(throttle.admit(route));
        // A concurrent request that read the clock a moment earlier takes the burst's second token, not less.
        clock.set(100 * SECOND - SECOND / 2);
        assertTrue(throttle.admit(route));
        clock.set(100 * SECOND);
        assertFalse(throttle.admit(route), "the burst is spent");
        clock.set(101 * SECOND);
        assertTrue(throttle.admit(route), "one token a second");
        assertFalse(throttle.admit(route));
    }
}
