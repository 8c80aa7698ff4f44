package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real WebSocket client (the JDK's) speaking the native protocol, recording every frame it
 * receives, for end-to-end tests.
 */
final class WsTestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final WebSocket socket;

    private WsTestClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Connects to {@code ws://localhost:<port><pathAndQuery>} with these request headers. */
    static WsTestClient connect(int port, String pathAndQuery, Map<String, String> headers) {
        return new WsTestClient(URI.create("ws://localhost:" + port + pathAndQuery), headers);
    }

    /** Connects with {@code ?token=}, and waits for {@code connected}. */
    static WsTestClient connectAs(int port, String token) throws InterruptedException {
        WsTestClient client = connect(port, "/ws?token=" + token, Map.of());
        client.awaitEvent("connected");
        return client;
    }

    /** Sends a raw text frame. */
    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends {@code event} with an ack id and returns the ack's data. */
    JsonNode request(String event, Object data) throws Exception {
        long id = ids.incrementAndGet();
        sendText(JSON.writeValueAsString(Map.of("event", event, "id", id, "data", data)));
        return await(f -> f.has("ack") && f.get("ack").asLong() == id).get("data");
    }

    /** Sends {@code event} without an ack id. */
    void emit(String event, Object data) throws Exception {
        sendText(JSON.writeValueAsString(Map.of("event", event, "data", data)));
    }

    /** Waits for the next server event named {@code name} and returns its data. */
    JsonNode awaitEvent(String name) throws InterruptedException {
        return await(f -> name.equals(f.path("event").asText())).get("data");
    }

    /** Waits for a frame matching {@code match}, skipping others. */
    JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame != null && match.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + WAIT);
    }

    /** Waits for a non-JSON text frame (e.g. a Socket.IO packet) starting with {@code prefix}; returns it whole. */
    String awaitRaw(String prefix) throws InterruptedException {
        return await(f -> f.path("unparseable").asText().startsWith(prefix)).get("unparseable").asText();
    }

    /** Asserts that no event named {@code name} arrives within {@code quiet}. */
    void assertNoEvent(String name, Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame != null && name.equals(frame.path("event").asText())) {
                throw new AssertionError("unexpected " + name + ": " + frame);
            }
        }
    }

    /** Waits for the server to close the connection and returns the close code. */
    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonNode frame;
                try {
                    frame = JSON.readTree(text.toString());
                } catch (Exception e) {
                    frame = null;
                }
                // Native frames are JSON objects; anything else (Socket.IO packets) is kept raw.
                frames.add(frame != null && frame.isObject() ? frame
                        : JSON.createObjectNode().put("unparseable", text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
