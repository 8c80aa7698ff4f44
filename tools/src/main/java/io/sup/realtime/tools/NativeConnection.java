package io.sup.realtime.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One native-protocol connection made with the JDK's {@link java.net.http.WebSocket}: prints
 * every received frame (see {@link NativeFrames#describe}), sends frames with fresh ack ids
 * and remembers which acks are still owed, and records how the connection ended.
 *
 * <p>Sends happen on the caller's thread one at a time (the JDK allows one outstanding send);
 * receiving runs on the HTTP client's threads. Output lines never interleave.
 */
public final class NativeConnection implements AutoCloseable {
    /** Normal closure (RFC 6455 section 7.4.1). */
    public static final int NORMAL_CLOSURE = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How the connection ended.
     *
     * @param code           close code, or -1 when it failed without one
     * @param reason         close reason or failure description
     * @param byServer       whether the server (or the network) ended it, rather than this client
     */
    public record Ending(int code, String reason, boolean byServer) {
        /** Whether this ending should make the client exit non-zero. */
        public boolean isError() {
            return byServer && code != NORMAL_CLOSURE;
        }

        /** One line for the user. */
        public String describe() {
            if (code < 0) {
                return "connection failed: " + reason;
            }
            if (!byServer) {
                return "connection closed (" + code + ")";
            }
            return "connection closed by the server: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason);
        }
    }

    private final URI uri;
    private final PrintWriter out;
    private final AtomicLong nextAckId = new AtomicLong(1);
    private final Set<Long> pendingAcks = ConcurrentHashMap.newKeySet();
    private final Map<Long, Consumer<JsonNode>> ackHandlers = new ConcurrentHashMap<>();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final HttpClient http;
    private volatile WebSocket socket;
    private volatile boolean closing;

    private NativeConnection(URI uri, PrintWriter out, HttpClient http) {
        this.uri = uri;
        this.out = out;
        this.http = http;
    }

    /**
     * Connects to {@code uri}.
     *
     * @param token          sent as {@code Authorization: Bearer}, or null to send none
     * @param connectTimeout how long to wait for the connection and the upgrade
     * @param out            where frames are printed
     * @throws CliFailure when the connection or the upgrade fails, saying why
     */
    public static NativeConnection open(URI uri, String token, Duration connectTimeout, PrintWriter out) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        NativeConnection connection = new NativeConnection(uri, out, http);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            connection.socket = builder.buildAsync(uri, connection.new Receiver())
                    .get(connectTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            http.close();
            throw new CliFailure(connectFailure(uri, e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            http.close();
            throw new CliFailure("no answer from " + uri + " within " + connectTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            http.close();
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while connecting to " + uri);
        }
        return connection;
    }

    /** Why connecting failed, in words. */
    static String connectFailure(URI uri, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && !(root instanceof WebSocketHandshakeException)
                && !(root instanceof ConnectException) && !(root instanceof HttpTimeoutException)) {
            root = root.getCause();
        }
        if (root instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            return "the server at " + uri + " refused the WebSocket upgrade: HTTP " + status
                    + (status == 401 || status == 403 ? " (check the token)" : status == 404 ? " (check the path, /ws)" : "");
        }
        if (root instanceof ConnectException) {
            return "cannot connect to " + uri + ": connection refused (is the gateway running?)";
        }
        if (root instanceof HttpTimeoutException) {
            return "no answer from " + uri + ": " + root.getMessage();
        }
        if (root instanceof UnresolvedAddressException || root instanceof java.net.UnknownHostException) {
            return "cannot connect to " + uri + ": unknown host";
        }
        String message = root.getMessage();
        return "cannot connect to " + uri + ": " + root.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    /**
     * Sends {@code event} with a fresh ack id, made into a frame by {@code frame}, and prints
     * it as {@code >> <frame>}.
     *
     * @return false when the connection is gone
     */
    public boolean send(java.util.function.LongFunction<String> frame) {
        return send(frame, null);
    }

    /**
     * Like {@link #send(java.util.function.LongFunction)}, and hands the ack's {@code data}
     * to {@code onAck} (on the receiving thread) when it arrives.
     */
    public boolean send(java.util.function.LongFunction<String> frame, Consumer<JsonNode> onAck) {
        long ackId = nextAckId.getAndIncrement();
        if (onAck != null) {
            ackHandlers.put(ackId, onAck);
        }
        String text = frame.apply(ackId);
        if (ended.isDone()) {
            return false;
        }
        pendingAcks.add(ackId);
        print(">> " + text);
        try {
            socket.sendText(text, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            pendingAcks.remove(ackId);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            ended.complete(new Ending(-1, "send failed: " + cause, true));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the connection has ended. */
    public boolean isEnded() {
        return ended.isDone();
    }

    /** Completes when the connection ends. */
    public CompletableFuture<Ending> ending() {
        return ended;
    }

    /** Waits up to {@code timeout} for the connection to end; true when it did. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** Waits up to {@code timeout} until every ack asked for has arrived or the connection ended. */
    public void awaitAcks(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pendingAcks.isEmpty() && !ended.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Ack ids asked for and not yet answered. */
    public Set<Long> pendingAcks() {
        return Set.copyOf(pendingAcks);
    }

    /**
     * Closes normally (1000) unless already ended, waits briefly for the server's close, and
     * returns how the connection ended.
     */
    public Ending closeNormally() throws InterruptedException {
        if (!ended.isDone()) {
            closing = true;
            try {
                socket.sendClose(NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                ended.complete(new Ending(NORMAL_CLOSURE, "closed", false));
            }
            if (!awaitEnd(Duration.ofSeconds(2))) {
                socket.abort();
                ended.complete(new Ending(NORMAL_CLOSURE, "closed (server did not answer the close)", false));
            }
        }
        return ended.join();
    }

    /** Aborts the connection if still open and releases the HTTP client. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isInputClosed()) {
            ws.abort();
        }
        http.close();
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private void received(String frame) {
        for (String line : NativeFrames.describe(frame)) {
            print(line);
        }
        try {
            JsonNode ack = JSON.readTree(frame).get("ack");
            if (ack != null && ack.isIntegralNumber()) {
                Consumer<JsonNode> handler = ackHandlers.remove(ack.asLong());
                if (handler != null) {
                    handler.accept(JSON.readTree(frame).path("data"));
                }
                pendingAcks.remove(ack.asLong());
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: printed as is above; nothing to match.
        }
    }

    /** Receives frames and the connection's end. */
    private final class Receiver implements WebSocket.Listener {
        private StringBuilder fragments;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (fragments == null && last) {
                received(data.toString());
            } else {
                if (fragments == null) {
                    fragments = new StringBuilder();
                }
                fragments.append(data);
                if (last) {
                    String whole = fragments.toString();
                    fragments = null;
                    received(whole);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            print("<< (binary frame, " + data.remaining() + " bytes)");
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete(new Ending(statusCode, reason, !closing));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(new Ending(-1, error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : ": " + error.getMessage()), true));
        }
    }
}
