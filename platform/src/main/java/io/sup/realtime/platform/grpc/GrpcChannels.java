package io.sup.realtime.platform.grpc;

import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Client channels to the domain services. A target is a gRPC name such as
 * {@code localhost:7001} or {@code dns:///messaging:7001}; requests are spread round-robin
 * over every address the name resolves to (the Kubernetes headless-service pattern).
 * Plaintext: the services sit inside the cluster network. Every call is counted and timed
 * ({@link GrpcClientMetrics}).
 */
public final class GrpcChannels {
    private GrpcChannels() {
    }

    /** A channel to {@code target}. */
    public static ManagedChannel forTarget(String target) {
        return NettyChannelBuilder.forTarget(target)
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .intercept(GrpcClientMetrics.INSTANCE)
                .build();
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
