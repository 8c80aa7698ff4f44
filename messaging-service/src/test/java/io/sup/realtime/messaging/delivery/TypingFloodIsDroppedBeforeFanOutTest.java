package io.sup.realtime.messaging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.bus.Rooms;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.TypingRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A typing flood under the default {@code message:typing} limit (10 per 10 s): 15 starts by
 * one user in a burst, each from its own connection (so each would be announced), reach the
 * gateway inbox of the chat's room as exactly 10 {@code message:typing} frames; the other 5
 * are refused and published nothing.
 */
class TypingFloodIsDroppedBeforeFanOutTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long WAIT_SECONDS = 30;

    private static RunningMessagingService service;

    private RedisClient redis;
    private DeliveryBus bus;
    private final BlockingQueue<DeliveryFrame> frames = new LinkedBlockingQueue<>();
    private InboxSubscriber inbox;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void bobsGatewayViewsTheChat() throws InterruptedException {
        redis = REDIS.settings().newClient();
        RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
        bus = new DeliveryBus(redis, registry, Clock.systemUTC());
        inbox = new InboxSubscriber(REDIS.settings(), "gwbob", frames::add);
        inbox.start();
        Instant deadline = Instant.now().plusSeconds(WAIT_SECONDS);
        while (!inbox.isSubscribed()) {
            assertTrue(Instant.now().isBefore(deadline), "inbox subscribed");
            Thread.sleep(10);
        }
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
        registry.addRoom("gwbob", Rooms.chat("c1"));
    }

    @AfterEach
    void close() {
        inbox.close();
        redis.close();
    }

    @Test
    void fifteenStartsInABurstReachTheRoomAsTenFrames() throws Exception {
        List<Future<Status.Code>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(15)) {
            for (int i = 1; i <= 15; i++) {
                Caller connection = Caller.newBuilder().setUserId("alice").setDeviceId("alice-dev")
                        .setConnectionId("gwalice." + i).setGatewayInstance("gwalice").build();
                outcomes.add(pool.submit(() -> {
                    try {
                        service.messaging().startTyping(TypingRequest.newBuilder().setCaller(connection).setChatId("c1").build());
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode();
                    }
                }));
            }
        }
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> outcome : outcomes) {
            codes.add(outcome.get());
        }

        assertEquals(10, codes.stream().filter(Status.Code.OK::equals).count(), codes::toString);
        assertEquals(5, codes.stream().filter(Status.Code.RESOURCE_EXHAUSTED::equals).count(), codes::toString);
        List<DeliveryFrame> received = framesBeforeAMarker();
        assertEquals(10, received.size(), "one frame per accepted start, none for a refused one: " + received);
        assertTrue(received.stream().allMatch(f -> f.getEvent().equals("message:typing")), received::toString);
    }

    /**
     * What reached the inbox before a marker published now: one channel and one subscriber
     * connection, so Redis delivers in publication order and nothing published earlier can
     * arrive after it.
     */
    private List<DeliveryFrame> framesBeforeAMarker() throws InterruptedException {
        assertEquals(1, bus.toConnection("gwbob.marker", ServerEvent.ERROR, Empty.getDefaultInstance()));
        List<DeliveryFrame> before = new ArrayList<>();
        for (DeliveryFrame frame = next(); !frame.getConnectionId().equals("gwbob.marker"); frame = next()) {
            before.add(frame);
        }
        return before;
    }

    private DeliveryFrame next() throws InterruptedException {
        DeliveryFrame frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(frame, "a frame within " + WAIT_SECONDS + " s");
        return frame;
    }
}
