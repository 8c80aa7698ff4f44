package io.sup.realtime.notification.push.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.sup.realtime.notification.push.PushMessage;
import io.sup.realtime.platform.time.Timestamps;

/**
 * The JSON body of a webhook push (UTF-8, compact; field by field in docs/API.md, "Push"):
 *
 * <pre>{@code
 * {"id": pushId, "userId", "deviceId", "provider", "token",
 *  "notification": {"id", "type", "priority", "title", "body", "sound", "data": {...}, "createdAt"},
 *  "badge", "count", "collapseKey", "sentAt"}
 * }</pre>
 *
 * Times are RFC 3339 in UTC with milliseconds, as everywhere in this API; {@code data}'s keys
 * are sorted; an absent text is {@code ""}, absent data {@code {}}.
 */
final class WebhookBody {
    /**
     * Sends run on virtual threads: a shared pool of buffers rather than Jackson's thread-local
     * ones, which every short-lived thread would allocate anew (as the gateway's ClientJson).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();

    private WebhookBody() {
    }

    /**
     * @param message the push
     * @param sentAt  when its first attempt is made (the same bytes go out on every retry)
     */
    static byte[] of(PushMessage message, Instant sentAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("id", message.pushId());
            g.writeStringField("userId", message.device().userId());
            g.writeStringField("deviceId", message.device().deviceId());
            g.writeStringField("provider", message.device().provider());
            g.writeStringField("token", message.device().token());
            g.writeObjectFieldStart("notification");
            g.writeStringField("id", message.notificationId());
            g.writeStringField("type", text(message.type()));
            g.writeStringField("priority", text(message.priority()));
            g.writeStringField("title", text(message.title()));
            g.writeStringField("body", text(message.body()));
            g.writeStringField("sound", text(message.sound()));
            g.writeObjectFieldStart("data");
            Map<String, String> data = message.data() == null ? Map.of() : new TreeMap<>(message.data());
            for (Map.Entry<String, String> e : data.entrySet()) {
                g.writeStringField(e.getKey(), text(e.getValue()));
            }
            g.writeEndObject();
            g.writeStringField("createdAt", Timestamps.rfc3339(message.createdAt()));
            g.writeEndObject();
            g.writeNumberField("badge", message.badge());
            g.writeNumberField("count", message.count());
            g.writeStringField("collapseKey", text(message.collapseKey()));
            g.writeStringField("sentAt", Timestamps.rfc3339(sentAt));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static String text(String s) {
        return Objects.requireNonNullElse(s, "");
    }
}
