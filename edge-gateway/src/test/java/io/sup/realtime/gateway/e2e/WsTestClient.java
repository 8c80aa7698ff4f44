package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real WebSocket client (the JDK's) speaking the native protocol, for end-to-end tests.
 * It keeps every frame it receives, in order: waiting for one frame takes it and leaves the
 * others for later waits, and "nothing arrived" checks look at everything received, so a
 * frame that came early is never missed. The JDK answers server pings by itself; the
 * client counts them.
 */
final class WsTestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long any one awaited frame may take: generous, so a loaded machine only makes tests
     * slower; longer than the test gateways' gRPC deadline, so a slow call ends as an answer.
     */
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** How long {@link #close} waits for the server's close frame. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final List<Received> received = new ArrayList<>(); // guarded by this
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final WebSocket socket;
    private int pings; // guarded by this

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

    /** Opens a Socket.IO connection (Engine.IO v4, websocket) and waits for the Engine.IO open packet. */
    static WsTestClient socketIoOpen(int port) throws InterruptedException {
        WsTestClient client = connect(port, "/socket.io/?EIO=4&transport=websocket", Map.of());
        client.awaitRaw("0{");
        return client;
    }

    /** {@link #socketIoOpen}, then CONNECT with {@code token}, waiting for the CONNECT answer {@code 40}. */
    static WsTestClient socketIoAs(int port, String token) throws InterruptedException {
        WsTestClient client = socketIoOpen(port);
        client.sendText("40{\"token\":\"" + token + "\"}");
        client.awaitRaw("40");
        return client;
    }

    /** Sends a raw text frame. */
    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends one fragment of a text message; {@code last} ends the message. */
    void sendFragment(String text, boolean last) {
        socket.sendText(text, last).join();
    }

    /** Sends a binary frame. */
    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Sends {@code event} with an ack id and returns the ack's data. */
    JsonNode request(String event, Object data) throws Exception {
        return awaitAck(send(event, data));
    }

    /** Sends {@code event} with an ack id without waiting for the ack; returns the id, for {@link #awaitAck}. */
    long send(String event, Object data) throws Exception {
        long id = ids.incrementAndGet();
        sendText(JSON.writeValueAsString(Map.of("event", event, "id", id, "data", data)));
        return id;
    }

    /** Waits for the ack of the event sent with {@code id}; returns its data. */
    JsonNode awaitAck(long id) throws InterruptedException {
        return await(f -> f.has("ack") && f.get("ack").asLong() == id).get("data");
    }

    /** Sends {@code event} without an ack id. */
    void emit(String event, Object data) throws Exception {
        sendText(JSON.writeValueAsString(Map.of("event", event, "data", data)));
    }

    /** Takes the first server event named {@code name} not yet taken, waiting for it; returns its data. */
    JsonNode awaitEvent(String name) throws InterruptedException {
        return await(isEvent(name)).get("data");
    }

    /** Takes the first server event named {@code name} whose data matches, waiting for it; returns its data. */
    JsonNode awaitEvent(String name, Predicate<JsonNode> data) throws InterruptedException {
        return await(isEvent(name).and(f -> data.test(f.path("data")))).get("data");
    }

    /**
     * Takes the first frame not yet taken that matches {@code match}, waiting for one; frames
     * that do not match stay for later waits.
     *
     * @throws AssertionError when none arrives within the wait
     */
    synchronized JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int from = 0;
        while (true) {
            for (int i = from; i < received.size(); i++) {
                Received r = received.get(i);
                if (!r.taken && match.test(r.frame)) {
                    r.taken = true;
                    return r.frame;
                }
            }
            from = received.size();
            if (closeCode.isDone()) { // every frame arrives before the close: none will match now
                throw new AssertionError("the connection closed (" + closeState() + ") before a matching frame; received " + frames());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching frame within " + WAIT + "; received " + frames());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Takes the first non-JSON text frame (e.g. a Socket.IO packet) starting with {@code prefix}; returns it whole. */
    String awaitRaw(String prefix) throws InterruptedException {
        return await(f -> f.path("unparseable").asText().startsWith(prefix)).get("unparseable").asText();
    }

    /**
     * Waits for the {@code marker} frame and returns every frame received before it, taken or
     * not, in order. The marker must be something the server sends after the frames in
     * question would have been sent (for instance a later message through the same delivery
     * path), so that its arrival proves that a frame missing from the list is not just late.
     */
    List<JsonNode> receivedBefore(Predicate<JsonNode> marker) throws InterruptedException {
        JsonNode end = await(marker);
        synchronized (this) {
            List<JsonNode> before = new ArrayList<>();
            for (Received r : received) {
                if (r.frame == end) {
                    return before;
                }
                before.add(r.frame);
            }
            throw new IllegalStateException("the marker is not among the received frames");
        }
    }

    /** Waits for the {@code marker} frame, then asserts that no frame before it matches {@code forbidden}. */
    void assertNoneBefore(Predicate<JsonNode> marker, Predicate<JsonNode> forbidden, String what)
            throws InterruptedException {
        for (JsonNode frame : receivedBefore(marker)) {
            if (forbidden.test(frame)) {
                throw new AssertionError("unexpected " + what + ": " + frame);
            }
        }
    }

    /** Matches a server event named {@code name}. */
    static Predicate<JsonNode> isEvent(String name) {
        return f -> name.equals(f.path("event").asText());
    }

    /** Matches a server event named {@code name} whose data's {@code field} is {@code value}. */
    static Predicate<JsonNode> isEvent(String name, String field, String value) {
        return isEvent(name).and(f -> value.equals(f.path("data").path(field).asText()));
    }

    /** Waits until the server has sent at least {@code n} WebSocket pings (each answered by the JDK). */
    synchronized void awaitPings(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 2 * WAIT.toNanos();
        while (pings < n) {
            if (closeCode.isDone()) {
                throw new AssertionError("the connection closed (" + closeState() + ") after " + pings + " of " + n + " pings");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + pings + " of " + n + " pings arrived within " + 2 * WAIT.toSeconds() + " s");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Whether the connection is still open: the server has not closed it. */
    boolean isOpen() {
        return !closeCode.isDone() && !socket.isInputClosed();
    }

    /** Waits for the server to close the connection and returns the close code. */
    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every non-JSON text frame (Socket.IO packets) received so far, taken or not, in order. */
    synchronized List<String> rawFrames() {
        return received.stream().filter(r -> r.frame.has("unparseable")).map(r -> r.frame.get("unparseable").asText()).toList();
    }

    /** The close code, or what ended the connection, once it ended. */
    private String closeState() {
        return closeCode.handle((code, error) -> error == null ? "close code " + code : error.toString()).getNow("open");
    }

    private synchronized List<JsonNode> frames() {
        return received.stream().map(r -> r.frame).toList();
    }

    /**
     * Closes as a polite client does: a close frame after everything sent before it, then
     * waiting (a few seconds at most) for the server's close frame before dropping the TCP
     * connection. Dropping it at once could reset it while the server still has unread
     * frames, which the reset discards.
     */
    @Override
    public void close() {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                closeCode.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The server did not answer: drop the connection anyway.
        } finally {
            socket.abort();
        }
    }

    private synchronized void add(JsonNode frame) {
        received.add(new Received(frame));
        notifyAll();
    }

    private synchronized void pinged() {
        pings++;
        notifyAll();
    }

    /** One received frame, and whether a wait has taken it. */
    private static final class Received {
        private final JsonNode frame;
        private boolean taken;

        private Received(JsonNode frame) {
            this.frame = frame;
        }
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
                add(frame != null && frame.isObject() ? frame
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
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            // The JDK queues the pong itself (RFC 6455 section 5.5.2); this only counts.
            pinged();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            synchronized (WsTestClient.this) {
                WsTestClient.this.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
            synchronized (WsTestClient.this) {
                WsTestClient.this.notifyAll();
            }
        }
    }
}
