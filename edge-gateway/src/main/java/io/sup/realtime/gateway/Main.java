package io.sup.realtime.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.sup.realtime.gateway.admin.GatewayAdminGrpcEndpoint;
import io.sup.realtime.gateway.admin.TokenRevocations;
import io.sup.realtime.gateway.auth.JwtVerifier;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.connection.ConnectionCap;
import io.sup.realtime.gateway.connection.Heartbeats;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.delivery.InboxDispatcher;
import io.sup.realtime.gateway.health.ListenerLiveness;
import io.sup.realtime.gateway.health.ReadinessSettings;
import io.sup.realtime.gateway.limits.ConnectionAdmission;
import io.sup.realtime.gateway.limits.ConnectionStore;
import io.sup.realtime.gateway.routing.CallRoutes;
import io.sup.realtime.gateway.routing.NotificationRoutes;
import io.sup.realtime.gateway.routing.ConnectionReports;
import io.sup.realtime.gateway.routing.ConnectionReports.Report;
import io.sup.realtime.gateway.routing.EventRouter;
import io.sup.realtime.gateway.routing.MessagingRoutes;
import io.sup.realtime.gateway.routing.PresenceRoutes;
import io.sup.realtime.gateway.session.ClientSessions;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.protocol.SocketIoCodec;
import io.sup.realtime.gateway.protocol.WireCodec;
import io.sup.realtime.gateway.ws.EngineIoPolling;
import io.sup.realtime.gateway.ws.NativeWsListener;
import io.sup.realtime.gateway.ws.SocketIoWsListener;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.grpc.CallerInboxInterceptor;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.grpc.GrpcReadiness;
import io.sup.realtime.platform.grpc.GrpcServerHost;
import io.sup.realtime.platform.grpc.GrpcTls;
import io.sup.realtime.platform.grpc.multiplex.MultiplexChannel;
import io.sup.realtime.platform.observe.ObserveServer;
import io.sup.realtime.platform.redis.RedisReadiness;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.proto.calls.v1.CallServiceGrpc;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.notifications.v1.NotificationServiceGrpc;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc;
import redis.clients.jedis.UnifiedJedis;

/**
 * edge-gateway: config -> Redis (routing registry, inbox) -> gRPC channels -> router ->
 * sessions -> WebSocket server, by hand.
 */
