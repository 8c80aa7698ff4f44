package io.sup.realtime.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Another user of the real gateway, on the JDK's WebSocket client and independent of the
 * CLI's own connection code: the other side of a conversation with {@code sup client}.
 */
final class WsPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;

    private WsPeer(URI uri) {
        socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        frames.add(JSON.readTree(text.toString()));
                    } catch (Exception e) {
                        frames.add(JSON.createObjectNode().put("unparseable", text.toString()));
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).join();
    }

    /** Connects to {@code url} (the gateway's /ws) with {@code token}, and waits for {@code connected}. */
    static WsPeer connect(String url, String token) throws InterruptedException {
        WsPeer peer = new WsPeer(URI.create(url + "?token=" + token));
        peer.awaitEvent("connected");
        return peer;
    }

    /** Sends {@code event} with an ack id and returns the ack's data. */
    JsonNode request(String event, Object data) throws Exception {
        long id = ids.incrementAndGet();
        socket.sendText(JSON.writeValueAsString(Map.of("event", event, "id", id, "data", data)), true).join();
        return await(f -> f.path("ack").asLong(-1) == id).get("data");
    }

    /** Waits for the next server event named {@code name}, skipping other frames, and returns its data. */
    JsonNode awaitEvent(String name) throws InterruptedException {
        return await(f -> name.equals(f.path("event").asText())).get("data");
    }

    private JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no matching frame within " + WAIT);
            }
            if (match.test(frame)) {
                return frame;
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        http.close();
    }
}
