package io.sup.realtime.platform.grpc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sup.realtime.platform.bus.CallerInbox;
import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.grpc.multiplex.MultiplexChannel;
import io.sup.realtime.platform.grpc.multiplex.MultiplexService;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

/**
 * Both ends of the {@link CallerInbox}: delivery frames for the gateway that made a call ride
 * back in the call's trailers instead of through that gateway's inbox channel.
 *
 * <p>The protocol: the gateway names its instance in the {@value #CALLER_INSTANCE_HEADER}
 * header of each call a {@code Multiplex} stream carries; the server ({@link #server()}) runs
 * the call's handler with a {@link CallerInbox} for that instance bound, and closes the call
 * with one {@value #DELIVERY_FRAME_TRAILER} trailer per frame kept (a serialized
 * {@code sup.gateway.v1.DeliveryFrame}), in the order they were delivered; the gateway
 * ({@link #client}) hands each frame to its connections before the call's listener sees the
 * close, so the deliveries of a sent message are queued before its ack. Whatever the status:
 * a handler may deliver and then fail.
 *
 * <p>The server keeps frames only for calls carried by a {@code Multiplex} stream
 * ({@link MultiplexService#MULTIPLEXED}): their trailers travel in the stream's message, where a
 * direct call's would be HTTP/2 metadata, which clients bound (8 KiB by default). The frames kept
 * are published after all when the call is cancelled (its deadline passed, its caller gave up:
 * at once, not when the handler ends), when the handler ends without closing it, when they and
 * the response together would exceed {@link MultiplexChannel#MAX_MESSAGE_BYTES} (no delivery the
 * services make comes near that: a message's content is at most 64 KiB; published before the
 * response goes); a frame delivered after the response is published. Pub/sub's at-most-once
 * stays the contract: a response the gateway no longer waits for (its deadline passed on the
 * way), or one lost with its stream (the connection between gateway and service broke), loses
 * its frames, as a frame published while the gateway is away from Redis is lost; so does a
 * fallback publish that fails (logged). One sender's frames published this way can reach a
 * recipient after a later event's frames that rode back (a call cancelled after delivering, then
 * the client's next event): clients order a chat by its messages' sequence numbers.
 */
public final class CallerInboxInterceptor {
    /** The request header naming the calling gateway's instance id. */
    public static final String CALLER_INSTANCE_HEADER = "sup-caller-instance";
    /** The trailer carrying one delivery frame (binary, repeated). */
    public static final String DELIVERY_FRAME_TRAILER = "sup-delivery-frame-bin";

    static final Metadata.Key<String> CALLER_INSTANCE = Metadata.Key.of(CALLER_INSTANCE_HEADER,
            Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> DELIVERY_FRAME = Metadata.Key.of(DELIVERY_FRAME_TRAILER,
            Metadata.BINARY_BYTE_MARSHALLER);

    private static final Logger LOG = System.getLogger(CallerInboxInterceptor.class.getName());
    /** Publishes the frames of cancelled calls, off the deadline timer's thread. */
    private static final Executor PUBLISHERS = Executors.newVirtualThreadPerTaskExecutor();

    private CallerInboxInterceptor() {
    }

    /** The server end, for every domain service (GrpcServerHost installs it). */
    public static ServerInterceptor server() {
        return Server.INSTANCE;
    }

    /**
     * The gateway's end, for the calls of its {@code Multiplex} channels.
     *
     * @param instance this gateway's instance id
     * @param frames   takes each frame a response carried, on the call's thread, before the
     *                 call's listener is closed (it must not block)
     */
    public static ClientInterceptor client(String instance, Consumer<DeliveryFrame> frames) {
        return new Client(instance, frames);
    }

    private static final class Server implements ServerInterceptor {
        static final Server INSTANCE = new Server();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String instance = headers.get(CALLER_INSTANCE);
            if (instance == null || !Boolean.TRUE.equals(call.getAttributes().get(MultiplexService.MULTIPLEXED))) {
                return next.startCall(call, headers);
            }
            CallerInbox inbox = new CallerInbox(instance);
            // Cancelled (its deadline passed, its caller gave up): publish what is kept at once,
            // not when the handler ends, so the caller's next event cannot overtake it. The
            // listener also runs when a closed call's context is released: nothing is kept then.
            Context.current().addListener(ignored -> {
                if (inbox.hasRest()) {
                    PUBLISHERS.execute(() -> publishQuietly(inbox::publishRest, "a cancelled call's"));
                }
            }, MoreExecutors.directExecutor());
            ServerCall.Listener<Q> listener = next.startCall(new Returning<>(call, inbox), headers);
            return new SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onMessage(Q message) {
                    CallerInbox.during(inbox, () -> {
                        super.onMessage(message);
                        return null;
                    });
                }

                @Override
                public void onHalfClose() {
                    try {
                        CallerInbox.during(inbox, () -> { // unary handlers run here
                            super.onHalfClose();
                            return null;
                        });
                    } finally {
                        // None, once the handler's close took them; else the handler did not close.
                        publishQuietly(inbox::publishRest, "an unanswered call's");
                    }
                }
            };
        }
    }

    /** The call as its handler closes it: the inbox's frames go into the trailers. */
    private static final class Returning<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final CallerInbox inbox;
        private int responseBytes;

        Returning(ServerCall<Q, R> call, CallerInbox inbox) {
            super(call);
            this.inbox = inbox;
        }

        @Override
        public void sendMessage(R message) {
            responseBytes = message instanceof MessageLite lite ? lite.getSerializedSize() : 0;
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            List<DeliveryFrame> frames = isCancelled() ? null
                    : inbox.take(MultiplexChannel.MAX_MESSAGE_BYTES - (long) responseBytes);
            if (frames == null) {
                // Before the response: the deliveries are published ahead of it, as without an inbox.
                publishQuietly(inbox::publishRest, "an oversized or cancelled call's");
                super.close(status, trailers);
                return;
            }
            frames.forEach(frame -> trailers.put(DELIVERY_FRAME, frame.toByteArray()));
            super.close(status, trailers);
            if (isCancelled()) {
                // Cancelled while closing: a multiplexed call cancelled before its close took
                // effect sends nothing (and one closed first is never marked cancelled).
                publishQuietly(() -> inbox.publish(frames), "a call cancelled while closing, its");
            }
        }
    }

    /**
     * Runs a fallback publish; a failure is logged, not thrown, as the services' own deliveries
     * are best effort once the event is stored (the frames are lost, as a failed publish's).
     */
    private static void publishQuietly(Runnable publish, String whose) {
        try {
            publish.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not publish " + whose + " delivery frames for the calling gateway ("
                    + e.getClass().getSimpleName() + "); they are lost, the clients catch up from the logs");
        }
    }

    private record Client(String instance, Consumer<DeliveryFrame> frames) implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(CALLER_INSTANCE, instance);
                    super.start(new SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            Iterable<byte[]> carried = trailers.removeAll(DELIVERY_FRAME);
                            if (carried != null) {
                                // The method names where a frame came from in the log, should it fail.
                                carried.forEach(bytes -> InboxSubscriber.hand(bytes, frames, method.getFullMethodName()));
                            }
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }
    }
}
