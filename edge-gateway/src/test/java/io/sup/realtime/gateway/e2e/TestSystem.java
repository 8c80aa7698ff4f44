package io.sup.realtime.gateway.e2e;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.grpc.ManagedChannel;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.presence.v1.PresenceAdminServiceGrpc;
import io.sup.realtime.proto.presence.v1.SetContactsRequest;

/**
 * The real services for end-to-end tests, each on its own free ports in this JVM against
 * the test's Redis: messaging-service, gateways, and chats made through the admin API.
 */
final class TestSystem {
    private TestSystem() {
    }

    /**
     * messaging-service on {@code grpcPort} (0 for any free one), with any {@code overrides}
     * (key, value, ...). Tests send far more messages a minute than a user may: message:new
     * gets a generous limit (still checked); the limits' own tests give {@code rate.limits} "".
     */
    static ServiceHost messaging(RedisServerExtension redis, int grpcPort, String... overrides) {
        return io.sup.realtime.messaging.Main.start(Settings.of("messaging-service", with(Map.of(
                "grpc.port", String.valueOf(grpcPort), "observe.port", "0", "redis.url", redis.urlSetting(),
                "redis.cluster", redis.clusterSetting(),
                "rate.limits", "message:new=100000/60s"), overrides)));
    }

    /**
     * presence-service on a free port, asking the messaging-service at {@code messagingPort}
     * who shares a chat, with any {@code overrides} (key, value, ...). Its sweep runs every
     * 100 ms (the default is 1 s) so grace periods end on time in tests, and presence:update
     * gets a generous limit (still checked) for tests that change statuses often.
     */
    static ServiceHost presence(RedisServerExtension redis, int messagingPort, String... overrides) {
        return io.sup.realtime.presence.Main.start(Settings.of("presence-service", with(Map.of(
                "grpc.port", "0", "observe.port", "0", "redis.url", redis.urlSetting(),
                "redis.cluster", redis.clusterSetting(),
                "messaging.grpc.target", "localhost:" + messagingPort,
                "presence.sweep.interval.ms", "100", "rate.limits", "presence:update=100000/60s"), overrides)));
    }

    /**
     * call-signaling-service on a free port, asking the presence-service at {@code presencePort}
     * who may call whom, with any {@code overrides} (key, value, ...). Its sweep runs every
     * 100 ms (the default is 1 s) so timeouts end on time in tests, and call:initiate gets a
     * generous limit (still checked) for tests that call often.
     */
    static ServiceHost calls(RedisServerExtension redis, int presencePort, String... overrides) {
        return io.sup.realtime.calls.Main.start(Settings.of("call-signaling-service", with(Map.of(
                "grpc.port", "0", "observe.port", "0", "redis.url", redis.urlSetting(),
                "redis.cluster", redis.clusterSetting(),
                "presence.grpc.target", "localhost:" + presencePort,
                "call.sweep.interval.ms", "100", "rate.limits", "call:initiate=100000/60s"), overrides)));
    }

    /**
     * notification-service on {@code grpcPort} (0 for any free one), reading the outbox of the
     * messaging-service at {@code messagingPort} and the missed calls of the call-signalling at
     * {@code callsPort} (0: none runs), with any {@code overrides} (key, value, ...). Its
     * sources are read every 50 ms and due pushes looked for every 50 ms (the defaults are
     * 250 and 200 ms), so tests wait less.
     */
    static ServiceHost notifications(RedisServerExtension redis, int grpcPort, int messagingPort, int callsPort,
                                     String... overrides) {
        return io.sup.realtime.notification.Main.start(Settings.of("notification-service", with(Map.of(
                "grpc.port", String.valueOf(grpcPort), "observe.port", "0", "redis.url", redis.urlSetting(),
                "redis.cluster", redis.clusterSetting(),
                "messaging.grpc.target", "localhost:" + messagingPort,
                "calls.grpc.target", callsPort == 0 ? NO_CALLS : "localhost:" + callsPort,
                "notif.source.poll.interval.ms", "50", "notif.push.sweep.interval.ms", "50"), overrides)));
    }

