package io.sup.realtime.gateway.session;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.metrics.api.Metrics;
import io.helidon.websocket.WsSession;
import io.sup.realtime.gateway.auth.AuthenticationException;
import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.gateway.auth.JwtVerifier;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.limits.Admission;
import io.sup.realtime.gateway.limits.ClientAddress;
import io.sup.realtime.gateway.limits.ConnectionAdmission;
import io.sup.realtime.gateway.connection.CloseMetrics;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.connection.InboundQueue;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.connection.OutboundPolicy;
import io.sup.realtime.gateway.connection.OutboundQueue;
import io.sup.realtime.gateway.metrics.ConnectionMetrics;
import io.sup.realtime.gateway.metrics.ConnectionMetrics.Connect;
import io.sup.realtime.gateway.metrics.EventMetrics;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ClientJson;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.protocol.Replies;
import io.sup.realtime.gateway.protocol.SocketIoCodec;
import io.sup.realtime.gateway.protocol.WireCodec;
import io.sup.realtime.gateway.routing.ClientEvents;
import io.sup.realtime.gateway.routing.ConnectionReports;
import io.sup.realtime.gateway.routing.EventRouter;
import io.sup.realtime.gateway.routing.Outcome;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.telemetry.TracedEvent;
import io.sup.realtime.proto.gateway.v1.Disconnect;

/**
 * A connection's life, whatever its wire protocol: open, authenticate (at the handshake, by
 * a first {@code auth} event, or by Socket.IO's CONNECT, within the deadline), route events
 * and answer them, close.
 *
 * <p>Authentication failures are told the protocol's way ({@link WireCodec#connectRefused}):
 * the native protocol sends an {@code error} event with code {@code UNAUTHENTICATED} and the
 * reason and closes with 4401; Socket.IO sends CONNECT_ERROR and lets the client try again
 * until the deadline, which closes with 4408. A bad frame gets an {@code error} event (or a
 * failed ack) and the connection stays up. Nothing a client sends reaches another client
 * unless a service delivers it.
 */
public final class ClientSessions {
    private static final Logger LOG = System.getLogger(ClientSessions.class.getName());
    private static final ObjectMapper JSON = ClientJson.MAPPER;
    /** Events a connection may have waiting before its socket reader waits too (TCP backpressure). */
    static final int INBOUND_LIMIT = 32;

    private final JwtVerifier verifier;
    private final LocalConnections connections;
    private final EventRouter router;
    private final ConnectionReports reports;
    private final ScheduledExecutorService timers;
    private final Executor writers;
    private final Duration authTimeout;
    private final OutboundPolicy outbound;
    private final CloseMetrics closeMetrics = new CloseMetrics(Metrics.globalRegistry());
    private final EventMetrics events = new EventMetrics();
    private final ConnectionMetrics connectionMetrics;
    private final ConnectionAdmission admission;
    private final TokenLifetimes lifetimes;

    /**
     * @param verifier      checks tokens
     * @param connections   this instance's connections
     * @param router        client event -> service call
     * @param reports       tells services when a connection authenticates and when it closes
     * @param timers        schedules authentication deadlines
     * @param writers       runs connections' writers and event handling (virtual threads)
     * @param authTimeout   how long a connection may stay unauthenticated
     * @param outbound      each connection's outbound bound and close grace
     * @param admission     connection limits and revoked tokens
     * @param tokens        how long a connection may outlive its token's {@code exp} (the verifier's leeway),
     *                      and how long before it the client is warned
     * @param clock         the verifier's time source
     */
    public ClientSessions(JwtVerifier verifier, LocalConnections connections, EventRouter router,
                          ConnectionReports reports, ScheduledExecutorService timers, Executor writers,
                          Duration authTimeout, OutboundPolicy outbound, ConnectionAdmission admission,
                          TokenPolicy tokens, Clock clock) {
        this.admission = admission;
        this.lifetimes = new TokenLifetimes(verifier, admission, timers, writers, tokens, clock);
        this.verifier = verifier;
        this.connections = connections;
        this.router = router;
        this.reports = reports;
        this.timers = timers;
        this.writers = writers;
        this.authTimeout = authTimeout;
        this.outbound = outbound;
        this.connectionMetrics = new ConnectionMetrics(connections);
    }

