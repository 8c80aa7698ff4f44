package io.sup.realtime.gateway.routing;

import java.time.Duration;

/**
 * Load shedding at the edge: how many client events of one domain this gateway lets be with
 * the domain's service at once, and what an event beyond that is told.
 *
 * <p>Why at the edge: a service that is sent more than it can serve keeps the excess queued,
 * as calls that wait for a handler slot until their deadline, with their requests in its heap.
 * Every queued call then waits the whole queue, its caller gives up, and the service spends its
 * CPU on answers nobody reads: its goodput falls far below its capacity (bench/summary.md, the
 * 1:1 overload). Refused at once, the excess costs the gateway a decoded frame and an error ack,
 * and the events that are sent are served at the service's own pace. The pattern is the
 * client-side concurrency limit of Netflix's concurrency-limits and Envoy's circuit-breaker
 * {@code max_requests}, here fixed rather than adaptive.
 *
 * @param maxInFlight most events of one domain with its service at once, from this gateway
 *                    ({@code GATEWAY_GRPC_MAX_IN_FLIGHT}, default 128; at the service's typical few
 *                    milliseconds per call that is tens of thousands of events per second, so only
 *                    a service that has fallen behind ever fills it)
 * @param retryAfter  the {@code retryAfterMs} a refused event is answered with
 *                    ({@code GATEWAY_BUSY_RETRY_MS}, default 1 s)
 */
public record ShedPolicy(int maxInFlight, Duration retryAfter) {
    /** Checks the bounds. */
    public ShedPolicy {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, got " + maxInFlight);
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("busy retry time must be positive, got " + retryAfter);
        }
    }
}
