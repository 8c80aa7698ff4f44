package io.sup.realtime.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;

/**
 * The real messaging-service, started through {@link Main#start} on free ports against a
 * test's Redis, with a real plaintext channel to it. Stubs carry a 5 s deadline.
 */
public final class RunningMessagingService implements AutoCloseable {
    private final ServiceHost host;
    private final ManagedChannel channel;

    private RunningMessagingService(ServiceHost host) {
        this.host = host;
        this.channel = GrpcChannels.forTarget("localhost:" + host.grpcPort());
    }

    /** Starts the service with its defaults, free ports and {@code redis}'s URL, plus {@code overrides}. */
    public static RunningMessagingService start(RedisServerExtension redis, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of("grpc.port", "0", "observe.port", "0",
                "redis.url", redis.urlSetting(), "redis.cluster", redis.clusterSetting()));
        values.putAll(overrides);
        return new RunningMessagingService(Main.start(Settings.of("messaging-service", values)));
    }

    /** The gRPC port. */
    public int grpcPort() {
        return host.grpcPort();
    }

    /** The health and metrics port. */
    public int observePort() {
        return host.observePort();
    }

    /** The channel to the gRPC port. */
    public ManagedChannel channel() {
        return channel;
    }

    /** A MessagingService stub with a deadline. */
    public MessagingServiceGrpc.MessagingServiceBlockingStub messaging() {
        return MessagingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A ChatAdminService stub with a deadline. */
    public ChatAdminServiceGrpc.ChatAdminServiceBlockingStub admin() {
        return ChatAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A ConnectionLifecycleService stub with a deadline, as the gateway calls it. */
    public ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceBlockingStub lifecycle() {
        return ConnectionLifecycleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A gateway-set caller: {@code user} on device {@code <user>-dev}, connection {@code <instance>.1}. */
    public static Caller caller(String user, String instance) {
        return Caller.newBuilder().setUserId(user).setDeviceId(user + "-dev")
                .setConnectionId(instance + ".1").setGatewayInstance(instance).build();
    }

    @Override
    public void close() {
        GrpcChannels.close(channel);
        host.close();
    }
}
