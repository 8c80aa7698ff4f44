package io.sup.realtime.gateway.connection;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.gateway.protocol.WireCodec;
import io.sup.realtime.proto.gateway.v1.Caller;

/**
 * One client connection's state on this gateway instance: its id, codec, identity once
 * authenticated, local rooms, and its single writer. Domain state lives in the services.
 */
public final class ClientConnection {
    private final String id;
    private final String instance;
    private final WireCodec codec;
    private final OutboundQueue out;
    private final InboundQueue inbound;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final TokenTimers tokenTimers = new TokenTimers();
    private volatile Identity identity;
    private volatile Optional<InetAddress> clientAddress = Optional.empty();
    private volatile Caller caller;
    private volatile String handshakeDeviceId;
    private volatile long lastInboundAt = now();
    private volatile long lastEventAt = lastInboundAt;
    private volatile long lastPingAt = lastInboundAt;

    /**
     * @param id       unique connection id, {@code <instance>.<n>}
     * @param instance this gateway instance's id
     * @param codec    the connection's wire protocol
     * @param out      the connection's writer
     * @param inbound  runs the connection's event handling, in order, off its socket reader
     */
    public ClientConnection(String id, String instance, WireCodec codec, OutboundQueue out, InboundQueue inbound) {
        this.id = id;
        this.instance = instance;
        this.codec = codec;
        this.out = out;
        this.inbound = inbound;
    }

    /** The connection id. */
    public String id() {
        return id;
    }

    /** The wire protocol. */
    public WireCodec codec() {
        return codec;
    }

    /** The writer. */
    public OutboundQueue out() {
        return out;
    }

    /** Where the connection's events are handled, in order. */
    public InboundQueue inbound() {
        return inbound;
    }

    /** The identity, or null before authentication. */
    public Identity identity() {
        return identity;
    }

    /** Whether the connection has authenticated. */
    public boolean isAuthenticated() {
        return identity != null;
    }

    /** Records a successful authentication. */
    void authenticated(Identity who) {
        this.caller = Caller.newBuilder()
                .setUserId(who.userId())
                .setDeviceId(who.deviceId())
                .setConnectionId(id)
                .setGatewayInstance(instance)
                .build();
        this.identity = who;
    }

    /**
     * Records a refreshed token of the same user (the caller checked that): later revocations
     * are checked against it.
     */
    public void tokenRefreshed(Identity.TokenClaims token) {
        Identity current = identity;
        this.identity = new Identity(current.userId(), current.deviceId(), token);
    }

    /** The timers of the connection's token lifetime. */
    public TokenTimers tokenTimers() {
        return tokenTimers;
    }

    /** The client's address (see {@link io.sup.realtime.gateway.limits.ClientAddress}), when known. */
    public Optional<InetAddress> clientAddress() {
        return clientAddress;
    }

    /** Records the client's address, resolved at the WebSocket upgrade. */
    public void clientAddress(Optional<InetAddress> address) {
        this.clientAddress = address;
    }

    /** The caller every gRPC request made for this connection carries. */
    public Caller caller() {
        return caller;
    }

    /** Rooms this connection joined (live view). */
    Set<String> rooms() {
        return rooms;
    }

    /** The {@code deviceId} the client gave at the handshake, or null. */
    public String handshakeDeviceId() {
        return handshakeDeviceId;
    }

    /** Records the handshake's {@code deviceId}, the fallback when the token names none. */
    public void handshakeDeviceId(String deviceId) {
        this.handshakeDeviceId = deviceId;
    }

    /** Monotonic milliseconds, the clock of the heartbeat bookkeeping. */
    static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Something (a frame of any kind, a pong) arrived from the client. */
    public void touched() {
        lastInboundAt = now();
    }

    /** A client event arrived: the connection is in use, not idle. */
    public void eventReceived() {
        lastInboundAt = now();
        lastEventAt = lastInboundAt;
    }

    long lastInboundAt() {
        return lastInboundAt;
    }

    long lastEventAt() {
        return lastEventAt;
    }

    long lastPingAt() {
        return lastPingAt;
    }

    /** Sends the protocol's heartbeat (a WebSocket ping, or the protocol's own ping frame). */
    void ping() {
        lastPingAt = now();
        String frame = codec.heartbeatFrame();
        if (frame == null) {
            out.ping();
        } else {
            out.send(frame);
        }
    }

    /**
     * Closes for good: the client should not reconnect on its own (refused, idle). Protocols
     * that say so in a frame (Socket.IO's DISCONNECT) get it first.
     */
    public void close(CloseCode code, String reason) {
        String disconnect = codec.finalDisconnectFrame();
        if (disconnect != null) {
            out.send(disconnect);
        }
        out.close(code, reason);
    }

    /** Sends a server -> client event. */
    public void sendEvent(String event, String dataJson) {
        out.send(codec.event(event, dataJson));
    }

    /** Acknowledges the client's event {@code ackId}. */
    public void sendAck(long ackId, String dataJson) {
        out.send(codec.ack(ackId, dataJson));
    }
}
