package io.sup.realtime.messaging;

import java.util.Map;

import io.sup.realtime.platform.limits.RateLimits;

/**
 * Rate limits for tests, written in the service's own configuration format: the defaults, or
 * generous ones for tests that send far more than a user may per minute (they test other
 * things; the limits have tests of their own).
 */
public final class TestLimits {
    /** Every limited event, and the ceiling, at 100,000 per minute. */
    public static final String GENEROUS = "message:new=100000/60s,message:typing=100000/60s,"
            + "message:delivered=100000/60s,message:read=100000/60s,reaction:new=100000/60s,reaction:remove=100000/60s";
    /** The generous ceiling. */
    public static final String GENEROUS_CEILING = "100000/60s";

    private TestLimits() {
    }

    /** The service's defaults. */
    public static UserLimits defaults() {
        return new UserLimits(RateLimits.defaults());
    }

    /** {@link #GENEROUS} limits. */
    public static UserLimits generous() {
        return new UserLimits(RateLimits.parse(GENEROUS, GENEROUS_CEILING));
    }

    /** {@link #GENEROUS} limits as settings for {@link RunningMessagingService#start}. */
    public static Map<String, String> generousSettings() {
        return Map.of(RateLimits.LIMITS_KEY, GENEROUS, RateLimits.CEILING_KEY, GENEROUS_CEILING);
    }
}
