package io.sup.realtime.gateway.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON payloads of acks and the {@code error} event, one shape for every wire protocol:
 * success {@code {"success": true, ...response fields}}, failure
 * {@code {"success": false, "error": {"code": "...", "message": "...", "retryAfterMs": n}}}
 * ({@code retryAfterMs} for RATE_LIMITED, and for UNAVAILABLE when the event was shed unsent), and the {@code error} event
 * {@code {"code": "...", "message": "...", "event": "<the client event, if any>"}}.
 */
public final class Replies {
    private Replies() {
    }

    /** A successful ack carrying the fields of {@code responseJson} (a JSON object). */
    public static String success(String responseJson) {
        String body = responseJson.trim();
        if (body.equals("{}")) {
            return "{\"success\":true}";
        }
        return "{\"success\":true," + body.substring(1);
    }

    /** A failed ack. */
    public static String failure(ErrorCode code, String message) {
        return failure(code, message, 0);
    }

    /** A failed ack; {@code retryAfterMs} (when positive) tells a rate-limited or shed client when to retry. */
    public static String failure(ErrorCode code, String message, long retryAfterMs) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.name());
        error.put("message", message);
        if (retryAfterMs > 0) {
            error.put("retryAfterMs", retryAfterMs);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("success", false);
        reply.put("error", error);
        return NativeCodec.object(reply);
    }

    /** The {@code error} event's data, for a failure the client asked no ack for. */
    public static String errorEvent(ErrorCode code, String message, String event) {
        return errorEvent(code, message, event, 0);
    }

    /** The {@code error} event's data, with a retry hint when positive. */
    public static String errorEvent(ErrorCode code, String message, String event, long retryAfterMs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", code.name());
        data.put("message", message);
        if (retryAfterMs > 0) {
            data.put("retryAfterMs", retryAfterMs);
        }
        if (event != null) {
            data.put("event", event);
        }
        return NativeCodec.object(data);
    }
}
