package io.sup.realtime.gateway;

import java.time.Duration;
import java.util.UUID;

import io.sup.realtime.gateway.auth.JwtSettings;
import io.sup.realtime.gateway.connection.OutboundPolicy;
import io.sup.realtime.gateway.health.ReadinessSettings;
import io.sup.realtime.gateway.limits.ConnectionLimits;
import io.sup.realtime.gateway.routing.ShedPolicy;
import io.sup.realtime.gateway.session.TokenPolicy;
import io.sup.realtime.gateway.ws.OriginPolicy;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.ids.Ids;

/**
 * The gateway's settings ({@code application.yaml}, environment overrides; the original's
 * variables keep their names).
 *
 * @param port             WebSocket port ({@code PORT}, default 3001)
 * @param metricsPort      health and metrics port ({@code METRICS_PORT}, default 9091)
 * @param metricsEnabled   whether {@code /metrics} is served ({@code METRICS_ENABLED}, default true)
 * @param instanceId       this instance's id on the delivery bus ({@code GATEWAY_INSTANCE_ID}, default random)
 * @param authTimeout      how long a connection may stay unauthenticated ({@code GATEWAY_AUTH_TIMEOUT_MS}, default 10 s)
 * @param outbound         frames a connection may have queued before it is closed as a slow consumer
 *                         ({@code GATEWAY_OUTBOUND_LIMIT}, default 1024), and how long a connection the
 *                         gateway closes may take to let the close frame through ({@code GATEWAY_CLOSE_GRACE_MS},
 *                         default 2 s)
 * @param maxConnections   client connections held at once ({@code GATEWAY_MAX_CONNECTIONS}, default 0: as
 *                         many as the open-file limit allows, see {@link io.sup.realtime.gateway.connection.ConnectionCap})
 * @param maxMessageBytes  largest client message ({@code SOCKETIO_MAX_BUFFER_SIZE}, default 1 MiB)
 * @param grpcDeadline     deadline of each call to a service ({@code GATEWAY_GRPC_DEADLINE_MS}, default 5 s)
 * @param shed             how many client events of one domain may be with its service at once, how many
 *                         and how long may wait for a slot beyond that, and the retry time of one refused
 *                         ({@code GATEWAY_GRPC_MAX_IN_FLIGHT}, default 128, 0: no bound; {@code GATEWAY_GRPC_QUEUE_LENGTH},
 *                         default 256, 0: none wait; {@code GATEWAY_GRPC_QUEUE_TIMEOUT_MS}, 1 ms to 60 s, default 1 s;
 *                         {@code GATEWAY_BUSY_RETRY_MS}, 1 ms to 1 h, default 1 s)
 * @param messagingTarget  messaging-service gRPC target ({@code MESSAGING_GRPC_TARGET}, default localhost:7001)
 * @param presenceTarget   presence-service gRPC target ({@code PRESENCE_GRPC_TARGET}, default localhost:7002)
 * @param callsTarget      call-signaling-service gRPC target ({@code CALLS_GRPC_TARGET}, default localhost:7003)
 * @param notificationsTarget notification-service gRPC target ({@code NOTIFICATIONS_GRPC_TARGET}, default localhost:7004)
 * @param connectionAliveInterval how often the services that keep per-connection state are told which
 *                         connections are still open ({@code GATEWAY_CONNECTION_ALIVE_INTERVAL_MS}, default 10 s).
 *                         Keep it well below the services' connection TTL (presence's and calls' default is 25 s), so
 *                         that one lost report does not expire a live connection, and below
 *                         {@code HEARTBEAT_INTERVAL} (30 s)
 * @param routeTtl         routing-registry entry lifetime ({@code BUS_ROUTE_TTL_MS}, default 30 s; refreshed every third)
 * @param heartbeatInterval time between heartbeat pings ({@code HEARTBEAT_INTERVAL}, default 30 s)
 * @param heartbeatTimeout  extra time for an answer before the peer counts as gone ({@code HEARTBEAT_TIMEOUT}, default 20 s)
 * @param maxIdle          longest time without a client event ({@code MAX_IDLE_TIME}, default 30 min)
 * @param socketIoPingInterval Engine.IO ping interval ({@code SOCKETIO_PING_INTERVAL}, default 25 s)
 * @param socketIoPingTimeout  Engine.IO ping timeout ({@code SOCKETIO_PING_TIMEOUT}, default 60 s)
 * @param jwt              token checks
 * @param tokens           how long a connection may use its token, and the warning before its expiry
 * @param revocationRetention how long a token revocation is remembered ({@code JWT_REVOCATION_RETENTION_MS},
 *                         default 7 days; make it at least the longest token lifetime)
 * @param limits           connection attempts per user and address, open connections per user, exemptions
 * @param origins          the upgrade's Origin allow-list ({@code CORS_ORIGIN}) and missing-Origin rule
 * @param adminGrpcPort    the admin gRPC API (token revocation; {@code GATEWAY_ADMIN_GRPC_PORT}, default 7000)
 * @param readiness        the gRPC services readiness waits for, and their probes ({@code GATEWAY_READINESS_*})
 */
