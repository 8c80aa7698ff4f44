package io.sup.realtime.calls;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.grpc.ManagedChannel;
import io.sup.realtime.calls.delivery.BusCallEvents;
import io.sup.realtime.calls.grpc.CallAdminGrpcEndpoint;
import io.sup.realtime.calls.grpc.CallGrpcEndpoint;
import io.sup.realtime.calls.grpc.PresenceCallPermission;
import io.sup.realtime.calls.history.CallHistory;
import io.sup.realtime.calls.ice.IceServers;
import io.sup.realtime.calls.ice.TurnCredentials;
import io.sup.realtime.calls.signalling.CallService;
import io.sup.realtime.calls.signalling.CallStore;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.expiry.SweepLog;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.grpc.GrpcTls;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycleEndpoint;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import redis.clients.jedis.UnifiedJedis;

/**
 * call-signaling-service: config -> Redis -> stores -> who may call whom (presence-service
 * over gRPC) -> ICE servers -> service -> gRPC endpoints -> servers, and the sweep that ends
 * calls whose ring timeout passed or whose participants' gateways stopped reporting them;
 * everything wired by hand (no DI framework).
 */
public final class Main {
    private Main() {
    }

    /** Starts the service and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("call-signaling-service", Main::start);
    }

    /** Starts the service with {@code settings}; tests call this with their own ports. */
    public static ServiceHost start(Settings settings) {
        CallsConfig config = CallsConfig.from(settings);
        Clock clock = Clock.systemUTC();
        IceServers iceServers = new IceServers(config.stunUrls(), config.turnUrls(),
                config.turnSecret().isEmpty() ? Optional.empty() : Optional.of(new TurnCredentials(config.turnSecret())),
                config.turnCredentialTtl(), clock);
        RateLimiter limiter = new RateLimiter(RateLimits.from(settings), CallKeys::rateLimit);
        UnifiedJedis redis = RedisSettings.from(settings).newClient();
        ManagedChannel presence = GrpcChannels.forTarget(config.presenceTarget(), GrpcTls.from(settings));

        DeliveryBus bus = new DeliveryBus(redis, new RoutingRegistry(redis, config.routeTtl(), clock), clock);
        CallStore store = new CallStore(redis, config.ringTimeout(), config.maxDuration(), config.endedRetention(),
                config.connectionTtl());
        CallHistory history = new CallHistory(redis, config.historyMaxEntries(), config.historyRetention(),
                config.missedMaxEntries(), clock);
        ExpiryCutoff cutoff = new ExpiryCutoff(clock, config.connectionTtl(),
                new SweepLog(redis, CallKeys.swept(), CallKeys.recovery()));
        CallService calls = new CallService(store, history, new BusCallEvents(bus),
                new PresenceCallPermission(presence, config.presenceDeadline()), iceServers, limiter, clock, cutoff,
                config.ringTimeout());

        return ServiceHost.start("call-signaling-service", settings, redis,
                        List.of(new CallGrpcEndpoint(calls), new CallAdminGrpcEndpoint(store, history),
                                new ConnectionLifecycleEndpoint(calls)))
                .onClose(() -> GrpcChannels.close(presence))
                .every(config.sweepInterval(), "call sweep", calls::sweep);
    }
}
