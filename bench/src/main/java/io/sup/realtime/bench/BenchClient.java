package io.sup.realtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One benchmark connection. Speaks the native protocol (one JSON object per frame) or
 * Socket.IO v5 over Engine.IO v4 (websocket transport only). Ack ids: 1 is chat:join,
 * messages use 1000 + seq so the ack maps straight back to the send time.
 */
final class BenchClient implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int JOIN_ACK = 1;
    static final int MSG_ACK_BASE = 1000;

    final int index;
    final String userId;
    final String chatId;
    final boolean socketio;
    final String token;
    final Run run;

    volatile WebSocket ws;
    final CompletableFuture<Long> connected = new CompletableFuture<>(); // connect+auth nanos
    final CompletableFuture<Boolean> joined = new CompletableFuture<>();
    volatile String failure;
    volatile boolean closed;

    // Per message (index seq): send time, ack state, deliveries received from other members.
    final AtomicLongArray sendNanos;
    final boolean[] measured;
    final AtomicIntegerArray deliveries;
    volatile int sent; // messages sent so far (next seq)
    int expectedPerMessage; // connected members of the chat minus this one; set before sending

    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private long connectStart;

    BenchClient(int index, String userId, String chatId, boolean socketio, String token, Run run, int maxMessages) {
        this.index = index;
        this.userId = userId;
        this.chatId = chatId;
        this.socketio = socketio;
        this.token = token;
        this.run = run;
        this.sendNanos = new AtomicLongArray(maxMessages);
        this.measured = new boolean[maxMessages];
        this.deliveries = new AtomicIntegerArray(maxMessages);
    }

    CompletableFuture<Long> connect(HttpClient http, String baseUrl, Duration timeout) {
        String wsBase = baseUrl.replaceFirst("^http", "ws").replaceAll("/+$", "");
        URI uri = URI.create(socketio
                ? wsBase + "/socket.io/?EIO=4&transport=websocket"
                : wsBase + "/ws?token=" + token);
        connectStart = System.nanoTime();
        http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, this)
                .whenComplete((w, e) -> {
                    if (e != null) fail("connect: " + rootMessage(e));
                });
        return connected.orTimeout(timeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void join() {
        ObjectNode data = JSON.createObjectNode().put("chatId", chatId);
        emit("chat:join", JOIN_ACK, data);
    }

    /** Sends message number seq; returns false when the preallocated arrays are full. */
    boolean sendMessage(boolean isMeasured) {
        int seq = sent;
        if (seq >= sendNanos.length() || closed) return false;
        sent = seq + 1;
        long now = System.nanoTime();
        sendNanos.set(seq, now);
        measured[seq] = isMeasured;
        ObjectNode data = JSON.createObjectNode()
                .put("chatId", chatId)
                .put("content", run.contentPrefix + index + "|" + seq + "|" + now + "|" + (isMeasured ? 1 : 0))
                .put("type", "text")
                .put("tempId", "t" + run.runId + "-" + index + "-" + seq);
        emit("message:new", MSG_ACK_BASE + seq, data);
        return true;
    }

    void emit(String event, int ackId, ObjectNode data) {
        String frame;
        if (socketio) {
            frame = "42" + ackId + JSON.createArrayNode().add(event).add(data);
        } else {
            ObjectNode o = JSON.createObjectNode().put("event", event).put("id", ackId);
            o.set("data", data);
            frame = o.toString();
        }
        sendText(frame);
    }

    /** java.net.http.WebSocket allows one outstanding send: chain them. */
    synchronized void sendText(String frame) {
        WebSocket w = ws;
        if (w == null || closed) return;
        sendChain = sendChain.thenCompose(x -> w.sendText(frame, true))
                .exceptionally(e -> {
                    fail("send: " + rootMessage(e));
                    return null;
                });
    }

    void close() {
        WebSocket w = ws;
        closed = true;
        if (w != null) {
            try {
                w.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                        .exceptionally(e -> { w.abort(); return null; });
            } catch (Exception e) {
                w.abort();
            }
        }
    }

    private void fail(String why) {
        if (failure == null) failure = why;
        connected.completeExceptionally(new IllegalStateException(why));
        joined.complete(false);
        if (!closed && connected.isCompletedExceptionally()) closed = true;
    }

    // ---- listener ----

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            try {
                if (socketio) onSocketIo(frame); else onNative(frame);
            } catch (Exception e) {
                run.protocolErrors.increment();
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closed) {
            run.unexpectedCloses.increment();
            fail("closed " + statusCode + " " + reason);
        }
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closed) {
            run.unexpectedCloses.increment();
            fail("error: " + rootMessage(error));
        }
        closed = true;
    }

    private void onNative(String frame) throws Exception {
        JsonNode o = JSON.readTree(frame);
        if (o.has("ack")) {
            onAck(o.get("ack").asInt(), o.path("data"));
        } else {
            onEvent(o.path("event").asText(), o.path("data"));
        }
    }

    private void onSocketIo(String frame) throws Exception {
        if (frame.isEmpty()) return;
        char eio = frame.charAt(0);
        switch (eio) {
            case '0' -> sendText("40" + JSON.createObjectNode().put("token", token)); // open -> CONNECT with auth
            case '2' -> sendText("3"); // ping -> pong
            case '1' -> { } // close
            case '4' -> {
                if (frame.length() < 2) return;
                char sio = frame.charAt(1);
                int i = 2;
                int ackId = -1;
                int start = i;
                while (i < frame.length() && Character.isDigit(frame.charAt(i))) i++;
                if (i > start) ackId = Integer.parseInt(frame.substring(start, i));
                String rest = frame.substring(i);
                switch (sio) {
                    case '0' -> { } // CONNECT ok; the `connected` event marks the end of connect
                    case '4' -> fail("connect_error " + rest);
                    case '1' -> fail("server disconnect");
                    case '2' -> {
                        JsonNode arr = JSON.readTree(rest);
                        onEvent(arr.path(0).asText(), arr.path(1));
                    }
                    case '3' -> onAck(ackId, JSON.readTree(rest).path(0));
                    default -> run.protocolErrors.increment();
                }
            }
            default -> { }
        }
    }

    private void onEvent(String event, JsonNode data) {
        switch (event) {
            case "connected" -> connected.complete(System.nanoTime() - connectStart);
            case "message:new" -> onDelivery(data);
            case "error" -> {
                if (!connected.isDone()) fail("error " + data);
                else run.errorEvents.increment();
            }
            default -> { }
        }
    }

    private void onDelivery(JsonNode data) {
        long now = System.nanoTime();
        String content = data.path("content").asText("");
        if (!content.startsWith(run.contentPrefix)) {
            run.foreignDeliveries.increment();
            return;
        }
        String[] f = content.substring(run.contentPrefix.length()).split("\\|");
        int sender = Integer.parseInt(f[0]);
        int seq = Integer.parseInt(f[1]);
        long sentAt = Long.parseLong(f[2]);
        boolean isMeasured = f[3].equals("1");
        BenchClient from = run.clients[sender];
        if (sender == index) run.selfDeliveries.increment();
        from.deliveries.incrementAndGet(seq);
        if (isMeasured) {
            run.deliveryLatency.recordValue(Math.max(0, (now - sentAt) / 1000));
            run.measuredDeliveries.increment();
            if (now <= run.measureEndNanos) run.deliveriesInWindow.increment();
        }
    }

    private void onAck(int ackId, JsonNode data) {
        long now = System.nanoTime();
        boolean ok = data.path("success").asBoolean(false);
        if (ackId == JOIN_ACK) {
            if (!ok) failure = "join: " + data;
            joined.complete(ok);
            return;
        }
        int seq = ackId - MSG_ACK_BASE;
        if (seq < 0 || seq >= sent) {
            run.protocolErrors.increment();
            return;
        }
        if (!measured[seq]) return;
        if (ok) {
            run.acked.increment();
            run.ackLatency.recordValue(Math.max(0, (now - sendNanos.get(seq)) / 1000));
        } else {
            run.ackFailures.increment();
            run.lastAckError = data.toString();
        }
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