public record GatewayConfig(int port, int metricsPort, boolean metricsEnabled, String instanceId, Duration authTimeout,
                            OutboundPolicy outbound, int maxConnections, int maxMessageBytes, Duration grpcDeadline, ShedPolicy shed,
                            String messagingTarget,
                            String presenceTarget, String callsTarget, String notificationsTarget,
                            Duration connectionAliveInterval,
                            Duration routeTtl, Duration heartbeatInterval, Duration heartbeatTimeout, Duration maxIdle,
                            Duration socketIoPingInterval, Duration socketIoPingTimeout, JwtSettings jwt, TokenPolicy tokens,
                            Duration revocationRetention, ConnectionLimits limits, OriginPolicy origins, int adminGrpcPort,
                            ReadinessSettings readiness) {
    /** Validates the instance id. */
    public GatewayConfig {
        if (!Ids.isValid(instanceId) || instanceId.contains(".") || instanceId.length() > 64) {
            throw new IllegalArgumentException("configuration 'gateway.instance.id' (env GATEWAY_INSTANCE_ID) has a bad value '"
                    + instanceId + "': 1-64 characters of A-Z a-z 0-9 _ : @ - (no dots)");
        }
    }

    /** Reads and validates the settings. */
    public static GatewayConfig from(Settings s) {
        JwtSettings jwt = JwtSettings.from(s);
        return new GatewayConfig(
                s.port("port"),
                s.port("metrics.port"),
                s.bool("metrics.enabled"),
                s.string("gateway.instance.id", "gw-" + UUID.randomUUID().toString().substring(0, 8)),
                s.millis("gateway.auth.timeout.ms"),
                new OutboundPolicy(s.intInRange("gateway.outbound.limit", 1, 1_000_000), s.millis("gateway.close.grace.ms")),
                s.intInRange("gateway.max.connections", 0, Integer.MAX_VALUE),
                s.intInRange("socketio.max.buffer.size", 1024, 64 * 1024 * 1024),
                s.millis("gateway.grpc.deadline.ms"),
                new ShedPolicy(s.intInRange("gateway.grpc.max.in.flight", 0, 1_000_000),
                        s.intInRange("gateway.grpc.queue.length", 0, 1_000_000),
                        Duration.ofMillis(s.intInRange("gateway.grpc.queue.timeout.ms", 1, 60_000)),
                        Duration.ofMillis(s.intInRange("gateway.busy.retry.ms", 1, 3_600_000))),
                s.string("messaging.grpc.target"),
                s.string("presence.grpc.target"),
                s.string("calls.grpc.target"),
                s.string("notifications.grpc.target"),
                s.millis("gateway.connection.alive.interval.ms"),
                s.millis("bus.route.ttl.ms"),
                s.millis("heartbeat.interval"),
                s.millis("heartbeat.timeout"),
                s.millis("max.idle.time"),
                s.millis("socketio.ping.interval"),
                s.millis("socketio.ping.timeout"),
                jwt,
                new TokenPolicy(jwt.leeway(), s.millis("jwt.expiry.warning.ms")),
                s.millis("jwt.revocation.retention.ms"),
                ConnectionLimits.from(s),
                OriginPolicy.from(s),
                s.port("gateway.admin.grpc.port"),
                ReadinessSettings.from(s));
    }
}