public final class Main implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Main.class.getName());

    private final GatewayConfig config;
    private final UnifiedJedis redis;
    private final ManagedChannel messagingChannel;
    private final ManagedChannel presenceChannel;
    private final ManagedChannel callsChannel;
    private final ManagedChannel notificationsChannel;
    /** The client events' streams over those channels (GrpcChannels.multiplexed). */
    private final List<MultiplexChannel> eventChannels;
    private final LocalConnections connections;
    private final InboxSubscriber inbox;
    /** Hands frames to this instance's connections, from the inbox and from responses. */
    private final InboxDispatcher dispatcher;
    private final ScheduledExecutorService timers;
    private final ExecutorService writers;
    private final List<GrpcReadiness> grpcReadiness = new ArrayList<>();
    private GrpcServerHost admin;
    private WebServer server;
    private ObserveServer observe;

    private Main(Settings settings) {
        config = GatewayConfig.from(settings);
        Clock clock = Clock.systemUTC();
        RedisSettings redisSettings = RedisSettings.from(settings);
        redis = redisSettings.newClient();
        RoutingRegistry registry = new RoutingRegistry(redis, config.routeTtl(), clock);
        connections = new LocalConnections(config.instanceId(), registry);
        ConnectionStore connectionStore = new ConnectionStore(redis);
        ConnectionAdmission admission = new ConnectionAdmission(connectionStore, config.limits(), config.routeTtl(), clock,
                RateLimits.from(settings));

        GrpcTls tls = GrpcTls.from(settings);
        messagingChannel = GrpcChannels.forTarget(config.messagingTarget(), tls);
        presenceChannel = GrpcChannels.forTarget(config.presenceTarget(), tls);
        callsChannel = GrpcChannels.forTarget(config.callsTarget(), tls);
        notificationsChannel = GrpcChannels.forTarget(config.notificationsTarget(), tls);
        // Client events ride a few long-lived streams per service, not an HTTP/2 stream each;
        // their deliveries to this instance's connections ride back in their responses.
        ClientInterceptor callerInbox = CallerInboxInterceptor.client(config.instanceId(), this::deliver);
        MultiplexChannel messagingEvents = GrpcChannels.multiplexed(messagingChannel, config.grpcDeadline(), callerInbox);
        MultiplexChannel presenceEvents = GrpcChannels.multiplexed(presenceChannel, config.grpcDeadline(), callerInbox);
        MultiplexChannel callEvents = GrpcChannels.multiplexed(callsChannel, config.grpcDeadline(), callerInbox);
        MultiplexChannel notificationEvents = GrpcChannels.multiplexed(notificationsChannel, config.grpcDeadline(),
                callerInbox);
        eventChannels = List.of(messagingEvents, presenceEvents, callEvents, notificationEvents);
        EventRouter router = new EventRouter(List.of(
                new MessagingRoutes(messagingEvents, connections, config.grpcDeadline()),
                new PresenceRoutes(presenceEvents, config.grpcDeadline()),
                new CallRoutes(callEvents, config.grpcDeadline()),
                new NotificationRoutes(notificationEvents, config.grpcDeadline())), config.shed());
        timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gateway-timers").daemon().factory());
        writers = Executors.newVirtualThreadPerTaskExecutor();
        // messaging keeps only what a connection's close ends (its typing): it takes no other report.
        ConnectionReports reports = new ConnectionReports(List.of(
                new ConnectionReports.Recipient("messaging-service", messagingChannel, Set.of(Report.CLOSED)),
                new ConnectionReports.Recipient("presence-service", presenceChannel, EnumSet.allOf(Report.class)),
                new ConnectionReports.Recipient("call-signaling-service", callsChannel, EnumSet.allOf(Report.class))),
                config.instanceId(), config.grpcDeadline(), clock);
        ClientSessions sessions = new ClientSessions(new JwtVerifier(config.jwt(), clock), connections, router,
                reports, timers, writers, config.authTimeout(), config.outbound(), admission, config.tokens(), clock);
        dispatcher = new InboxDispatcher(connections, sessions::revoke);
        inbox = new InboxSubscriber(redisSettings, config.instanceId(), dispatcher);
        inbox.start();
        long refreshMs = config.routeTtl().toMillis() / 3;
        timers.scheduleAtFixedRate(() -> guarded("routing refresh", () -> {
                    connections.refreshRoutes();
                    admission.refresh(openByUser(connections.all()));
                }), refreshMs, refreshMs, TimeUnit.MILLISECONDS);
        long aliveMs = config.connectionAliveInterval().toMillis();
        timers.scheduleAtFixedRate(() -> guarded("connection alive report", () -> reports.alive(aliveCallers(connections.all()))),
                aliveMs, aliveMs, TimeUnit.MILLISECONDS);
        NativeCodec nativeCodec = new NativeCodec(new WireCodec.Heartbeat(config.heartbeatInterval(), config.heartbeatTimeout()));
        SocketIoCodec socketIoCodec = new SocketIoCodec(
                new WireCodec.Heartbeat(config.socketIoPingInterval(), config.socketIoPingTimeout()), config.maxMessageBytes());
        Heartbeats heartbeats = new Heartbeats(connections, config.maxIdle());
        long shortestInterval = Math.min(config.heartbeatInterval().toMillis(), config.socketIoPingInterval().toMillis());
        long sweepMs = Math.min(1_000, Math.max(50, shortestInterval / 4));
        timers.scheduleAtFixedRate(() -> guarded("heartbeat sweep", heartbeats::sweep),
                sweepMs, sweepMs, TimeUnit.MILLISECONDS);

        long openFiles = ConnectionCap.openFileLimit();
        int maxConnections = ConnectionCap.effective(config.maxConnections(), openFiles);
        if (config.maxConnections() > maxConnections) {
            LOG.log(Level.WARNING, "GATEWAY_MAX_CONNECTIONS " + config.maxConnections() + " lowered to " + maxConnections
                    + ": the open-file limit is " + openFiles);
        }
        try {
            server = WebServer.builder()
                    .port(config.port())
                    // Stopped by close() after the drain (ServiceHost.runMain's hook on SIGTERM):
                    // Helidon's own shutdown hook would cut every socket first, and clients
                    // would see 1006 instead of 1001 "reconnect elsewhere".
                    .shutdownHook(false)
                    // Not TCP_NODELAY, although small frames want it (ws and Socket.IO set it):
                    // with it on, Helidon 4.2's frame reader spends ~1 s of CPU on each 1 MiB
                    // client frame (against ~0.2 s without), which any client, even before
                    // authenticating, could use against everyone else. See docs/BENCHMARKS.md.
                    .maxTcpConnections(maxConnections)
                    .addProtocol(WsConfig.builder().maxFrameLength(config.maxMessageBytes())
                            .origins(config.origins().allowed()).build())
                    .routing(http -> http
                            .get("/", (req, res) -> res.send("SUP realtime gateway: WebSocket at /ws, Socket.IO at /socket.io/\n"))
                            .any("/socket.io/", EngineIoPolling::refuse))
                    .addRouting(WsRouting.builder()
                            .endpoint("/ws", () -> new NativeWsListener(sessions, nativeCodec, config.maxMessageBytes(),
                                    config.origins()))
                            .endpoint("/socket.io/", () -> new SocketIoWsListener(sessions, socketIoCodec,
                                    config.maxMessageBytes(), config.origins())))
                    .build()
                    .start();
            if (!server.isRunning()) {
                throw new IllegalStateException("cannot listen for WebSockets on port " + config.port() + " (in use?)");
            }
            TokenRevocations revocations = new TokenRevocations(connectionStore, new DeliveryBus(redis, registry, clock),
                    config.revocationRetention(), clock);
            admin = GrpcServerHost.start(config.adminGrpcPort(), List.of(new GatewayAdminGrpcEndpoint(revocations)), tls);
            List<HealthCheck> checks = new ArrayList<>(List.of(new RedisReadiness(redis), inboxReadiness(),
                    new ListenerLiveness(server::port)));
            checks.addAll(startGrpcReadiness());
            observe = ObserveServer.start(config.metricsPort(), checks, config.metricsEnabled());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(Level.INFO, "edge-gateway " + config.instanceId() + " up: WebSocket ws://localhost:" + server.port()
                + "/ws, Socket.IO ws://localhost:" + server.port() + "/socket.io/, health and metrics on port " + observe.port()
                + ", admin gRPC on port " + admin.port() + "; at most " + maxConnections + " connections");
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

    /** The admin gRPC port. */
    public int adminPort() {
        return admin.port();
    }

    /** The health and metrics port. */
    public int observePort() {
        return observe.port();
    }

    /**
     * Frames that rode back in a response (CallerInboxInterceptor). A method, not the
     * dispatcher itself, because the channels are made before it: no call is made before
     * the listeners start, after the constructor.
     */
    private void deliver(DeliveryFrame frame) {
        dispatcher.accept(frame);
    }

    /** This instance's id on the delivery bus. */
    public String instanceId() {
        return config.instanceId();
    }

    /** The authenticated connections' ids by user, for the open-connection refresh. */
    private static Map<String, List<String>> openByUser(Collection<ClientConnection> all) {
        Map<String, List<String>> byUser = new HashMap<>();
        for (ClientConnection connection : all) {
            if (isOpenAndAuthenticated(connection)) {
                byUser.computeIfAbsent(connection.identity().userId(), u -> new ArrayList<>()).add(connection.id());
            }
        }
        return byUser;
    }

    /** The callers of the authenticated connections, for the alive report. */
    private static List<Caller> aliveCallers(Collection<ClientConnection> all) {
        List<Caller> callers = new ArrayList<>();
        for (ClientConnection connection : all) {
            if (isOpenAndAuthenticated(connection)) {
                callers.add(connection.caller());
            }
        }
        return callers;
    }

    /** Authenticated and not closing: a connection that counts as open for limits and reports. */
    private static boolean isOpenAndAuthenticated(ClientConnection connection) {
        return connection.isAuthenticated() && !connection.out().isClosing();
    }

    /** Runs a periodic task so that a failure is logged and the next period still runs. */
    private static void guarded(String task, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, task + " failed (" + e.getClass().getSimpleName() + "); retrying next period");
        }
    }

    /** One readiness check per gRPC service readiness waits for (GATEWAY_READINESS_SERVICES), probing in the background. */
    private List<GrpcReadiness> startGrpcReadiness() {
        GrpcReadiness.Policy policy = config.readiness().probes();
        for (ReadinessSettings.Dependency dependency : config.readiness().services()) {
            GrpcReadiness check = switch (dependency) {
                case MESSAGING -> GrpcReadiness.start("grpc-messaging", config.messagingTarget(), messagingChannel,
                        MessagingServiceGrpc.SERVICE_NAME, policy, timers);
                case PRESENCE -> GrpcReadiness.start("grpc-presence", config.presenceTarget(), presenceChannel,
                        PresenceServiceGrpc.SERVICE_NAME, policy, timers);
                case CALLS -> GrpcReadiness.start("grpc-calls", config.callsTarget(), callsChannel,
                        CallServiceGrpc.SERVICE_NAME, policy, timers);
                case NOTIFICATIONS -> GrpcReadiness.start("grpc-notifications", config.notificationsTarget(),
                        notificationsChannel, NotificationServiceGrpc.SERVICE_NAME, policy, timers);
            };
            grpcReadiness.add(check);
        }
        return grpcReadiness;
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

    /**
     * Drains: tells every client to reconnect elsewhere (1001), waits until those close frames
     * are written (each connection's writer finishes what it queued first; one that cannot
     * is cut after the close grace), then stops everything.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ClientConnection connection : connections.all()) {
            connection.out().close(CloseCode.GOING_AWAY, CloseCode.GOING_AWAY.reason());
            closing.add(connection.out().finished());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(config.outbound().closeGrace().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "drain: not every close frame was written (" + e.getClass().getSimpleName() + ")");
        }
        if (server != null) {
            server.stop();
        }
        if (observe != null) {
            observe.close();
        }
        if (admin != null) {
            admin.close();
        }
        grpcReadiness.forEach(GrpcReadiness::close);
        inbox.close();
        timers.shutdownNow();
        writers.shutdown();
        eventChannels.forEach(MultiplexChannel::close); // ends their streams: the channels' shutdown waits for them
        GrpcChannels.close(messagingChannel);
        GrpcChannels.close(presenceChannel);
        GrpcChannels.close(callsChannel);
        GrpcChannels.close(notificationsChannel);
        redis.close();
        LOG.log(Level.INFO, "edge-gateway " + config.instanceId() + " stopped");
    }
}
