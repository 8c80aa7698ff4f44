package io.sup.realtime.platform.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sup.realtime.platform.grpc.multiplex.MultiplexChannel;

/**
 * Client channels to the domain services. A target is a gRPC name such as
 * {@code localhost:7001} or {@code dns:///messaging:7001}; requests are spread round-robin
 * over every address the name resolves to (the Kubernetes headless-service pattern). Every
 * call is counted and timed ({@link GrpcClientMetrics}) and carries the caller's request id
 * and trace context ({@link TelemetryClientInterceptor}). Plaintext or mutual TLS ({@link GrpcTls}).
 */
public final class GrpcChannels {
    private GrpcChannels() {
    }

    /** A plaintext channel to {@code target}. */
    public static ManagedChannel forTarget(String target) {
        return forTarget(target, GrpcTls.PLAINTEXT);
    }

    /**
     * A channel to {@code target} with {@code tls}'s transport security (with TLS on, the
     * server's certificate must name the target's host).
     */
    public static ManagedChannel forTarget(String target, GrpcTls tls) {
        return NettyChannelBuilder.forTarget(target, tls.channelCredentials())
                .defaultLoadBalancingPolicy("round_robin")
                .keepAliveTime(30, TimeUnit.SECONDS)
                .intercept(new TelemetryClientInterceptor(), GrpcClientMetrics.INSTANCE)
                .build();
    }

    /**
     * {@code channel}'s unary calls carried over a few long-lived {@code Multiplex} streams
     * ({@link MultiplexChannel}): for a caller that makes many small calls, such as the gateway
     * with its client events. Each call is counted, timed and given the caller's context as on
     * {@code channel}; the streams themselves are counted once each, as
     * {@code sup.multiplex.v1.Multiplex/Exchange}. Close it before {@code channel}: that ends
     * the streams, for which the channel's shutdown would otherwise wait.
     *
     * @param callDeadline the longest deadline of the calls: a stream takes new calls for at
     *                     most {@link MultiplexChannel#MAX_STREAM_AGE}, and less if need be, so
     *                     that its last call can end within the grace a server gives calls on a
     *                     connection it retires (5 s of margin; at least 1 s)
     * @param interceptors applied to each multiplexed call before those (as a channel's
     *                     interceptors: they see the call's close first), such as the gateway's
     *                     {@link CallerInboxInterceptor#client}
     */
    public static MultiplexChannel multiplexed(Channel channel, Duration callDeadline, ClientInterceptor... interceptors) {
        long ageMillis = Math.clamp(GrpcServerHost.MAX_CONNECTION_AGE_GRACE.minus(callDeadline).toMillis() - 5_000,
                1_000, MultiplexChannel.MAX_STREAM_AGE.toMillis());
        List<ClientInterceptor> all = new ArrayList<>(List.of(interceptors));
        all.add(new TelemetryClientInterceptor());
        all.add(GrpcClientMetrics.INSTANCE);
        return new MultiplexChannel(channel, MultiplexChannel.STREAMS, Duration.ofMillis(ageMillis),
                all.toArray(ClientInterceptor[]::new));
    }

    /** Shuts {@code channel} down, waiting up to 5 s for calls in flight. */
    public static void close(ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
