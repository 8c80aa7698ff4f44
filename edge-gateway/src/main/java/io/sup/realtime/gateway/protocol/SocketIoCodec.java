package io.sup.realtime.gateway.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Socket.IO protocol v5 over Engine.IO protocol v4, WebSocket transport only, as spoken by
 * {@code socket.io-client} 3.x and 4.x. Sources: the Engine.IO protocol
 * (github.com/socketio/engine.io-protocol, v4) and the Socket.IO protocol
 * (github.com/socketio/socket.io-protocol, v5).
 *
 * <p>Each WebSocket text frame is one Engine.IO packet: a type digit, then data —
 * {@code 0} open, {@code 1} close, {@code 2} ping, {@code 3} pong, {@code 4} message,
 * {@code 5} upgrade, {@code 6} noop. A message carries one Socket.IO packet:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]} with types {@code 0}
 * CONNECT, {@code 1} DISCONNECT, {@code 2} EVENT, {@code 3} ACK, {@code 4} CONNECT_ERROR,
 * {@code 5} BINARY_EVENT, {@code 6} BINARY_ACK. Only the main namespace {@code /} exists.
 *
 * <p>Server -> client: the open packet {@code 0{"sid":...,"upgrades":[],"pingInterval":...,
 * "pingTimeout":...,"maxPayload":...}}, {@code 40{"sid":...}} accepting CONNECT,
 * {@code 44{"message":...}} refusing it, events {@code 42["name",data]}, acks
 * {@code 43<id>[data]}, {@code 41} DISCONNECT, and ping {@code 2} every ping interval.
 */
public final class SocketIoCodec implements WireCodec {
    /** The only namespace. */
    public static final String MAIN_NAMESPACE = "/";

    private static final ObjectMapper JSON = ClientJson.MAPPER;
    private static final long MAX_ACK_ID = (1L << 53) - 1;

    private final Heartbeat heartbeat;
    private final int maxPayload;

    /**
     * @param heartbeat  ping interval and timeout ({@code SOCKETIO_PING_INTERVAL}, {@code SOCKETIO_PING_TIMEOUT})
     * @param maxPayload largest message in bytes, announced as {@code maxPayload} ({@code SOCKETIO_MAX_BUFFER_SIZE})
     */
    public SocketIoCodec(Heartbeat heartbeat, int maxPayload) {
        this.heartbeat = heartbeat;
        this.maxPayload = maxPayload;
    }

    /** A decoded client frame. */
    public sealed interface Packet {
        /** Engine.IO ping (only in probes; servers ping in v4). */
        record Ping(String data) implements Packet {
        }

        /** Engine.IO pong: the answer to our heartbeat. */
        record Pong() implements Packet {
        }

        /** Engine.IO close, or Socket.IO DISCONNECT of the main namespace. */
        record Close() implements Packet {
        }

        /** Engine.IO noop. */
        record Noop() implements Packet {
        }

        /** Socket.IO CONNECT of the main namespace, with the client's {@code auth} object (or {}). */
        record Connect(JsonNode auth) implements Packet {
        }

        /** Socket.IO CONNECT or other packet for a namespace that does not exist. */
        record UnknownNamespace(String namespace) implements Packet {
        }

        /** Socket.IO EVENT. */
        record Event(ClientEvent event) implements Packet {
        }

        /** Socket.IO ACK of a server emit (we ask for none: ignored). */
        record Ack() implements Packet {
        }

        /**
         * An EVENT (or binary event) that asked for an ack but cannot be taken: the client
         * is owed a failed ack rather than a timeout.
         */
        record Refused(String namespace, long ackId, String reason) implements Packet {
        }
    }

    /**
     * Decodes one WebSocket text frame.
     *
     * @throws FrameException for anything that is not a well-formed packet this server takes
     *     (binary packets, upgrades, CONNECT_ERROR from a client, malformed JSON); the message
     *     is client-safe and never quotes the frame
     */
    public Packet decode(String frame) throws FrameException {
        if (frame.isEmpty()) {
            throw new FrameException("empty Engine.IO packet");
        }
        return switch (frame.charAt(0)) {
            case '1' -> new Packet.Close();
            case '2' -> new Packet.Ping(frame.substring(1));
            case '3' -> new Packet.Pong();
            case '4' -> decodeSocketIo(frame.substring(1));
            case '6' -> new Packet.Noop();
            case '5' -> throw new FrameException("transport upgrades are not supported: connect with the websocket transport");
            default -> throw new FrameException("unknown Engine.IO packet type");
        };
    }

