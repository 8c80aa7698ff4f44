package io.sup.realtime.platform.grpc.multiplex;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A {@link Channel} that carries every unary call over a few long-lived
 * {@code sup.multiplex.v1.Multiplex/Exchange} streams of an underlying channel, so a call costs
 * two DATA frames on a stream already open instead of an HTTP/2 stream of its own (its HEADERS,
 * HPACK, trailers, and a server call set up and torn down). Stubs built on it are the
 * generated ones and see what a direct call gives: the server runs each call through the same
 * interceptors and handler, and its status, trailers and response come back as they would
 * (multiplex.proto).
 *
 * <p>Calls are spread round-robin over {@code streams} streams; with the underlying channel's
 * round-robin policy each new stream may go to another server. A stream a call picks once it
 * is {@code maxStreamAge} old is retired: that call and later ones open a new one (so calls
 * follow a scale-up, and move off a connection the server retires before its grace ends),
 * and the old one is half-closed once its calls are answered. Deadlines are kept here, per
 * call (what was left of one is sent along, for the server's context); a call that passes
 * its deadline or is cancelled (or whose caller's {@link io.grpc.Context} is) is cancelled
 * on the server too. A call whose stream fails gets the stream's status, as a direct call on
 * a failed connection would; one the server did not run because it is shutting down is sent
 * again on a new stream (which the channel puts on another connection; up to three times, 5
 * to 80 ms apart), so a drained replica costs its callers nothing. Streaming methods, every call after {@link #close}, and
 * every call for five minutes after a server said it has no {@code Multiplex} service
 * ({@code UNIMPLEMENTED}: an older version, during a rolling upgrade) go directly over the
 * underlying channel; so do the calls that were on the refused stream (the server ran none
 * of them; they are counted twice in the client metrics, once here and once by the channel).
 *
 * <p>Thread-safe. The responses are read on the transport's thread and handed to each call's
 * executor (the caller's own thread for blocking stubs), where they are parsed.
 */
public final class MultiplexChannel extends Channel implements AutoCloseable {
    /** How many streams calls are spread over. */
    public static final int STREAMS = 2;
    /**
     * How old a stream gets before calls move to a new one: below the 30 s grace a server
     * gives calls on a connection it retires (GrpcServerHost), so no call is cut off.
     */
    public static final Duration MAX_STREAM_AGE = Duration.ofSeconds(20);

    /**
     * The largest request or response message a multiplexed call carries, in bytes: grpc-java's
     * default inbound limit (4 MiB), less room for the envelope, so that one call's oversized
     * message fails that call alone ({@code RESOURCE_EXHAUSTED}), not the stream it shares.
     */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024 - 64 * 1024;

    /** How long calls go directly after a server said it cannot multiplex. */
    private static final long DIRECT_AFTER_UNIMPLEMENTED_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** Runs the listeners of calls made without an executor (not blocking stubs). */
    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    private final Channel channel;
    private final Channel multiplexed;
    private final ClientExchange[] streams;
    private final long maxStreamAgeNanos;
    private final AtomicInteger next = new AtomicInteger();
    private volatile long directUntilNanos = System.nanoTime();
    private volatile boolean closed;

    /**
     * @param channel      the underlying channel, to a server that serves {@code Multiplex}
     *                     (every platform GrpcServerHost does)
     * @param streams      how many streams to spread calls over, at least 1
     * @param maxStreamAge how old a stream gets before calls move to a new one
     * @param interceptors applied to each multiplexed call (as a channel's interceptors, the last
     *                     runs first); calls that go directly get only the underlying channel's
     */
    public MultiplexChannel(Channel channel, int streams, Duration maxStreamAge, ClientInterceptor... interceptors) {
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1: " + streams);
        }
        this.channel = channel;
        this.streams = new ClientExchange[streams];
        this.maxStreamAgeNanos = maxStreamAge.toNanos();
        this.multiplexed = ClientInterceptors.intercept(new Channel() {
            @Override
            public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
                return new MultiplexedClientCall<>(MultiplexChannel.this, method, options,
                        options.getExecutor() != null ? options.getExecutor() : CALLBACKS);
            }

            @Override
            public String authority() {
                return channel.authority();
            }
        }, interceptors);
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
        if (closed || method.getType() != MethodDescriptor.MethodType.UNARY || System.nanoTime() - directUntilNanos < 0) {
            return channel.newCall(method, options);
        }
        return multiplexed.newCall(method, options);
    }

    @Override
    public String authority() {
        return channel.authority();
    }

    /**
     * Retires every stream (each half-closes once its calls are answered, so the underlying
     * channel can then shut down at once); later calls go directly. Close this before the
     * underlying channel: a channel's shutdown waits for its streams.
     */
    @Override
    public void close() {
        synchronized (streams) {
            closed = true;
            for (int i = 0; i < streams.length; i++) {
                if (streams[i] != null) {
                    streams[i].retire();
                    streams[i] = null;
                }
            }
        }
    }

    /**
     * Sends {@code call} on the next stream, opening one when that slot has none, or a failed
     * or retired one, or one older than the stream age. A call whose stream fails as it is sent
     * (say, the server cannot be reached) gets that failure, as a direct call would.
     */
    void send(MultiplexedClientCall<?, ?> call) {
        int slot = Math.floorMod(next.getAndIncrement(), streams.length);
        for (int attempt = 0; attempt < 3; attempt++) {
            ClientExchange exchange = current(slot);
            if (exchange == null) {
                call.sendDirectly(channel); // closed while the call was on its way
                return;
            }
            switch (exchange.send(call)) {
                case SENT -> {
                    return;
                }
                case ENDED -> {
                    exchange.endWithTheStream(call); // it failed as the call was sent: so does the call
                    return;
                }
                case REFUSED -> {
                    // Retired between the pick and the send: the slot gets a new one.
                }
            }
        }
        call.failed(Status.UNAVAILABLE.withDescription("no multiplexed stream took the call"));
    }

    /** The slot's stream, a new one if need be; null once the channel is closed. */
    private ClientExchange current(int slot) {
        ClientExchange exchange = streams[slot];
        if (exchange != null && exchange.usable(maxStreamAgeNanos)) {
            return exchange;
        }
        synchronized (streams) {
            if (closed) {
                return null;
            }
            exchange = streams[slot];
            if (exchange == null || !exchange.usable(maxStreamAgeNanos)) {
                if (exchange != null) {
                    exchange.retire();
                }
                exchange = ClientExchange.open(channel, this);
                streams[slot] = exchange;
            }
            return exchange;
        }
    }

    /**
     * A server is draining: every stream is retired, since others may be on the same server
     * (which one a stream is on is the channel's business), so the calls it did not run and
     * those after go on new streams, which the channel opens on other connections.
     */
    void serverDraining() {
        synchronized (streams) {
            for (ClientExchange exchange : streams) {
                if (exchange != null) {
                    exchange.retire();
                }
            }
        }
    }

    /** A server has no Multiplex service: go directly for a while (a rolling upgrade). */
    void streamUnimplemented() {
        directUntilNanos = System.nanoTime() + DIRECT_AFTER_UNIMPLEMENTED_NANOS;
    }
}
