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
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.proto.gateway.v1.Caller;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@link EventRouter}'s per-domain bound, without a network: routes that block, fail or throw
 * an {@link Error} stand in for the service. With no queue, an event beyond the bound is answered
 * at once (UNAVAILABLE, a jittered retryAfterMs) and its route never runs; with a queue, it waits
 * for the next free slot and is served, or is refused when the wait runs out or the queue is full;
 * an event that ends something passes a full bound; and every way a route can end gives its slot
 * back. The real stack is {@code GatewayShedsLoadTest}.
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

    /** A bound of one and no queue. */
    private static ShedPolicy noQueue() {
        return new ShedPolicy(1, 0, Duration.ofMillis(100), Duration.ofMillis(1000));
    }

    /** A route that counts its runs, tells when one is running, and holds each until released. */
    private static final class HeldRoute implements Route {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Message call(ClientConnection connection, Caller caller, String dataJson) {
            runs.incrementAndGet();
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Empty.getDefaultInstance();
        }
    }

    private static CompletableFuture<Outcome> handleOnItsOwnThread(EventRouter router, String event) {
        return CompletableFuture.supplyAsync(() -> handle(router, event), command -> Thread.ofVirtual().start(command));
    }

    /** Waits until {@code thread} is parked in a timed wait (the limit's queue); fails at once if it ended instead. */
    private static void awaitParked(Thread thread) {
        Awaitility.await("the send waits in the queue").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .failFast("the send never waited: it ended", () -> !thread.isAlive())
                .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    }

    /** Starts a send on its own thread that takes {@code router}'s one slot and holds it until {@code send} is released. */
    private static CompletableFuture<Outcome> holdTheSlot(EventRouter router, HeldRoute send) throws InterruptedException {
        CompletableFuture<Outcome> holder = handleOnItsOwnThread(router, "message:new");
        assertTrue(send.running.await(30, TimeUnit.SECONDS), "the first send holds the slot");
        return holder;
    }

    @Test
    void withNoQueueAnEventBeyondTheBoundIsAnsweredAtOnceAndNeverRuns() throws Exception {
        HeldRoute send = new HeldRoute();
        EventRouter router = new EventRouter(List.of(messaging(send)), noQueue());

        CompletableFuture<Outcome> holder = holdTheSlot(router, send);

        Outcome shed = handle(router, "message:new");
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, shed);
        assertEquals(ErrorCode.UNAVAILABLE, failed.code());
        assertEquals("service busy, retry later", failed.message());
        assertTrue(failed.retryAfterMs() >= 500 && failed.retryAfterMs() < 1500, "1 s +-50 %: " + failed.retryAfterMs());
        assertInstanceOf(Outcome.Ok.class, handle(router, "message:stop-typing"), "an event that ends something passes");

        send.release.countDown();
        assertInstanceOf(Outcome.Ok.class, holder.get(30, TimeUnit.SECONDS));
        assertInstanceOf(Outcome.Ok.class, handle(router, "message:new"), "the slot came back");
        assertEquals(2, send.runs.get(), "the shed send never reached its route");
    }

    @Test
    void anEventBeyondTheBoundWaitsForTheNextFreeSlotAndIsServed() throws Exception {
        HeldRoute send = new HeldRoute();
        EventRouter router = new EventRouter(List.of(messaging(send)),
                new ShedPolicy(1, 8, Duration.ofSeconds(30), Duration.ofMillis(1000)));

        CompletableFuture<Outcome> holder = holdTheSlot(router, send);
        AtomicReference<Outcome> waited = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> waited.set(handle(router, "message:new")));
        awaitParked(waiter);
        assertEquals(1, send.runs.get(), "the second send waits, its route not run yet");
        assertInstanceOf(Outcome.Ok.class, handle(router, "message:stop-typing"), "an event that ends something passes");

        send.release.countDown();
        assertTrue(waiter.join(Duration.ofSeconds(30)), "the waiting send was served");
        assertInstanceOf(Outcome.Ok.class, waited.get());
        assertInstanceOf(Outcome.Ok.class, holder.get(30, TimeUnit.SECONDS));
        assertEquals(2, send.runs.get(), "both sends ran");
    }

    @Test
    void aWaitThatRunsOutIsRefusedUnsent() throws Exception {
        HeldRoute send = new HeldRoute();
        EventRouter router = new EventRouter(List.of(messaging(send)),
                new ShedPolicy(1, 8, Duration.ofMillis(1500), Duration.ofMillis(1000)));
        CompletableFuture<Outcome> holder = holdTheSlot(router, send);

        long start = System.nanoTime();
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, handle(router, "message:new"));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 1500, "refused once its 1.5 s wait ran out, not before: " + waitedMs + " ms");
        assertEquals(ErrorCode.UNAVAILABLE, failed.code());
        assertEquals("service busy, retry later", failed.message());

        send.release.countDown();
        assertInstanceOf(Outcome.Ok.class, holder.get(30, TimeUnit.SECONDS));
        assertEquals(1, send.runs.get(), "the refused send never reached its route");
    }

    @Test
    void anEventBeyondAFullQueueIsRefusedAtOnce() throws Exception {
        HeldRoute send = new HeldRoute();
        EventRouter router = new EventRouter(List.of(messaging(send)),
                new ShedPolicy(1, 1, Duration.ofSeconds(30), Duration.ofMillis(1000)));
        CompletableFuture<Outcome> holder = holdTheSlot(router, send);
        AtomicReference<Outcome> waited = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> waited.set(handle(router, "message:new")));
        awaitParked(waiter);

        CompletableFuture<Outcome> third = handleOnItsOwnThread(router, "message:new");
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, third.get(10, TimeUnit.SECONDS),
                "refused without waiting the 30 s queue timeout");
        assertEquals(ErrorCode.UNAVAILABLE, failed.code());

        send.release.countDown();
        assertTrue(waiter.join(Duration.ofSeconds(30)));
        assertInstanceOf(Outcome.Ok.class, waited.get(), "the one in the queue was served");
        assertInstanceOf(Outcome.Ok.class, holder.get(30, TimeUnit.SECONDS));
        assertEquals(2, send.runs.get(), "the refused third send never reached its route");
    }

    @Test
    void aRouteThatFailsOrThrowsGivesItsSlotBack() {
        RuntimeException failure = new IllegalStateException("boom");
        EventRouter failing = new EventRouter(List.of(messaging((c, caller, data) -> {
            throw failure;
        })), noQueue());
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorCode.INTERNAL, assertInstanceOf(Outcome.Failed.class, handle(failing, "message:new")).code(),
                    "attempt " + i + ": the route ran (not shed)");
        }

        EventRouter erring = new EventRouter(List.of(messaging((c, caller, data) -> {
            throw new AssertionError("an Error");
        })), noQueue());
        for (int i = 0; i < 3; i++) {
            assertThrows(AssertionError.class, () -> handle(erring, "message:new"), "attempt " + i + ": the route ran");
        }
    }
}
