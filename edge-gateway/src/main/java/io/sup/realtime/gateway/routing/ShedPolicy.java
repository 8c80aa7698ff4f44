package io.sup.realtime.gateway.routing;

import java.time.Duration;

/**
 * Load shedding at the edge: how many client events of one domain this gateway lets be with
 * the domain's service at once, how long an event beyond that may wait for a slot, and what it
 * is told when it gets none.
 *
 * <p>Why at the edge: a service that is sent more than it can serve keeps the excess queued,
 * as calls that wait for a handler slot until their deadline, with their requests in its heap.
 * Every queued call then waits the whole queue, its caller gives up, and the service spends its
 * CPU on answers nobody reads: its goodput falls far below its capacity (bench/summary.md, the
 * 1:1 overload). Refused, the excess costs the gateway a decoded frame and an error ack, and the
 * events that are sent are served at the service's own pace. The pattern is the client-side
 * concurrency limit of Netflix's concurrency-limits and Envoy's circuit-breaker
 * {@code max_requests} and {@code max_pending_requests}, here fixed rather than adaptive.
 *
 * <p>Why a wait before refusing: a burst is not an overload. Clients reconnecting after a
 * gateway restart each send their {@code chat:join}s within moments: more than
 * {@code maxInFlight} at once, each slowed by the storm's other work. Refused at once, most of
 * them were (6,794 of 10,000 joins in bench/run.sh idle, 2026-12-02; with a 100 ms wait still
 * 4,922), and a client written for the original, which never refused, does not join again. An
 * event that finds no slot waits up to {@code queueTimeout} in a bounded FIFO queue, on its
 * connection's own thread (its later events, of every domain and those never shed too, wait
 * behind it, so their order holds): a burst is
 * served as slots free, while in a lasting overload the queue stays full and the excess is
 * refused at once, the events served waiting at most the queue's length at the service's pace.
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
 * @param queueLength  most events of one domain waiting for a slot at once; one beyond that is
 *                     refused at once ({@code GATEWAY_GRPC_QUEUE_LENGTH}, default 256; 0: no
 *                     waiting, refused at once). What bounds a served event's wait in a lasting
 *                     overload, when the queue stays full: 256 events at the ~2,000 events/s of one
 *                     messaging-service instance on the benchmark box are ~130 ms; a burst of up to
 *                     {@code maxInFlight + queueLength} events at once waits rather than being
 *                     refused, and is served whole when the service gets through it in the timeout
 * @param queueTimeout longest an event waits for a slot before it is refused
 *                     ({@code GATEWAY_GRPC_QUEUE_TIMEOUT_MS}, default 1 s): long enough for a
 *                     service slowed by a burst (a connect storm's joins took over 100 ms each
 *                     on the 2-core box). The wait comes before the call and its deadline, so an
 *                     ack can take up to this plus {@code GATEWAY_GRPC_DEADLINE_MS}
 * @param retryAfter  the {@code retryAfterMs} a refused event is answered with, jittered by
 *                    +-50 % ({@code GATEWAY_BUSY_RETRY_MS}, default 1 s)
 */
public record ShedPolicy(int maxInFlight, int queueLength, Duration queueTimeout, Duration retryAfter) {
    /** Checks the bounds. */
    public ShedPolicy {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("max in flight must be 0 (no bound) or more, got " + maxInFlight);
        }
        if (queueLength < 0) {
            throw new IllegalArgumentException("queue length must be 0 (no waiting) or more, got " + queueLength);
        }
        if (queueTimeout.isNegative() || queueTimeout.isZero()) {
            throw new IllegalArgumentException("queue timeout must be positive, got " + queueTimeout);
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("busy retry time must be positive, got " + retryAfter);
        }
    }

    /** Whether an event that finds no slot waits for one (a bound and a queue), rather than being refused at once. */
    public boolean waits() {
        return maxInFlight > 0 && queueLength > 0;
    }
}
