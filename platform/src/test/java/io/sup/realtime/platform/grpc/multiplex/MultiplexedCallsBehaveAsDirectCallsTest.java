package io.sup.realtime.platform.grpc.multiplex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.grpc.GrpcClientMetrics;
import io.sup.realtime.platform.grpc.GrpcServerHost;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.grpc.TelemetryClientInterceptor;
import io.sup.realtime.platform.telemetry.RequestContext;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc.MessagingServiceBlockingStub;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageResponse;
import io.sup.realtime.proto.multiplex.v1.MultiplexGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real grpc-java server started by {@link GrpcServerHost}, called over a real channel
 * through a {@link MultiplexChannel}: calls share a few streams (counted on the wire side of
 * the channel), each gets its own reply, status, trailers, request id and deadline as a direct
 * call would, a cancel reaches the handler; a draining server finishes the calls it runs and
 * refuses new ones unsent, which the channel sends to another server without a failure; a
 * lost server fails its calls and a new one gets the next; an unreachable one fails them at
 * once; old streams are retired without a
 * call cut off; and a server that cannot multiplex gets the calls directly.
 */
class MultiplexedCallsBehaveAsDirectCallsTest {
    private final CallCounter wire = new CallCounter();
    private final Echo service = new Echo();
    private final List<AutoCloseable> closing = new ArrayList<>();

    /**
     * Echoes the content with the caller's request id as the sender, unless the content asks
     * for a failure ("rate", "boom") or to block until released or cancelled ("block").
     */
    static final class Echo extends MessagingServiceGrpc.MessagingServiceImplBase {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch sawCancel = new CountDownLatch(1);
        final AtomicLong deadlineMillis = new AtomicLong(-1);

        @Override
        public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> reply) {
            Context context = Context.current();
            if (context.getDeadline() != null) {
                deadlineMillis.set(context.getDeadline().timeRemaining(TimeUnit.MILLISECONDS));
            }
            switch (request.getContent()) {
                case "rate" -> throw ServiceException.rateLimited("slow down", 1500);
                case "boom" -> throw new IllegalStateException("a defect that must not leak");
                case "block" -> {
                    context.addListener(c -> sawCancel.countDown(), Runnable::run);
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                default -> { }
            }
            reply.onNext(SendMessageResponse.newBuilder().setMessage(Message.newBuilder()
                    .setContent(request.getContent())
                    .setSenderId(RequestContext.requestId().orElse("none"))).build());
            reply.onCompleted();
        }
    }

    /** Counts the calls that reach the underlying channel, by method, and how the Exchange streams ended. */
    static final class CallCounter implements ClientInterceptor {
        final Map<String, AtomicLong> started = new ConcurrentHashMap<>();
        final Map<Status.Code, AtomicLong> exchangesEnded = new ConcurrentHashMap<>();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            started.computeIfAbsent(method.getFullMethodName(), m -> new AtomicLong()).incrementAndGet();
            return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(new SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            if (method.equals(MultiplexGrpc.getExchangeMethod())) {
                                exchangesEnded.computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
                            }
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }

        long ended(Status.Code code) {
            AtomicLong count = exchangesEnded.get(code);
            return count == null ? 0 : count.get();
        }

        long started(MethodDescriptor<?, ?> method) {
            AtomicLong count = started.get(method.getFullMethodName());
            return count == null ? 0 : count.get();
        }
    }

