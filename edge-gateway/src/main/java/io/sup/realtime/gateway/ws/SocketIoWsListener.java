package io.sup.realtime.gateway.ws;

import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.gateway.protocol.FrameException;
import io.sup.realtime.gateway.protocol.Replies;
import io.sup.realtime.gateway.protocol.SocketIoCodec;
import io.sup.realtime.gateway.session.ClientSessions;

/**
 * One Socket.IO connection at {@code /socket.io/} (Engine.IO v4, websocket transport), for
 * clients built for the original service. Sends the Engine.IO open packet, answers the
 * Engine.IO and Socket.IO control packets, authenticates on the Socket.IO CONNECT with its
 * {@code auth.token} (or a {@code ?token=} / {@code Authorization} handshake token), and
 * hands events to {@link ClientSessions}.
 */
public final class SocketIoWsListener extends FramedWsListener {
    private final SocketIoCodec codec;
    private String handshakeToken;
    private String deviceId;

    /**
     * @param sessions        connection lifecycle
     * @param codec           the Socket.IO protocol
     * @param maxMessageBytes largest text message, in UTF-8 bytes
     * @param origins         the upgrade's Origin rule
     */
    public SocketIoWsListener(ClientSessions sessions, SocketIoCodec codec, int maxMessageBytes, OriginPolicy origins) {
        super(sessions, maxMessageBytes, origins);
        this.codec = codec;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String version = prologue.query().first("EIO").orElse("");
        if (!"4".equals(version)) {
            throw new WsUpgradeException("Engine.IO protocol 4 is required (socket.io-client 3.x or 4.x)");
        }
        handshake(headers);
        handshakeToken = NativeWsListener.handshakeToken(prologue, headers);
        deviceId = prologue.query().first("deviceId").filter(d -> !d.isBlank()).orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        // No token yet: Socket.IO authenticates on CONNECT, within the authentication deadline.
        connection = sessions.open(session, codec, null, deviceId, clientAddress(session));
        connection.out().send(codec.open(UUID.randomUUID().toString()));
    }

    @Override
    protected void onText(String text) {
        SocketIoCodec.Packet packet;
        try {
            packet = codec.decode(text);
        } catch (FrameException e) {
            sessions.frameError(connection, e.getMessage());
            return;
        }
        switch (packet) {
            case SocketIoCodec.Packet.Event event -> sessions.onEventAfterConnect(connection, event.event());
            case SocketIoCodec.Packet.Refused refused -> {
                if (SocketIoCodec.MAIN_NAMESPACE.equals(refused.namespace())) {
                    sessions.refuseEvent(connection, refused.ackId(), ErrorCode.INVALID_ARGUMENT, refused.reason());
                } else {
                    connection.out().send(codec.ack(refused.namespace(), refused.ackId(),
                            Replies.failure(ErrorCode.NOT_FOUND, refused.reason())));
                }
            }
            case SocketIoCodec.Packet.Connect connect ->
                    sessions.connect(connection, token(connect.auth()), text(connect.auth(), "deviceId", deviceId));
            case SocketIoCodec.Packet.UnknownNamespace unknown ->
                    connection.out().send(codec.unknownNamespace(unknown.namespace()));
            case SocketIoCodec.Packet.Ping ping -> connection.out().send(codec.pong(ping.data()));
            case SocketIoCodec.Packet.Close close -> connection.out().close(CloseCode.NORMAL, "client disconnect");
            case SocketIoCodec.Packet.Pong pong -> {
                // A sign of life, already counted.
            }
            case SocketIoCodec.Packet.Noop noop -> {
            }
            case SocketIoCodec.Packet.Ack ack -> {
                // We never ask clients for acks.
            }
        }
    }

    private String token(JsonNode auth) {
        return text(auth, "token", handshakeToken);
    }

    /** A non-blank string field of the CONNECT {@code auth} object, else {@code fallback}. */
    private static String text(JsonNode auth, String field, String fallback) {
        JsonNode value = auth.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : fallback;
    }
}
