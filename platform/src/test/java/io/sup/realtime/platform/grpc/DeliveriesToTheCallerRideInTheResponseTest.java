package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.bus.CollectingInbox;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.grpc.multiplex.MultiplexChannel;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc.MessagingServiceBlockingStub;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * The caller's inbox on a real Redis and a real gRPC server ({@link GrpcServerHost}) called
 * through a real {@link MultiplexChannel}: a handler delivers a message to alice (connected to
 * the calling gateway, gw-a) and bob (gw-b). Alice's frame comes back in the response and
 * reaches the gateway before the call returns, and never through gw-a's inbox; bob's is
 * published. Where no response can carry it (a direct call, a cancelled call, at the cancel,
 * while its handler still runs; a delivery after the response, a frame too large to ride with
 * its response) the frame is published to gw-a's inbox instead: none is lost.
 */
class DeliveriesToTheCallerRideInTheResponseTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final List<DeliveryFrame> returned = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private UnifiedJedis redis;
    private DeliveryBus bus;
    private Deliverer service;
    private CollectingInbox gwA;
    private CollectingInbox gwB;
    private GrpcServerHost host;

    /**
     * Delivers the request's content to alice and bob, then: "fail" fails the call; "block"
     * waits for the test's release and answers nothing; "after" answers first and delivers
     * once more after the response; "twice" delivers a second time; anything else answers.
     */
    final class Deliverer extends MessagingServiceGrpc.MessagingServiceImplBase {
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> reply) {
            String content = request.getContent();
            deliver(content);
            switch (content) {
                case "fail" -> throw ServiceException.invalidArgument("refused after delivering");
                case "block" -> {
                    blocked.countDown();
                    awaitQuietly(release);
                    return; // the caller has gone: nothing to answer
                }
                case "twice" -> deliver(content + "-2");
                default -> { }
            }
            reply.onNext(SendMessageResponse.newBuilder().setMessage(Message.newBuilder().setContent(content)).build());
            reply.onCompleted();
            if (content.equals("after")) {
                deliver(content + "-late");
            }
        }

        private void deliver(String content) {
            bus.toUsers(List.of("alice", "bob"), ServerEvent.MESSAGE_NEW, Message.newBuilder().setContent(content).build(),
                    List.of());
        }
    }

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "bob");
        bus = new DeliveryBus(redis, registry, Clock.systemUTC());
        gwA = CollectingInbox.start(REDIS.settings(), "gw-a");
        gwB = CollectingInbox.start(REDIS.settings(), "gw-b");
        service = new Deliverer();
        host = GrpcServerHost.start(0, List.of(service));
    }

    @AfterEach
    void tearDown() throws Exception {
        service.release.countDown();
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        host.close();
        gwA.close();
        gwB.close();
        redis.close();
    }

    @Test
    void theCallersFramesComeBackWithTheResponseInOrderAndOthersArePublished() throws Exception {
        MessagingServiceBlockingStub gateway = multiplexedFromGwA();

        assertEquals("hello", call(gateway, "hello").getMessage().getContent());
        assertEquals(List.of("hello"), contents(returned), "alice's frame was handed over before the call returned");
        assertEquals(List.of("alice"), returned.getFirst().getUsers().getUserIdsList());
        call(gateway, "twice");
        assertEquals(List.of("hello", "twice", "twice-2"), contents(returned), "in delivery order");

        assertEquals(List.of(), gwA.framesBefore(bus), "nothing went through the caller's inbox");
        List<DeliveryFrame> atB = gwB.framesBefore(bus);
        assertEquals(List.of("hello", "twice", "twice-2"), contents(atB), "bob's gateway got its frames published");
        assertEquals(List.of("bob"), atB.getFirst().getUsers().getUserIdsList());
    }

    @Test
    void aCallThatFailsAfterDeliveringStillBringsItsFramesBack() throws Exception {
        StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, () -> call(multiplexedFromGwA(), "fail"));

        assertEquals(Status.Code.INVALID_ARGUMENT, failed.getStatus().getCode());
        assertEquals(List.of("fail"), contents(returned));
        assertEquals(List.of(), gwA.framesBefore(bus));
    }

    @Test
    void framesNoResponseCanCarryArePublishedToTheCallersInbox() throws Exception {
        MessagingServiceBlockingStub gateway = multiplexedFromGwA();
        ManagedChannel plain = channel();
        MessagingServiceBlockingStub direct = MessagingServiceGrpc.newBlockingStub(ClientInterceptors.intercept(plain,
                CallerInboxInterceptor.client("gw-a", returned::add))); // the header, but no stream to carry frames

        call(gateway, "after");
        call(direct, "direct");
        assertEquals(List.of("after"), contents(returned), "only the frame delivered before the response came back");
        assertEquals(List.of("after-late", "direct"), contents(List.of(gwA.next(), gwA.next())));

        Context.CancellableContext caller = Context.current().withCancellation();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<StatusRuntimeException> blocked = threads.submit(() -> caller.call(() ->
                    assertThrows(StatusRuntimeException.class, () -> call(gateway, "block"))));
            assertTrue(service.blocked.await(10, TimeUnit.SECONDS), "the handler delivered and waits");
            caller.cancel(null);
            assertEquals(Status.Code.CANCELLED, blocked.get(10, TimeUnit.SECONDS).getStatus().getCode());
            assertEquals(List.of("block"), contents(List.of(gwA.next())),
                    "the cancelled call's frame was published while its handler still ran");
            assertEquals(1, service.release.getCount(), "still running");
        }
        service.release.countDown();
        assertEquals(List.of("after"), contents(returned));
        assertEquals(List.of(), gwA.framesBefore(bus));
    }

    @Test
    void framesTooLargeToRideWithTheirResponseArePublishedAndTheCallSucceeds() throws Exception {
        String big = "x".repeat(MultiplexChannel.MAX_MESSAGE_BYTES / 2 + 1); // the response alone would fit

        assertEquals(big.length(), call(multiplexedFromGwA(), big).getMessage().getContent().length());

        assertEquals(0, returned.size(), "no frame came back with the response");
        assertEquals(List.of(big.length()), contents(gwA.framesBefore(bus)).stream().map(String::length).toList(),
                "the frame was published to the caller's inbox");
    }

    @Test
    void callsThatNameNoCallerPublishEverything() throws Exception {
        ManagedChannel plain = channel();
        MultiplexChannel stream = GrpcChannels.multiplexed(plain, DEADLINE);
        closing.add(stream);

        call(MessagingServiceGrpc.newBlockingStub(stream), "internal");

        assertEquals(List.of(), returned);
        assertEquals(List.of("internal"), contents(gwA.framesBefore(bus)));
    }

    private MessagingServiceBlockingStub multiplexedFromGwA() {
        MultiplexChannel stream = GrpcChannels.multiplexed(channel(), DEADLINE,
                CallerInboxInterceptor.client("gw-a", returned::add));
        closing.add(stream); // closed before its channel (closing runs in reverse)
        return MessagingServiceGrpc.newBlockingStub(stream);
    }

    private ManagedChannel channel() {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + host.port());
        closing.add(() -> GrpcChannels.close(channel));
        return channel;
    }

    private static SendMessageResponse call(MessagingServiceBlockingStub stub, String content) {
        return stub.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).sendMessage(send(content));
    }

    private static SendMessageRequest send(String content) {
        return SendMessageRequest.newBuilder().setChatId("chat-1").setContent(content).build();
    }

    /** Each frame's message content, from its JSON. */
    private static List<String> contents(List<DeliveryFrame> frames) throws InvalidProtocolBufferException {
        List<String> contents = new ArrayList<>();
        for (DeliveryFrame frame : frames) {
            Message.Builder message = Message.newBuilder();
            ProtoJson.merge(frame.getDataJson().toStringUtf8(), message);
            contents.add(message.getContent());
        }
        return contents;
    }

    /** Waits for {@code latch}, longer than the inboxes wait for a frame (the test or its teardown releases it). */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
