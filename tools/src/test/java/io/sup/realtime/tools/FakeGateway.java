package io.sup.realtime.tools;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * A stand-in for the gateway's native endpoint, on a real WebSocket (Helidon's, as the
 * gateway's): for the events whose domain the real gateway does not serve yet. It accepts
 * one client at {@code /ws}, hands the test each frame the client sends, in order, and sends
 * whatever the test scripts: acks and server events.
 */
final class FakeGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<WsSession> client = new CompletableFuture<>();
    private final WebServer server;

    private FakeGateway() {
        server = WebServer.builder()
                .port(0)
                .addRouting(WsRouting.builder().endpoint("/ws", () -> new WsListener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public void onOpen(WsSession session) {
                        client.complete(session);
                    }

                    @Override
                    public void onMessage(WsSession session, String data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                received.add(JSON.readTree(text.toString()));
                            } catch (Exception e) {
                                received.add(JSON.createObjectNode().put("unparseable", text.toString()));
                            }
                            text.setLength(0);
                        }
                    }
                }))
                .build()
                .start();
    }

    /** Starts listening on a free port. */
    static FakeGateway start() {
        return new FakeGateway();
    }

    /** The endpoint to give {@code sup client --url}. */
    String url() {
        return "ws://localhost:" + server.port() + "/ws";
    }

    /** The next frame the client sent (whatever it is). */
    JsonNode nextFrame() throws InterruptedException {
        JsonNode frame = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("the client sent nothing within " + WAIT);
        }
        return frame;
    }

    /** Frames the client sent that no {@link #nextFrame} has taken yet. */
    int unread() {
        return received.size();
    }

    /** Sends {@code frame} (JSON text) to the client. */
    void send(String frame) throws Exception {
        WsSession session = client.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        synchronized (this) {
            session.send(frame, true);
        }
    }

    /** Sends ack {@code id} with {@code dataJson}. */
    void ack(long id, String dataJson) throws Exception {
        send("{\"ack\":" + id + ",\"data\":" + dataJson + "}");
    }

    @Override
    public void close() {
        server.stop();
    }
}
