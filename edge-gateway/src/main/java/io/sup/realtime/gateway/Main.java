package io.sup.realtime.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.sup.realtime.gateway.auth.JwtVerifier;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.delivery.InboxDispatcher;
import io.sup.realtime.gateway.routing.EventRouter;
import io.sup.realtime.gateway.session.ClientSessions;
import io.sup.realtime.gateway.ws.NativeWsListener;
import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.observe.ObserveServer;
import io.sup.realtime.platform.redis.RedisReadiness;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import redis.clients.jedis.RedisClient;

/**
 * edge-gateway: config -> Redis (routing registry, inbox) -> gRPC channels -> router ->
 * sessions -> WebSocket server, by hand.
 */
public final class Main implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Main.class.getName());

    private final GatewayConfig config;
    private final RedisClient redis;
    private final ManagedChannel messagingChannel;
    private final LocalConnections connections;
    private final InboxSubscriber inbox;
    private final ScheduledExecutorService timers;
    private final ExecutorService writers;
    private final WebServer server;
    private final ObserveServer observe;

    private Main(Settings settings) {
        config = GatewayConfig.from(settings);
        Clock clock = Clock.systemUTC();
        RedisSettings redisSettings = RedisSettings.from(settings);
        redis = redisSettings.newClient();
        RoutingRegistry registry = new RoutingRegistry(redis, config.routeTtl(), clock);
        connections = new LocalConnections(config.instanceId(), registry);
        inbox = new InboxSubscriber(redisSettings, config.instanceId(), new InboxDispatcher(connections));
        inbox.start();

        messagingChannel = GrpcChannels.forTarget(config.messagingTarget());
        EventRouter router = new EventRouter(messagingChannel, connections, config.grpcDeadline());
        timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gateway-timers").daemon().factory());
        writers = Executors.newVirtualThreadPerTaskExecutor();
        ClientSessions sessions = new ClientSessions(new JwtVerifier(config.jwt(), clock), connections, router,
                timers, writers, config.authTimeout(), config.outboundLimit());
        long refreshMs = config.routeTtl().toMillis() / 3;
        timers.scheduleAtFixedRate(this::refreshRoutes, refreshMs, refreshMs, TimeUnit.MILLISECONDS);

        server = WebServer.builder()
                .port(config.port())
                .addProtocol(WsConfig.builder().maxFrameLength(config.maxMessageBytes()).build())
                .routing(http -> http.get("/", (req, res) -> res.send("SUP realtime gateway: WebSocket at /ws\n")))
                .addRouting(WsRouting.builder()
                        .endpoint("/ws", () -> new NativeWsListener(sessions, config.maxMessageBytes())))
                .build()
                .start();
        observe = ObserveServer.start(config.metricsPort(), List.of(new RedisReadiness(redis), inboxReadiness()),
                config.metricsEnabled());
        LOG.log(Level.INFO, "edge-gateway " + config.instanceId() + " up: WebSocket ws://localhost:" + server.port()
                + "/ws, health and metrics on port " + observe.port());
    }

    /** Starts the gateway and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("edge-gateway", Main::start);
    }

    /** Starts a gateway with {@code settings}; tests call this with their own ports. */
    public static Main start(Settings settings) {
        return new Main(settings);
    }

    /** The WebSocket port. */
    public int port() {
        return server.port();
    }

    /** The health and metrics port. */
    public int observePort() {
        return observe.port();
    }

    /** This instance's id on the delivery bus. */
    public String instanceId() {
        return config.instanceId();
    }

    private void refreshRoutes() {
        try {
            connections.refreshRoutes();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "routing refresh failed (" + e.getClass().getSimpleName() + "); retrying next beat");
        }
    }

    private HealthCheck inboxReadiness() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "delivery-inbox";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(inbox.isSubscribed()).build();
            }
        };
    }

    /** Drains: tells every client to reconnect elsewhere (1001), then stops everything. */
    @Override
    public void close() {
        connections.all().forEach(c -> c.out().close(CloseCode.GOING_AWAY, "server going away"));
        server.stop();
        observe.close();
        inbox.close();
        timers.shutdownNow();
        writers.shutdown();
        GrpcChannels.close(messagingChannel);
        redis.close();
        LOG.log(Level.INFO, "edge-gateway " + config.instanceId() + " stopped");
    }
}
