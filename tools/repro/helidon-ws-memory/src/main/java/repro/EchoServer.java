package repro;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * A Helidon 4.2.0 WebSocket echo server with nothing else in it: {@code /echo} echoes text
 * frames, {@code GET /stats} runs a full GC and reports heap and RSS.
 * <p>
 * {@code -Drepro.port=8099} (0 picks a free port, printed on stdout).
 * <p>
 * {@code -Drepro.readBuffer=N} (diagnostic only, default off): on open, replaces the 8 KiB
 * {@code PlainSocket.readBuffer} of the connection with an N-byte array by reflection, to
 * measure what a configurable read buffer would save. It is not a fix: it relies on Helidon's
 * private fields and allocates the 8 KiB array anyway.
 */
public final class EchoServer {
    private static final AtomicInteger OPEN = new AtomicInteger();

    private EchoServer() {
    }

    public static void main(String[] args) {
        int port = Integer.getInteger("repro.port", 8099);
        int readBuffer = Integer.getInteger("repro.readBuffer", 0);
        WebServer server = WebServer.builder()
                .port(port)
                .routing(http -> http.get("/stats", (req, res) -> res.send(stats())))
                .addRouting(WsRouting.builder().endpoint("/echo", new Echo(readBuffer)))
                .build()
                .start();
        System.out.println("listening on port " + server.port() + " pid " + ProcessHandle.current().pid()
                + (readBuffer > 0 ? " (read buffer replaced by " + readBuffer + " bytes)" : ""));
    }

    /** Heap after a full GC, and RSS, as key=value lines. */
    static String stats() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return "open=" + OPEN.get() + "\n"
                + "heapUsed=" + heap.getUsed() + "\n"
                + "heapCommitted=" + heap.getCommitted() + "\n"
                + "rss=" + rssBytes() + "\n";
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    private static final class Echo implements WsListener {
        private final int readBuffer;

        Echo(int readBuffer) {
            this.readBuffer = readBuffer;
        }

        @Override
        public void onOpen(WsSession session) {
            OPEN.incrementAndGet();
            if (readBuffer > 0) {
                replaceReadBuffer(session, readBuffer);
            }
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            session.send(text, last);
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            OPEN.decrementAndGet();
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            OPEN.decrementAndGet();
        }
    }

    // onOpen runs on the connection's reader thread before its first frame read, so nothing
    // reads into the buffer while it is swapped.
    private static void replaceReadBuffer(WsSession session, int size) {
        try {
            Field ctxField = session.getClass().getDeclaredField("ctx");
            ctxField.setAccessible(true);
            Object socket = ((ConnectionContext) ctxField.get(session)).serverSocket();
            Class<?> type = socket.getClass();
            while (!type.getSimpleName().equals("PlainSocket")) {
                type = type.getSuperclass();
            }
            Field buffer = type.getDeclaredField("readBuffer");
            buffer.setAccessible(true);
            buffer.set(socket, new byte[size]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot replace the read buffer", e);
        }
    }
}
