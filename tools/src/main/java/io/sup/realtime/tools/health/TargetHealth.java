package io.sup.realtime.tools.health;

import java.util.List;
import java.util.Map;

/**
 * What {@code sup health} found at one {@link HealthTarget}.
 *
 * @param target    what was checked
 * @param state     the verdict: {@link State#UP} only when live and ready are both UP
 * @param live      the liveness answer: {@code UP}, {@code DOWN}, or {@code null} when there was none
 * @param ready     the readiness answer: {@code UP}, {@code DOWN}, or {@code null} when there was none
 * @param failing   the checks that were not UP, from both answers
 * @param latencyMs round trip of the readiness request (of the PING for Redis) in milliseconds, or -1 without an answer
 * @param error     why there was no usable answer (connection refused, timed out, HTTP 404 ...), or {@code null}
 */
public record TargetHealth(HealthTarget target, State state, String live, String ready, List<FailingCheck> failing,
                           long latencyMs, String error) {
    /** Copies the list. */
    public TargetHealth {
        failing = List.copyOf(failing);
    }

    /** A target's verdict, in increasing order of severity. */
    public enum State {
        /** Live and ready. */
        UP,
        /** It answered, but is not live or not ready: a check of its own is DOWN (Redis away, say). */
        DOWN,
        /** No usable answer: nothing listens, it timed out, or what answers is not a health endpoint. */
        UNREACHABLE
    }

    /**
     * A check that was not UP.
     *
     * @param endpoint {@code live} or {@code ready}
     * @param name     the check's name in Helidon's answer ({@code redis}, {@code delivery-inbox}, {@code heapMemory} ...)
     * @param status   its status ({@code DOWN}, or {@code ERROR} for a check that threw)
     * @param data     what the check reported beside its status (e.g. {@code error=JedisConnectionException})
     */
    public record FailingCheck(String endpoint, String name, String status, Map<String, String> data) {
        /** Copies the map. */
        public FailingCheck {
            data = Map.copyOf(data);
        }
    }

    /** No answer at all, for {@code reason}. */
    static TargetHealth unreachable(HealthTarget target, String reason) {
        return new TargetHealth(target, State.UNREACHABLE, null, null, List.of(), -1, reason);
    }
}