    /**
     * A new connection. With a handshake token it authenticates at once; without one it has
     * {@code authTimeout} to send an {@code auth} event.
     *
     * @param token    token from {@code ?token=} or {@code Authorization: Bearer}, or null
     * @param deviceId the handshake's {@code deviceId}, or null
     * @param address  the client's address (connection attempts per address are limited), when known
     */
    public ClientConnection open(WsSession session, WireCodec codec, String token, String deviceId,
                                 Optional<InetAddress> address) {
        OutboundQueue out = new OutboundQueue(session, writers, timers, outbound, closeMetrics);
        ClientConnection connection = new ClientConnection(connections.nextId(), connections.instance(), codec, out,
                new InboundQueue(writers, INBOUND_LIMIT));
        connection.handshakeDeviceId(deviceId);
        connection.clientAddress(address);
        // However the connection ends (our close, the peer's, a failed write), it leaves the
        // indexes, the routing registry and the open-connection count at once. Its closed
        // report follows the events it sent before (a call:initiate still in flight must not
        // miss the close that ends its call).
        out.onClosing("connection " + connection.id(), () -> {
            lifetimes.stop(connection);
            connections.closed(connection);
            connection.inbound().submitLast(() -> reports.closed(connection));
            if (connection.isAuthenticated()) {
                admission.released(connection.identity().userId(), connection.id());
            }
        });
        connections.opened(connection);
        connectionMetrics.opened(codec instanceof SocketIoCodec);
        // First in line: nothing the client sent is handled before its address was admitted.
        connection.inbound().submit(() -> admitAddress(connection));
        if (token != null) {
            connection.inbound().submit(() -> {
                if (!connection.out().isClosedByServer()) {
                    authenticate(connection, token, deviceId, -1);
                }
            });
        } else {
            timers.schedule(() -> {
                if (!connection.isAuthenticated() && !connection.out().isClosing()) {
                    connectionMetrics.authTimedOut();
                    refuse(connection, CloseCode.AUTH_TIMEOUT, "not authenticated within " + authTimeout.toMillis() + " ms");
                }
            }, authTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return connection;
    }

    /**
     * The client's address for a connection from {@code peer} whose upgrade carried these
     * {@code X-Forwarded-For} values (see {@link ClientAddress}).
     */
    public Optional<InetAddress> clientAddress(SocketAddress peer, List<String> forwardedFor) {
        return ClientAddress.resolve(peer, forwardedFor, admission.limits().trustedProxies());
    }

    /** A frame the codec could not decode: the client is told why; the connection stays. */
    public void frameError(ClientConnection connection, String reason) {
        // In line with the events before it: its error must not overtake their acks.
        connection.inbound().submit(() -> sendFrameError(connection, reason));
    }

    /** The {@code error} event for a frame the gateway could not take (dropped if the connection is closing). */
    private static void sendFrameError(ClientConnection connection, String reason) {
        connection.sendEvent(ServerEvent.ERROR.wireName(), Replies.errorEvent(ErrorCode.INVALID_ARGUMENT, reason, null));
    }

    /** An event that asked for an ack but cannot be taken: the failed ack says why. */
    public void refuseEvent(ClientConnection connection, long ackId, ErrorCode code, String reason) {
        connection.inbound().submit(() -> connection.sendAck(ackId, Replies.failure(code, reason)));
    }

    /**
     * A protocol-level authentication request (Socket.IO CONNECT): the token the client
     * gave, or null.
     */
    public void connect(ClientConnection connection, String token, String deviceId) {
        connection.inbound().submit(() -> {
            if (connection.out().isClosedByServer()) {
                return;
            }
            if (connection.isAuthenticated()) {
                // A repeated CONNECT: confirm again rather than re-authenticate.
                String accepted = connection.codec().connectAccepted(connection.id());
                if (accepted != null) {
                    connection.out().send(accepted);
                }
                return;
            }
            authenticate(connection, token, deviceId != null ? deviceId : connection.handshakeDeviceId(), -1);
        });
    }

    /** One decoded client event: handled after the ones before it, off the socket reader. */
    public void onEvent(ClientConnection connection, ClientEvent event) {
        long received = System.nanoTime(); // the event's latency counts its wait behind earlier ones
        connection.inbound().submit(() -> handle(connection, event, received));
    }

    /**
     * A Socket.IO event, which counts only once a CONNECT succeeded: checked when its turn
     * comes, after any CONNECT the client sent before it.
     */
    public void onEventAfterConnect(ClientConnection connection, ClientEvent event) {
        long received = System.nanoTime();
        connection.inbound().submit(() -> {
            // Sends to a closing connection are dropped by its writer: no check needed here.
            if (connection.isAuthenticated()) {
                handle(connection, event, received);
            } else if (event.wantsAck()) {
                connection.sendAck(event.ackId(), Replies.failure(ErrorCode.UNAUTHENTICATED, "send CONNECT before events"));
            } else {
                sendFrameError(connection, "send CONNECT before events");
            }
        });
    }

    /** @param received when the event was decoded ({@link System#nanoTime()}), for its latency */
    private void handle(ClientConnection connection, ClientEvent event, long received) {
        // A request id and the connection id on this event's log lines and calls, and its
        // span while tracing is on; an unknown name is the client's text, never a span name.
        String name = ClientEvents.isKnown(event.name()) || ClientEvents.AUTH.equals(event.name())
                || ClientEvents.AUTH_REFRESH.equals(event.name()) ? event.name() : "unknown";
        try (TracedEvent traced = TracedEvent.start(name, connection.id())) {
            Outcome outcome = handled(connection, event, received);
            if (outcome instanceof Outcome.Failed failed) {
                traced.failed(failed.code().name());
            }
        }
    }

    /** Handles {@code event} and replies; returns how it ended (null when nothing was replied). */
    private Outcome handled(ClientConnection connection, ClientEvent event, long received) {
        if (connection.out().isClosedByServer()) {
            return null; // refused, timed out or overflowing: nothing it sends counts any more
        }
        if (ClientEvents.AUTH.equals(event.name())) {
            onAuthEvent(connection, event);
            return null;
        }
        if (!connection.isAuthenticated()) {
            return reply(connection, event, new Outcome.Failed(ErrorCode.UNAUTHENTICATED, "authenticate first: send an auth event"));
        }
        connection.eventReceived();
        EventMetrics.Event meters = events.of(event.name());
        meters.received();
        Outcome outcome = ClientEvents.AUTH_REFRESH.equals(event.name())
                ? lifetimes.refresh(connection, event.dataJson())
                : router.handle(connection, event);
        reply(connection, event, outcome);
        meters.answered(outcome instanceof Outcome.Failed failed ? failed.code() : null, received);
        return outcome;
    }

    /** The peer closed the connection, or its socket failed. */
    public void closed(ClientConnection connection) {
        connection.out().abandon();
    }

    private void onAuthEvent(ClientConnection connection, ClientEvent event) {
        if (connection.isAuthenticated()) {
            reply(connection, event, new Outcome.Failed(ErrorCode.INVALID_ARGUMENT, "already authenticated"));
            return;
        }
        String token = null;
        String deviceId = null;
        try {
            JsonNode data = JSON.readTree(event.dataJson());
            token = data.path("token").isTextual() ? data.get("token").asText() : null;
            deviceId = data.path("deviceId").isTextual() ? data.get("deviceId").asText() : null;
        } catch (java.io.IOException e) {
            // Decoded by the codec already: cannot happen; treated as a missing token below.
        }
        authenticate(connection, token, deviceId != null ? deviceId : connection.handshakeDeviceId(), event.ackId());
    }

    private void authenticate(ClientConnection connection, String token, String deviceId, long ackId) {
        Identity who;
        try {
            who = verifier.verify(token, deviceId);
        } catch (AuthenticationException e) {
            connectionMetrics.authFailed(e.reason());
            if (ackId >= 0) {
                connection.sendAck(ackId, Replies.failure(ErrorCode.UNAUTHENTICATED, e.getMessage()));
            }
            if (connection.codec().keepsConnectionAfterRefusal()) {
                LOG.log(Level.INFO, "connection " + connection.id() + " refused, may retry: " + e.getMessage());
                connection.out().send(connection.codec().connectRefused(ErrorCode.UNAUTHENTICATED, e.getMessage(), 0));
            } else {
                refuse(connection, CloseCode.UNAUTHENTICATED, e.getMessage());
            }
            return;
        }
        try {
            if (admission.admitUser(who, connection.id(), connection.clientAddress()) instanceof Admission.Refused refused) {
                if (ackId >= 0) {
                    connection.sendAck(ackId, Replies.failure(refused.code(), refused.reason(), refused.retryAfterMs()));
                }
                refuse(connection, refused);
                return;
            }
            connections.authenticated(connection, who);
        } catch (RuntimeException e) {
            // The routing registry (Redis) is unreachable: without it no delivery can find
            // this connection, so ask the client to come back rather than pretend.
            LOG.log(Level.WARNING, "connection " + connection.id() + " not registered ("
                    + e.getClass().getSimpleName() + "): closing with 1013");
            connectionMetrics.connect(Connect.UNAVAILABLE);
            // The protocol's refusal frame: Socket.IO clients drop events that come before a
            // CONNECT answer, so they need CONNECT_ERROR to see why.
            connection.out().send(connection.codec().connectRefused(ErrorCode.UNAVAILABLE, "service unavailable, retry later", 0));
            connection.out().close(CloseCode.TRY_AGAIN_LATER, CloseCode.TRY_AGAIN_LATER.reason());
            return;
        }
        connectionMetrics.connect(Connect.OK);
        if (!connection.out().isClosing()) {
            // Asynchronous: never holds up the connection. One that closed while it was being
            // registered is not reported opened; its closed report may already have gone.
            reports.opened(connection);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", who.userId());
        data.put("deviceId", who.deviceId());
        data.put("connectionId", connection.id());
        String connected = NativeCodec.object(data);
        String accepted = connection.codec().connectAccepted(connection.id());
        if (accepted != null) {
            connection.out().send(accepted);
        }
        if (ackId >= 0) {
            connection.sendAck(ackId, Replies.success(connected));
        }
        connection.sendEvent(ServerEvent.CONNECTED.wireName(), connected);
        lifetimes.track(connection);
        if (connection.out().isClosing()) {
            // Closed while it was being admitted: its close ran before it counted as open.
            admission.released(who.userId(), connection.id());
        }
    }

    /** Refuses an unauthenticated connection (counted by the caller: why is its to say). */
    private void refuse(ClientConnection connection, CloseCode code, String reason) {
        LOG.log(Level.INFO, "connection " + connection.id() + " refused: " + reason);
        connection.out().send(connection.codec().connectRefused(ErrorCode.UNAUTHENTICATED, reason, 0));
        connection.close(code, reason);
    }

    /** A connection limit or a revoked token: the client is told why (and when to retry), then closed. */
    private void refuse(ClientConnection connection, Admission.Refused refused) {
        connectionMetrics.connect(Connect.REFUSED);
        LOG.log(Level.INFO, "connection " + connection.id() + " refused: " + refused.refusal());
        connection.out().send(connection.codec().connectRefused(refused.code(), refused.reason(), refused.retryAfterMs()));
        connection.close(refused.close(), refused.retryAfterMs() > 0
                ? refused.close().reason() + "; retryAfterMs=" + refused.retryAfterMs() : refused.close().reason());
    }

    /** The connection's first step: whether its client address may connect now. */
    private void admitAddress(ClientConnection connection) {
        Admission verdict;
        try {
            verdict = admission.admitAddress(connection.clientAddress());
        } catch (RuntimeException e) {
            // Redis is down: the limit cannot be checked, and authentication will say 1013.
            LOG.log(Level.WARNING, "connection " + connection.id() + ": address limit not checked ("
                    + e.getClass().getSimpleName() + ")");
            return;
        }
        if (verdict instanceof Admission.Refused refused) {
            refuse(connection, refused);
        }
    }

    /**
     * A revocation reached this instance for {@code connectionId}: the connection closes with
     * 4401 "token revoked" if its current token is covered (see {@link TokenLifetimes#revoke}).
     */
    public void revoke(String connectionId, Disconnect revocation) {
        ClientConnection connection = connections.byId(connectionId);
        if (connection != null) {
            lifetimes.revoke(connection, revocation);
        }
    }

    private Outcome reply(ClientConnection connection, ClientEvent event, Outcome outcome) {
        switch (outcome) {
            case Outcome.Ok ok -> {
                if (event.wantsAck()) {
                    connection.sendAck(event.ackId(), Replies.success(ok.responseJson()));
                }
            }
            case Outcome.Failed failed -> {
                if (event.wantsAck()) {
                    connection.sendAck(event.ackId(), Replies.failure(failed.code(), failed.message(), failed.retryAfterMs()));
                } else {
                    connection.sendEvent(ServerEvent.ERROR.wireName(), Replies.errorEvent(failed.code(), failed.message(), event.name(),
                            failed.retryAfterMs()));
                }
            }
        }
        return outcome;
    }
}