    /** Sets {@code user}'s contact list through the admin API of the presence-service at {@code presencePort}. */
    static void setContacts(int presencePort, String user, String... contacts) {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + presencePort);
        try {
            PresenceAdminServiceGrpc.newBlockingStub(channel).setContacts(SetContactsRequest.newBuilder()
                    .setUserId(user).addAllContactIds(List.of(contacts)).build());
        } finally {
            GrpcChannels.close(channel);
        }
    }

    private static Map<String, String> with(Map<String, String> defaults, String... overrides) {
        Map<String, String> settings = new HashMap<>(defaults);
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            settings.put(overrides[i], overrides[i + 1]);
        }
        return settings;
    }

    /**
     * A presence target nothing listens on (port 1, tcpmux, is not served here): a gateway's
     * presence events answer UNAVAILABLE at once and its reports to presence fail fast, rather
     * than reaching whatever presence-service a developer runs on the default port 7002.
     */
    static final String NO_PRESENCE = "localhost:1";

    /** A call-signalling target nothing listens on, for the same reason as {@link #NO_PRESENCE}. */
    static final String NO_CALLS = "localhost:1";

    /** A notification-service target nothing listens on, for the same reason as {@link #NO_PRESENCE}. */
    static final String NO_NOTIFICATIONS = "localhost:1";

    /**
     * A gateway named {@code instance} in front of the messaging-service at {@code messagingPort},
     * with the test JWT secret and any {@code overrides} (key, value, key, value, ...). Its gRPC
     * deadline is 30 s rather than 5: on a loaded machine a slow answer must make a test
     * slower, not turn into UNAVAILABLE. Loopback is exempt from the connection-attempt limits
     * (tests connect far more often than users): the limits' own tests override that. Its
     * presence target is {@link #NO_PRESENCE} unless {@code presence.grpc.target} is overridden,
     * its call-signalling target {@link #NO_CALLS} unless {@code calls.grpc.target} is, its
     * notification target {@link #NO_NOTIFICATIONS} unless {@code notifications.grpc.target} is;
     * so its readiness waits for messaging only unless {@code gateway.readiness.services} is overridden.
     */
    static Main gateway(RedisServerExtension redis, int messagingPort, String instance, String... overrides) {
        return Main.start(Settings.of("edge-gateway", with(Map.ofEntries(
                Map.entry("port", "0"), Map.entry("metrics.port", "0"), Map.entry("redis.url", redis.urlSetting()),
                Map.entry("redis.cluster", redis.clusterSetting()),
                Map.entry("jwt.secret", TestTokens.SECRET),
                Map.entry("messaging.grpc.target", "localhost:" + messagingPort),
                Map.entry("presence.grpc.target", NO_PRESENCE),
                Map.entry("calls.grpc.target", NO_CALLS),
                Map.entry("notifications.grpc.target", NO_NOTIFICATIONS),
                Map.entry("gateway.readiness.services", "messaging"),
                Map.entry("gateway.grpc.deadline.ms", "30000"),
                Map.entry("gateway.admin.grpc.port", "0"),
                Map.entry("rate.limit.exempt.addresses", "loopback"),
                Map.entry("gateway.instance.id", instance)), overrides)));
    }

    /** Creates a chat through the admin API of the messaging-service at {@code messagingPort}. */
    static void createChat(int messagingPort, String id, String... members) {
        admin(messagingPort, stub -> stub.createChat(
                CreateChatRequest.newBuilder().setId(id).addAllMemberIds(List.of(members)).build()));
    }

    /** Runs {@code call} against the admin API of the messaging-service at {@code messagingPort}. */
    static void admin(int messagingPort, Consumer<ChatAdminServiceGrpc.ChatAdminServiceBlockingStub> call) {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + messagingPort);
        try {
            call.accept(ChatAdminServiceGrpc.newBlockingStub(channel));
        } finally {
            GrpcChannels.close(channel);
        }
    }
}