    @AfterEach
    void close() throws Exception {
        service.release.countDown();
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    @Test
    void concurrentCallsShareTheStreamsAndEachGetsItsOwnReplyAndRequestId() throws Exception {
        GrpcServerHost host = host(0);
        MessagingServiceBlockingStub stub = stub(multiplexed(host.port(), MultiplexChannel.MAX_STREAM_AGE));
        List<Future<String>> replies = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                String n = Integer.toString(i);
                replies.add(threads.submit(() -> {
                    try (var ignored = RequestContext.open("request-" + n, null)) {
                        Message m = withDeadline(stub).sendMessage(send("text-" + n)).getMessage();
                        return m.getContent() + "/" + m.getSenderId();
                    }
                }));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertEquals("text-" + i + "/request-" + i, replies.get(i).get());
            }
        }
        assertEquals(0, wire.started(MessagingServiceGrpc.getSendMessageMethod()), "no call went directly");
        assertEquals(MultiplexChannel.STREAMS, wire.started(MultiplexGrpc.getExchangeMethod()),
                "400 calls over the channel's streams");
    }

    @Test
    void statusesTrailersAndDeadlinesAreThoseOfADirectCall() throws Exception {
        GrpcServerHost host = host(0);
        MessagingServiceBlockingStub multiplexed = stub(multiplexed(host.port(), MultiplexChannel.MAX_STREAM_AGE));
        MessagingServiceBlockingStub direct = stub(channel(host.port()));
        for (String failure : List.of("rate", "boom")) {
            StatusRuntimeException viaStream = assertThrows(StatusRuntimeException.class,
                    () -> withDeadline(multiplexed).sendMessage(send(failure)));
            StatusRuntimeException directly = assertThrows(StatusRuntimeException.class,
                    () -> withDeadline(direct).sendMessage(send(failure)));
            assertEquals(directly.getStatus().getCode(), viaStream.getStatus().getCode(), failure);
            assertEquals(directly.getStatus().getDescription(), viaStream.getStatus().getDescription(), failure);
            assertEquals(directly.getTrailers().get(ServiceException.RETRY_AFTER_MS),
                    viaStream.getTrailers().get(ServiceException.RETRY_AFTER_MS), failure);
        }
        StatusRuntimeException rate = assertThrows(StatusRuntimeException.class,
                () -> withDeadline(multiplexed).sendMessage(send("rate")));
        assertEquals("1500", rate.getTrailers().get(ServiceException.RETRY_AFTER_MS));

        withDeadline(multiplexed).sendMessage(send("plain"));
        assertTrue(service.deadlineMillis.get() > 0 && service.deadlineMillis.get() <= 10_000,
                "the handler's context has what was left of the caller's 10 s: " + service.deadlineMillis.get());

        StatusRuntimeException late = assertThrows(StatusRuntimeException.class,
                () -> multiplexed.withDeadlineAfter(300, TimeUnit.MILLISECONDS).sendMessage(send("block")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
        assertTrue(service.sawCancel.await(10, TimeUnit.SECONDS), "the handler's context was cancelled at the deadline");

        // A deadline further off than the timer's head tick is queued behind it, and fires too.
        long farther = DeadlineTimer.HEAD_INTERVAL.toMillis() * 5 / 2;
        StatusRuntimeException later = assertThrows(StatusRuntimeException.class,
                () -> multiplexed.withDeadlineAfter(farther, TimeUnit.MILLISECONDS).sendMessage(send("block")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, later.getStatus().getCode());
    }

    @Test
    void aDrainingServerFinishesTheCallsItRunsAndRefusesNewOnesUnsent() throws Exception {
        GrpcServerHost host = host(0);
        MessagingServiceBlockingStub stub = stub(multiplexed(host.port(), MultiplexChannel.MAX_STREAM_AGE));
        withDeadline(stub).sendMessage(send("warm")); // both streams open
        withDeadline(stub).sendMessage(send("warm"));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SendMessageResponse> running = threads.submit(() -> withDeadline(stub).sendMessage(send("block")));
            assertTrue(service.blocked.await(10, TimeUnit.SECONDS));
            Future<?> closing = threads.submit(host::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    withDeadline(stub).sendMessage(send("after"));
                    return false;
                } catch (StatusRuntimeException e) {
                    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
                    return true;
                }
            });
            service.release.countDown();
            assertEquals("block", running.get(10, TimeUnit.SECONDS).getMessage().getContent(),
                    "the call the server was running when it began to drain got its reply");
            closing.get(10, TimeUnit.SECONDS);
        }
        // A stream tried after the drain is refused (UNAVAILABLE): the server is gone.
        assertTrue(wire.ended(Status.Code.OK) >= MultiplexChannel.STREAMS,
                "the streams open when the drain began ended with OK: " + wire.exchangesEnded);
    }

    @Test
    void callsMoveOffADrainingServerWithoutAFailure() throws Exception {
        Echo drainedEcho = new Echo();
        GrpcServerHost drained = GrpcServerHost.start(0, List.of(drainedEcho));
        GrpcServerHost other = host(0);
        // Streams renewed often, so that some are on each server whichever was ready first.
        MessagingServiceBlockingStub stub = stub(multiplexed(TwoServers.target(drained.port(), other.port()),
                Duration.ofMillis(100)));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // Until a call blocks on the server to drain: its stream then stays open through the drain.
            List<Future<SendMessageResponse>> blocked = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                blocked.add(threads.submit(() -> withDeadline(stub).sendMessage(send("block"))));
                return drainedEcho.blocked.await(200, TimeUnit.MILLISECONDS);
            });
            Future<?> closing = threads.submit(drained::close);
            for (int i = 0; i < 50; i++) {
                assertEquals("after-" + i, withDeadline(stub).sendMessage(send("after-" + i)).getMessage().getContent(),
                        "a call sent while one server drains is served by the other");
            }
            drainedEcho.release.countDown();
            service.release.countDown();
            for (Future<SendMessageResponse> call : blocked) {
                assertEquals("block", call.get(10, TimeUnit.SECONDS).getMessage().getContent());
            }
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCancelledCallIsCancelledOnTheServer() throws Exception {
        GrpcServerHost host = host(0);
        var stub = MessagingServiceGrpc.newFutureStub(multiplexed(host.port(), MultiplexChannel.MAX_STREAM_AGE));
        var call = stub.withDeadlineAfter(30, TimeUnit.SECONDS).sendMessage(send("block"));
        assertTrue(service.blocked.await(10, TimeUnit.SECONDS));
        call.cancel(true);
        assertTrue(service.sawCancel.await(10, TimeUnit.SECONDS), "the handler's context was cancelled");
    }

    @Test
    void aLostServerFailsItsCallsAndTheNextServerGetsTheNextCall() throws Exception {
        GrpcServerHost first = GrpcServerHost.start(0, List.of(service));
        int port = first.port();
        MessagingServiceBlockingStub stub = stub(multiplexed(port, MultiplexChannel.MAX_STREAM_AGE));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SendMessageResponse> running = threads.submit(
                    () -> stub.withDeadlineAfter(60, TimeUnit.SECONDS).sendMessage(send("block")));
            assertTrue(service.blocked.await(10, TimeUnit.SECONDS));
            first.close(); // waits 5 s for the blocked call, then cuts the connections
            var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> running.get(30, TimeUnit.SECONDS));
            Status.Code code = ((StatusRuntimeException) failure.getCause()).getStatus().getCode();
            assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED, "got " + code);
        }
        host(port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                "again".equals(withDeadline(stub).sendMessage(send("again")).getMessage().getContent()));
    }

    @Test
    void withNoServerListeningACallFailsUnavailableAsADirectOneDoes() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }
        MessagingServiceBlockingStub multiplexed = stub(multiplexed(port, MultiplexChannel.MAX_STREAM_AGE));
        MessagingServiceBlockingStub direct = stub(channel(port));
        for (int i = 0; i < 3; i++) {
            StatusRuntimeException viaStream = assertThrows(StatusRuntimeException.class,
                    () -> withDeadline(multiplexed).sendMessage(send("nobody")));
            StatusRuntimeException directly = assertThrows(StatusRuntimeException.class,
                    () -> withDeadline(direct).sendMessage(send("nobody")));
            assertEquals(Status.Code.UNAVAILABLE, directly.getStatus().getCode());
            assertEquals(Status.Code.UNAVAILABLE, viaStream.getStatus().getCode(), "not left to its deadline");
        }
    }

    @Test
    void oldStreamsAreRetiredWithoutCuttingACall() throws Exception {
        GrpcServerHost host = host(0);
        MessagingServiceBlockingStub stub = stub(multiplexed(host.port(), Duration.ofMillis(50)));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SendMessageResponse>> calls = new ArrayList<>();
            // Calls keep coming, some in flight while their stream is retired, until the
            // streams have been replaced a few times as they aged.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String n = "m" + calls.size();
                calls.add(threads.submit(() -> withDeadline(stub).sendMessage(send(n))));
                return wire.started(MultiplexGrpc.getExchangeMethod()) >= MultiplexChannel.STREAMS + 4;
            });
            for (int i = 0; i < calls.size(); i++) {
                assertEquals("m" + i, calls.get(i).get(30, TimeUnit.SECONDS).getMessage().getContent());
            }
            // A call that passes its deadline leaves nothing its stream waits for: once both
            // slots have new streams, its stream too must end.
            assertThrows(StatusRuntimeException.class,
                    () -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS).sendMessage(send("block")));
            long beforeRenewal = wire.started(MultiplexGrpc.getExchangeMethod());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                withDeadline(stub).sendMessage(send("last"));
                return wire.started(MultiplexGrpc.getExchangeMethod()) >= beforeRenewal + MultiplexChannel.STREAMS;
            });
        }
        long started = wire.started(MultiplexGrpc.getExchangeMethod());
        assertTrue(started > MultiplexChannel.STREAMS, "streams were replaced as they aged: " + wire.started);
        await().atMost(Duration.ofSeconds(10)).until(() -> wire.ended(Status.Code.OK) == started - MultiplexChannel.STREAMS);
        assertEquals(Map.of(Status.Code.OK, started - MultiplexChannel.STREAMS),
                Map.of(Status.Code.OK, wire.ended(Status.Code.OK)), "every retired stream was half-closed and ended OK");
        assertEquals(1, wire.exchangesEnded.size(), "and none ended otherwise: " + wire.exchangesEnded);
    }

    @Test
    void aServerThatCannotMultiplexGetsTheCallsDirectly() throws Exception {
        Server plain = NettyServerBuilder.forPort(0).addService(service).build().start();
        closing.add(() -> plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        MessagingServiceBlockingStub stub = stub(multiplexed(plain.getPort(), MultiplexChannel.MAX_STREAM_AGE));
        for (int i = 0; i < 5; i++) {
            assertEquals("d" + i, withDeadline(stub).sendMessage(send("d" + i)).getMessage().getContent());
        }
        assertEquals(5, wire.started(MessagingServiceGrpc.getSendMessageMethod()), "each call went directly");
        assertEquals(1, wire.started(MultiplexGrpc.getExchangeMethod()), "one stream tried, then none for a while");
    }

    private GrpcServerHost host(int port) {
        GrpcServerHost host = GrpcServerHost.start(port, List.of(service));
        closing.add(host);
        return host;
    }

    private ManagedChannel managed(int port) {
        return managed("localhost:" + port);
    }

    private ManagedChannel managed(String target) {
        ManagedChannel channel = GrpcChannels.forTarget(target);
        closing.add(() -> GrpcChannels.close(channel));
        return channel;
    }

    private Channel channel(int port) {
        return managed(port);
    }

    private Channel multiplexed(int port, Duration maxStreamAge) {
        return multiplexed("localhost:" + port, maxStreamAge);
    }

    private Channel multiplexed(String target, Duration maxStreamAge) {
        MultiplexChannel multiplexed = new MultiplexChannel(ClientInterceptors.intercept(managed(target), wire),
                MultiplexChannel.STREAMS, maxStreamAge, new TelemetryClientInterceptor(), GrpcClientMetrics.INSTANCE);
        closing.add(multiplexed); // closed before the channel under it
        return multiplexed;
    }

    private static MessagingServiceBlockingStub stub(Channel channel) {
        return MessagingServiceGrpc.newBlockingStub(channel);
    }

    private static MessagingServiceBlockingStub withDeadline(MessagingServiceBlockingStub stub) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static SendMessageRequest send(String content) {
        return SendMessageRequest.newBuilder().setChatId("c").setContent(content).build();
    }
}
