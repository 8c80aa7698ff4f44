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
 * <p>The bound is per gateway instance and per domain: N gateways send a service at most
 * N x {@code maxInFlight} events at once (the service's own bound, 64 handlers at once, queues
 * what exceeds its slots, for no longer than the call's deadline: {@code GrpcServerHost}).
 *
 * @param maxInFlight most events of one domain with its service at once, from this gateway
 *                    ({@code GATEWAY_GRPC_MAX_IN_FLIGHT}, default 128; 0: no bound). 128 calls
 *                    of 2-5 ms each carry 25,000-60,000 events/s, more than one messaging-service
 *                    instance serves on the 2-core benchmark box (about 2,000 messages/s in 1:1
 *                    chats), so the bound is reached only when the service has fallen behind
 * @param retryAfter  the {@code retryAfterMs} a refused event is answered with, jittered by
 *                    +-50 % ({@code GATEWAY_BUSY_RETRY_MS}, default 1 s)
 */
public record ShedPolicy(int maxInFlight, Duration retryAfter) {
    /** Checks the bounds. */
    public ShedPolicy {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("max in flight must be 0 (no bound) or more, got " + maxInFlight);
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("busy retry time must be positive, got " + retryAfter);
        }
    }
}
