package io.sup.realtime.presence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.presence.v1.PresenceAdminServiceGrpc;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc;
import redis.clients.jedis.UnifiedJedis;

/**
 * The real presence-service and the real messaging-service it asks who shares a chat, both
 * started through their {@code Main.start} on free ports against a test's Redis, with real
 * channels to them. The test plays the gateway: it sends the connection reports a gateway
 * sends, and reads what presence delivers from a gateway instance's inbox (platform's
 * {@code CollectingInbox}). Stubs carry a 30 s deadline.
 */
public final class RunningPresence implements AutoCloseable {
    private final ServiceHost messaging;
    private final Map<String, String> presenceSettings;
    private volatile ServiceHost presence;
    private final ManagedChannel messagingChannel;
    private volatile ManagedChannel presenceChannel;
    private final UnifiedJedis redis;

    private RunningPresence(RedisServerExtension redisServer, Map<String, String> overrides) {
        messaging = io.sup.realtime.messaging.Main.start(Settings.of("messaging-service", Map.of(
                "grpc.port", "0", "observe.port", "0", "redis.url", redisServer.urlSetting(), "redis.cluster", redisServer.clusterSetting())));
        Map<String, String> values = new HashMap<>(Map.of("grpc.port", "0", "observe.port", "0",
                "redis.url", redisServer.urlSetting(), "redis.cluster", redisServer.clusterSetting(), "messaging.grpc.target", "localhost:" + messaging.grpcPort(),
                "presence.offline.grace.ms", "1500", "presence.sweep.interval.ms", "100"));
        values.putAll(overrides);
        presenceSettings = values;
        presence = Main.start(Settings.of("presence-service", values));
        messagingChannel = GrpcChannels.forTarget("localhost:" + messaging.grpcPort());
        presenceChannel = GrpcChannels.forTarget("localhost:" + presence.grpcPort());
        redis = redisServer.settings().newClient();
    }

    /**
     * Starts both services; presence with a 1.5 s grace period and a 100 ms sweep unless
     * {@code overrides} (key, value, ...) say otherwise.
     */
    public static RunningPresence start(RedisServerExtension redis, String... overrides) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            values.put(overrides[i], overrides[i + 1]);
        }
        return new RunningPresence(redis, values);
    }

    /** Stops presence-service (as a crash would, for what it has not written yet). */
    public void stopPresence() {
        GrpcChannels.close(presenceChannel);
        presence.close();
    }

    /** Starts presence-service again, with the same settings, after {@link #stopPresence}. */
    public void startPresence() {
        presence = Main.start(Settings.of("presence-service", presenceSettings));
        presenceChannel = GrpcChannels.forTarget("localhost:" + presence.grpcPort());
    }

    /** The presence gRPC port. */
    public int grpcPort() {
        return presence.grpcPort();
    }

    /** The presence health and metrics port. */
    public int observePort() {
        return presence.observePort();
    }

    /** The client-event API. */
    public PresenceServiceGrpc.PresenceServiceBlockingStub events() {
        return PresenceServiceGrpc.newBlockingStub(presenceChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The admin API. */
    public PresenceAdminServiceGrpc.PresenceAdminServiceBlockingStub admin() {
        return PresenceAdminServiceGrpc.newBlockingStub(presenceChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The connection reports, as a gateway sends them. */
    public ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceBlockingStub lifecycle() {
        return ConnectionLifecycleServiceGrpc.newBlockingStub(presenceChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A client for the test's Redis, to look at presence's keys. */
    public UnifiedJedis redis() {
        return redis;
    }

    /** Creates a chat in messaging-service. */
    public void chat(String id, String... members) {
        chats().createChat(CreateChatRequest.newBuilder().setId(id).addAllMemberIds(List.of(members)).build());
    }

    /** Removes members from a chat in messaging-service. */
    public void removeMembers(String chatId, String... users) {
        chats().removeMembers(ChangeMembersRequest.newBuilder().setChatId(chatId).addAllUserIds(List.of(users)).build());
    }

    private ChatAdminServiceGrpc.ChatAdminServiceBlockingStub chats() {
        return ChatAdminServiceGrpc.newBlockingStub(messagingChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The caller a gateway sets for {@code user}'s connection {@code connectionId} ({@code <instance>.<n>}). */
    public static Caller caller(String user, String connectionId) {
        return Caller.newBuilder().setUserId(user).setDeviceId(user + "-" + connectionId).setConnectionId(connectionId)
                .setGatewayInstance(connectionId.substring(0, connectionId.lastIndexOf('.'))).build();
    }

    /** Reports {@code user}'s connection opened. */
    public Caller opened(String user, String connectionId) {
        Caller caller = caller(user, connectionId);
        lifecycle().connectionOpened(ConnectionEvent.newBuilder().setConnection(caller).setAtMs(System.currentTimeMillis()).build());
        return caller;
    }

    /** Reports a connection closed. */
    public void closed(Caller caller) {
        lifecycle().connectionClosed(ConnectionEvent.newBuilder().setConnection(caller).setAtMs(System.currentTimeMillis()).build());
    }

    /** Reports connections alive, as one batch. */
    public void alive(Caller... callers) {
        lifecycle().connectionsAlive(ConnectionBatch.newBuilder().setGatewayInstance(callers[0].getGatewayInstance())
                .addAllConnections(List.of(callers)).setAtMs(System.currentTimeMillis()).build());
    }

    @Override
    public void close() {
        GrpcChannels.close(presenceChannel);
        GrpcChannels.close(messagingChannel);
        redis.close();
        presence.close();
        messaging.close();
    }
}
