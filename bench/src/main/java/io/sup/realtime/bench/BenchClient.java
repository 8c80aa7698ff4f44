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

/**
 * One benchmark connection. Speaks the native protocol (one JSON object per frame) or
 * Socket.IO v5 over Engine.IO v4 (websocket transport only). Ack ids: 1 is chat:join,
 * messages use 1000 + step * 1,000,000 + seq, so the ack maps straight back to its run (ramp
 * step) and send time. A delivery names its run in the content ({@code bench|<runId>|...}).
 */
final class BenchClient implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int JOIN_ACK = 1;
    static final int MSG_ACK_BASE = 1000;
    static final int STEP_STRIDE = 1_000_000; // max messages per client and run

    final int index;
    final String userId;
    final String chatId;
    final boolean socketio;
    final String token;
    final Runs runs;

    volatile WebSocket ws;
    final CompletableFuture<Long> connected = new CompletableFuture<>(); // connect+auth nanos
    final CompletableFuture<Boolean> joined = new CompletableFuture<>();
    volatile String failure;
    volatile boolean closed;
    volatile int pings; // server heartbeats seen: WebSocket pings (native) or Engine.IO "2"
    volatile Runnable ackHook; // rtt: told of every message ack (success or not), after it was counted

    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private long connectStart;

    BenchClient(int index, String userId, String chatId, boolean socketio, String token, Runs runs) {
        this.index = index;
        this.userId = userId;
        this.chatId = chatId;
        this.socketio = socketio;
        this.token = token;
        this.runs = runs;
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

    /** Sends this client's next message of run; false when its preallocated slot is full. */
    boolean sendMessage(Run run, boolean isMeasured) {
        Run.Slot slot = run.slots[index];
        if (slot == null || closed) return false;
        int seq = slot.sent;
        if (seq >= slot.sendNanos.length() || seq >= STEP_STRIDE) return false;
        long now = System.nanoTime();
        slot.sendNanos.set(seq, now);
        slot.measured[seq] = isMeasured;
        slot.sent = seq + 1;
        ObjectNode data = JSON.createObjectNode()
                .put("chatId", chatId)
                .put("content", run.contentPrefix + index + "|" + seq + "|" + now + "|" + (isMeasured ? 1 : 0))
                .put("type", "text")
                .put("tempId", "t" + run.runId + "-" + index + "-" + seq);
        emit("message:new", MSG_ACK_BASE + (long) run.step * STEP_STRIDE + seq, data);
        return true;
    }

    void emit(String event, long ackId, ObjectNode data) {
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
                runs.current().protocolErrors.increment();
            }
        }
        webSocket.request(1);
        return null;
    }

    /** The JDK answers every ping with a pong by itself; this only counts them. */
    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
        heartbeat();
        webSocket.request(1);
        return null;
    }

    private void heartbeat() {
        pings++; // listener calls for one WebSocket never overlap
        runs.current().pings.increment();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closed) {
            runs.current().unexpectedCloses.increment();
            fail("closed " + statusCode + " " + reason);
        }
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closed) {
            runs.current().unexpectedCloses.increment();
            fail("error: " + rootMessage(error));
        }
        closed = true;
    }

    private void onNative(String frame) throws Exception {
        JsonNode o = JSON.readTree(frame);
        if (o.has("ack")) {
            onAck(o.get("ack").asLong(), o.path("data"));
        } else {
            onEvent(o.path("event").asText(), o.path("data"));
        }
    }

    private void onSocketIo(String frame) throws Exception {
        if (frame.isEmpty()) return;
        char eio = frame.charAt(0);
        switch (eio) {
            case '0' -> sendText("40" + JSON.createObjectNode().put("token", token)); // open -> CONNECT with auth
            case '2' -> { // ping -> pong
                sendText("3");
                heartbeat();
            }
            case '1' -> { } // close
            case '4' -> {
                if (frame.length() < 2) return;
                char sio = frame.charAt(1);
                int i = 2;
                long ackId = -1;
                int start = i;
                while (i < frame.length() && Character.isDigit(frame.charAt(i))) i++;
                if (i > start) ackId = Long.parseLong(frame.substring(start, i));
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
                    default -> runs.current().protocolErrors.increment();
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
                else runs.current().errorEvents.increment();
            }
            default -> { }
        }
    }

    private void onDelivery(JsonNode data) {
        long now = System.nanoTime();
        String content = data.path("content").asText("");
        // bench|<runId>|<sender>|<seq>|<sentNanos>|<measured>
        String[] f = content.split("\\|");
        Run run = f.length == 6 && f[0].equals("bench") ? runs.byId(f[1]) : null;
        if (run == null) { // another process's run, or one too old to track
            runs.current().foreignDeliveries.increment();
            return;
        }
        int sender = Integer.parseInt(f[2]);
        int seq = Integer.parseInt(f[3]);
        long sentAt = Long.parseLong(f[4]);
        boolean isMeasured = f[5].equals("1");
        Run.Slot from = sender >= 0 && sender < run.slots.length ? run.slots[sender] : null;
        if (from == null || seq < 0 || seq >= from.deliveries.length()) {
            run.protocolErrors.increment();
            return;
        }
        if (sender == index) run.selfDeliveries.increment();
        from.deliveries.incrementAndGet(seq);
        if (isMeasured) {
            run.deliveryLatency.recordValue(Math.max(0, (now - sentAt) / 1000));
            run.measuredDeliveries.increment();
            if (now <= run.measureEndNanos) run.deliveriesInWindow.increment();
        }
    }

    private void onAck(long ackId, JsonNode data) {
        long now = System.nanoTime();
        boolean ok = data.path("success").asBoolean(false);
        if (ackId == JOIN_ACK) {
            if (!ok) failure = "join: " + data;
            joined.complete(ok);
            return;
        }
        long rel = ackId - MSG_ACK_BASE;
        Run run = rel >= 0 ? runs.byStep((int) (rel / STEP_STRIDE)) : null;
        if (run == null) {
            runs.current().protocolErrors.increment();
            return;
        }
        int seq = (int) (rel % STEP_STRIDE);
        Run.Slot slot = run.slots[index];
        if (slot == null || seq >= slot.sent) {
            run.protocolErrors.increment();
            return;
        }
        if (slot.measured[seq]) {
            if (ok) {
                run.acked.increment();
                run.ackLatency.recordValue(Math.max(0, (now - slot.sendNanos.get(seq)) / 1000));
            } else {
                run.ackFailures.increment();
                run.lastAckError = data.toString();
            }
        }
        Runnable hook = ackHook;
        if (hook != null) hook.run();
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
