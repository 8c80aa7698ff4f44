package io.sup.realtime.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.Empty;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * {@link EventRouter}'s per-domain bound, without a network: routes that block, fail or throw
 * an {@link Error} stand in for the service. Beyond the bound an event is answered at once
 * (UNAVAILABLE, a jittered retryAfterMs) and its route never runs; an event that ends something
 * passes a full bound; and every way a route can end gives its slot back. The real stack is
 * {@code GatewayShedsLoadTest}.
 */
class EventRouterShedsBeyondTheLimitTest {
    private static final ClientConnection CONNECTION = new ClientConnection("gw-t.1", "gw-t", null, null, null);

    /** A messaging table whose message:new runs {@code send} and whose stop-typing answers at once. */
    private static RouteTable messaging(Route send) {
        return new RouteTable() {
            @Override
            public ClientEvents.Domain domain() {
                return ClientEvents.Domain.MESSAGING;
            }

            @Override
            public Map<String, Route> routes() {
                return Map.of("message:new", send,
                        "message:stop-typing", (c, caller, data) -> Empty.getDefaultInstance());
            }
        };
    }

    private static Outcome handle(EventRouter router, String event) {
        return router.handle(CONNECTION, new ClientEvent(event, 1, "{}"));
    }

    @Test
    void anEventBeyondTheBoundIsAnsweredAtOnceAndNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        EventRouter router = new EventRouter(List.of(messaging((c, caller, data) -> {
            runs.incrementAndGet();
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Empty.getDefaultInstance();
        })), new ShedPolicy(1, Duration.ofMillis(1000)));

        CompletableFuture<Outcome> holder = CompletableFuture.supplyAsync(() -> handle(router, "message:new"),
                command -> Thread.ofVirtual().start(command));
        assertTrue(running.await(30, TimeUnit.SECONDS), "the first send holds the slot");

        Outcome shed = handle(router, "message:new");
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, shed);
        assertEquals(ErrorCode.UNAVAILABLE, failed.code());
        assertEquals("service busy, retry later", failed.message());
        assertTrue(failed.retryAfterMs() >= 500 && failed.retryAfterMs() < 1500, "1 s +-50 %: " + failed.retryAfterMs());
        assertInstanceOf(Outcome.Ok.class, handle(router, "message:stop-typing"), "an event that ends something passes");

        release.countDown();
        assertInstanceOf(Outcome.Ok.class, holder.get(30, TimeUnit.SECONDS));
        assertInstanceOf(Outcome.Ok.class, handle(router, "message:new"), "the slot came back");
        assertEquals(2, runs.get(), "the shed send never reached its route");
    }

    @Test
    void aRouteThatFailsOrThrowsGivesItsSlotBack() {
        RuntimeException failure = new IllegalStateException("boom");
        EventRouter failing = new EventRouter(List.of(messaging((c, caller, data) -> {
            throw failure;
        })), new ShedPolicy(1, Duration.ofMillis(1000)));
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorCode.INTERNAL, assertInstanceOf(Outcome.Failed.class, handle(failing, "message:new")).code(),
                    "attempt " + i + ": the route ran (not shed)");
        }

        EventRouter erring = new EventRouter(List.of(messaging((c, caller, data) -> {
            throw new AssertionError("an Error");
        })), new ShedPolicy(1, Duration.ofMillis(1000)));
        for (int i = 0; i < 3; i++) {
            assertThrows(AssertionError.class, () -> handle(erring, "message:new"), "attempt " + i + ": the route ran");
        }
    }
}
