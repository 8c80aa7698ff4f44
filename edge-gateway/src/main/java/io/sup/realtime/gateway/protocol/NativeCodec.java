package io.sup.realtime.gateway.protocol;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.platform.bus.ServerEvent;

/**
 * The native protocol at {@code /ws}: one JSON object per text frame.
 *
 * <ul>
 *   <li>client -> server: {@code {"event": "message:new", "id": 7, "data": {...}}}; {@code id}
 *       (a whole number 0..2^53-1) asks for an ack, {@code data} is an object (default {})</li>
 *   <li>server -> client event: {@code {"event": "...", "data": ...}}</li>
 *   <li>ack: {@code {"ack": 7, "data": {...}}}</li>
 * </ul>
 *
 * Specified in {@code docs/API.md}.
 */
public final class NativeCodec implements WireCodec {
    /** Longest event name accepted, in characters. */
    static final int MAX_EVENT_NAME = 64;
    private static final long MAX_ACK_ID = (1L << 53) - 1;

    private final Heartbeat heartbeat;

    /** @param heartbeat WebSocket ping timing ({@code HEARTBEAT_INTERVAL}, {@code HEARTBEAT_TIMEOUT}) */
    public NativeCodec(Heartbeat heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Thread-safe once configured; shared by every connection. */
    private static final ObjectMapper JSON = ClientJson.MAPPER;

    /**
     * Decodes one complete text message from the client.
     *
     * @throws FrameException when it is not one JSON object of the native envelope
     */
    public ClientEvent decode(String text) throws FrameException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FrameException("frame is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new FrameException("frame must be a JSON object");
        }
        JsonNode event = root.get("event");
        if (event == null || !event.isTextual() || event.asText().isEmpty() || event.asText().length() > MAX_EVENT_NAME) {
            throw new FrameException("frame needs an \"event\" string of 1-" + MAX_EVENT_NAME + " characters");
        }
        long ackId = -1;
        JsonNode id = root.get("id");
        if (id != null && !id.isNull()) {
            if (!id.canConvertToExactIntegral() || !id.canConvertToLong() || id.asLong() < 0 || id.asLong() > MAX_ACK_ID) {
                throw new FrameException("\"id\" must be a whole number from 0 to 2^53-1");
            }
            ackId = id.asLong();
        }
        JsonNode data = root.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new FrameException("\"data\" must be a JSON object");
        }
        return new ClientEvent(event.asText(), ackId, data == null || data.isNull() ? "{}" : ClientJson.write(data));
    }

    @Override
    public String event(String name, String dataJson) {
        return "{\"event\":" + quote(name) + ",\"data\":" + dataJson + "}";
    }

    @Override
    public String ack(long ackId, String dataJson) {
        return "{\"ack\":" + ackId + ",\"data\":" + dataJson + "}";
    }

    /** The native protocol uses WebSocket pings: clients answer them without any code. */
    @Override
    public String heartbeatFrame() {
        return null;
    }

    @Override
    public Heartbeat heartbeat() {
        return heartbeat;
    }

    /** None: the {@code connected} event says it all. */
    @Override
    public String connectAccepted(String connectionId) {
        return null;
    }

    /** The {@code error} event with the code, reason and retry hint. */
    @Override
    public String connectRefused(ErrorCode code, String reason, long retryAfterMs) {
        return event(ServerEvent.ERROR.wireName(), Replies.errorEvent(code, reason, null, retryAfterMs));
    }

    @Override
    public boolean keepsConnectionAfterRefusal() {
        return false;
    }

    /** None: the 4000-range close code tells the client not to reconnect. */
    @Override
    public String finalDisconnectFrame() {
        return null;
    }

    /** A JSON string literal. */
    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encodes a map of simple values as a JSON object (for gateway-made payloads). */
    public static String object(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not encodable as JSON", e);
        }
    }
}