    private Packet decodeSocketIo(String packet) throws FrameException {
        if (packet.isEmpty()) {
            throw new FrameException("empty Socket.IO packet");
        }
        char type = packet.charAt(0);
        int i = 1;
        boolean binary = type == '5' || type == '6';
        if (binary) {
            // <attachments>- precedes the namespace and ack id (Socket.IO protocol v5).
            int dash = packet.indexOf('-', i);
            if (dash < 0) {
                throw new FrameException("binary packets are not supported: send JSON only");
            }
            i = dash + 1;
        }
        String namespace = MAIN_NAMESPACE;
        if (i < packet.length() && packet.charAt(i) == '/') {
            int comma = packet.indexOf(',', i);
            namespace = comma < 0 ? packet.substring(i) : packet.substring(i, comma);
            i = comma < 0 ? packet.length() : comma + 1;
        }
        int idStart = i;
        while (i < packet.length() && packet.charAt(i) >= '0' && packet.charAt(i) <= '9') {
            i++;
        }
        long ackId = -1;
        if (i > idStart) {
            int significant = idStart;
            while (significant < i - 1 && packet.charAt(significant) == '0') {
                significant++;
            }
            if (i - significant > 16) {
                throw new FrameException("ack id too large");
            }
            ackId = Long.parseLong(packet, significant, i, 10);
            if (ackId > MAX_ACK_ID) {
                throw new FrameException("ack id too large");
            }
        }
        String payload = packet.substring(i);
        if (!MAIN_NAMESPACE.equals(namespace)) {
            String shown = namespace.codePointCount(0, namespace.length()) > 64
                    ? namespace.substring(0, namespace.offsetByCodePoints(0, 64)) : namespace;
            return switch (type) {
                case '1' -> new Packet.Noop(); // leaving a namespace it never joined
                case '2', '5' -> ackId >= 0 ? new Packet.Refused(shown, ackId, "Invalid namespace")
                        : new Packet.UnknownNamespace(shown);
                default -> new Packet.UnknownNamespace(shown);
            };
        }
        if (binary) {
            return refusedOrThrow(ackId, "binary packets are not supported: send JSON only");
        }
        return switch (type) {
            case '0' -> new Packet.Connect(connectAuth(payload));
            case '1' -> new Packet.Close();
            case '2' -> {
                try {
                    yield new Packet.Event(event(payload, ackId));
                } catch (FrameException e) {
                    yield refusedOrThrow(ackId, e.getMessage());
                }
            }
            case '3' -> new Packet.Ack();
            case '4' -> throw new FrameException("CONNECT_ERROR is a server packet");
            default -> throw new FrameException("unknown Socket.IO packet type");
        };
    }

    /** A refused event is acked when the client asked for an ack, else reported as a frame error. */
    private static Packet refusedOrThrow(long ackId, String reason) throws FrameException {
        if (ackId >= 0) {
            return new Packet.Refused(MAIN_NAMESPACE, ackId, reason);
        }
        throw new FrameException(reason);
    }

    private static JsonNode connectAuth(String payload) throws FrameException {
        if (payload.isEmpty()) {
            return JSON.createObjectNode();
        }
        JsonNode auth = parse(payload);
        if (!auth.isObject()) {
            throw new FrameException("the CONNECT payload must be an object, e.g. {\"token\": \"...\"}");
        }
        return auth;
    }

    private static ClientEvent event(String payload, long ackId) throws FrameException {
        JsonNode args = parse(payload);
        if (!args.isArray() || args.isEmpty() || !args.get(0).isTextual()) {
            throw new FrameException("an EVENT payload is an array starting with the event name");
        }
        String name = args.get(0).asText();
        if (name.isEmpty() || name.length() > NativeCodec.MAX_EVENT_NAME) {
            throw new FrameException("event names are 1-" + NativeCodec.MAX_EVENT_NAME + " characters");
        }
        JsonNode data = args.size() > 1 ? args.get(1) : null;
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new FrameException("the event's first argument must be a JSON object");
        }
        return new ClientEvent(name, ackId, data == null || data.isNull() ? "{}" : ClientJson.write(data));
    }

    private static JsonNode parse(String json) throws FrameException {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null) {
                throw new FrameException("packet payload is not valid JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new FrameException("packet payload is not valid JSON");
        }
    }

    /** The Engine.IO open packet for a new connection. */
    public String open(String sid) {
        Map<String, Object> handshake = new LinkedHashMap<>();
        handshake.put("sid", sid);
        handshake.put("upgrades", new String[0]);
        handshake.put("pingInterval", heartbeat.interval().toMillis());
        handshake.put("pingTimeout", heartbeat.timeout().toMillis());
        handshake.put("maxPayload", maxPayload);
        return "0" + NativeCodec.object(handshake);
    }

    /** The Engine.IO pong answering a client ping (probes echo their data). */
    public String pong(String data) {
        return "3" + data;
    }

    /** CONNECT_ERROR for a namespace that does not exist. */
    public String unknownNamespace(String namespace) {
        return "44" + namespace + "," + NativeCodec.object(Map.of("message", "Invalid namespace"));
    }

    @Override
    public String event(String name, String dataJson) {
        return "42[" + NativeCodec.quote(name) + "," + dataJson + "]";
    }

    @Override
    public String ack(long ackId, String dataJson) {
        return "43" + ackId + "[" + dataJson + "]";
    }

    /** An ACK in {@code namespace} (the main one, or one the client wrongly used). */
    public String ack(String namespace, long ackId, String dataJson) {
        return MAIN_NAMESPACE.equals(namespace) ? ack(ackId, dataJson)
                : "43" + namespace + "," + ackId + "[" + dataJson + "]";
    }

    @Override
    public String heartbeatFrame() {
        return "2";
    }

    @Override
    public Heartbeat heartbeat() {
        return heartbeat;
    }

    @Override
    public String connectAccepted(String connectionId) {
        return "40" + NativeCodec.object(Map.of("sid", connectionId));
    }

    /**
     * CONNECT_ERROR: {@code socket.io-client} raises {@code connect_error} with an {@code Error}
     * whose {@code message} is the reason and whose {@code data} is {@code {code, retryAfterMs?}}
     * (as a server middleware's {@code err.data} reaches the client).
     */
    @Override
    public String connectRefused(ErrorCode code, String reason, long retryAfterMs) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("code", code.name());
        if (retryAfterMs > 0) {
            data.put("retryAfterMs", retryAfterMs);
        }
        Map<String, Object> packet = new java.util.LinkedHashMap<>();
        packet.put("message", reason);
        packet.put("data", data);
        return "44" + NativeCodec.object(packet);
    }

    /** As Socket.IO servers do: the client may send CONNECT again until the deadline. */
    @Override
    public boolean keepsConnectionAfterRefusal() {
        return true;
    }

    /** DISCONNECT: {@code socket.io-client} then reports "io server disconnect" and does not reconnect. */
    @Override
    public String finalDisconnectFrame() {
        return "41";
    }
}
