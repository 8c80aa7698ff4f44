package io.sup.realtime.gateway.connection;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.common.buffers.BufferData;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;

/**
 * The single writer of one WebSocket connection. Helidon's {@code WsSession.send} blocks and
 * must not be called from two threads at once (every send reuses one per-connection buffer),
 * so text frames, pings, pongs and the close frame all go through here, and one drain task
 * at a time writes them in order.
 *
 * <p>The queue is bounded: a client that does not read fast enough is closed with
 * {@link CloseCode#SLOW_CONSUMER} rather than holding memory; it reconnects and catches up.
 * Enqueueing never blocks, so the delivery bus's subscriber thread is never held up by a
 * slow client. No thread is parked per idle connection: a drain task exists only while
 * there is something to write.
 *
 * <p>Closing: once {@link #close} is called the connection counts as gone for the rest of
 * the gateway (the {@code onClosing} callback runs at once, input is ignored), the close
 * frame goes out after what is already queued, and if the peer has not let it through
 * within the policy's close grace (2 s by default) the socket is cut, so a client that
 * stopped reading cannot hold it open. Both are counted in {@link CloseMetrics}.
 */
public final class OutboundQueue {
    private static final Logger LOG = System.getLogger(OutboundQueue.class.getName());

    private final WsSession session;
    private final Executor executor;
    private final ScheduledExecutorService timers;
    private final int limit;
    private final Duration closeGrace;
    private final CloseMetrics metrics;
    /** Text frames: a {@code String}, or a {@link Timed} delivery whose write is timed. */
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Characters of the queued text frames, for the queue-size gauge. */
    private final AtomicLong chars = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<BufferData> pendingPong = new AtomicReference<>();
    private final AtomicBoolean pendingPing = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Close pendingClose;
    /** Completes once nothing more will be written: the close frame went out, or the socket is gone or cut. */
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile boolean gone;
    private volatile boolean closedByServer;
    private volatile Runnable onClosing = () -> { };
    private volatile String label = "connection";

    /**
     * @param session  the connection
     * @param executor runs drain tasks (virtual threads)
     * @param timers   schedules cutting a connection whose close does not get through
     * @param policy   the queue's bound and the close grace
     * @param metrics  counts closes and cuts
     */
    public OutboundQueue(WsSession session, Executor executor, ScheduledExecutorService timers, OutboundPolicy policy,
                         CloseMetrics metrics) {
        this.session = session;
        this.executor = executor;
        this.timers = timers;
        this.limit = policy.limit();
        this.closeGrace = policy.closeGrace();
        this.metrics = metrics;
    }

    /**
     * Sets what runs, once, when the connection starts closing for any reason (our close,
     * a failed write), and the label logs use for it.
     */
    public void onClosing(String label, Runnable callback) {
        this.label = label;
        this.onClosing = callback;
    }

    /**
     * Queues a text frame.
     *
     * @return false when the connection is closing or the queue overflowed (the connection
     *     is then closed with {@link CloseCode#SLOW_CONSUMER})
     */
    public boolean send(String text) {
        return enqueue(text, text);
    }

    /**
     * Queues a text frame from the delivery bus whose latency, from its publication at
     * {@code publishedAtMs} (epoch ms) to the end of its socket write, {@code latency} records.
     *
     * @return as {@link #send(String)}
     */
    public boolean send(String text, Timer latency, long publishedAtMs) {
        return enqueue(text, new Timed(text, latency, publishedAtMs));
    }

    private boolean enqueue(String text, Object item) {
        if (closing.get()) {
            return false;
        }
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            LOG.log(Level.WARNING, label + ": outbound queue overflow (" + limit + " frames), closing slow consumer");
            queue.clear();
            close(CloseCode.SLOW_CONSUMER, CloseCode.SLOW_CONSUMER.reason());
            return false;
        }
        chars.addAndGet(text.length());
        queue.add(item);
        schedule();
        return true;
    }

    /**
     * Answers a client ping with a pong. At most one pong waits at a time: a newer ping
     * replaces the payload of an unsent pong, as RFC 6455 section 5.5.3 allows, so a ping
     * flood from a client that does not read costs no memory.
     */
    public void pong(BufferData payload) {
        if (!closing.get()) {
            pendingPong.set(payload);
            schedule();
        }
    }

    /** Sends a WebSocket ping (heartbeat); at most one waits at a time. */
    public void ping() {
        if (!closing.get() && pendingPing.compareAndSet(false, true)) {
            schedule();
        }
    }

    /**
     * Closes the connection after the frames already queued; frames offered afterwards are
     * dropped. Idempotent: the first close wins.
     */
    public void close(CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closedByServer = true;
        metrics.closed(code);
        pendingClose = new Close(code.code(), reason);
        runOnClosing();
        schedule();
        timers.schedule(this::terminate, closeGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Completes once nothing more will be written to the connection: its close frame went out
     * (after everything queued before it), or the peer or the socket is gone, or the grace
     * period cut it. A drain waits on this before the server stops.
     */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** The peer closed, or the socket failed: nothing more is written. */
    public void abandon() {
        gone = true;
        closed = true;
        finished.complete(null);
        queue.clear();
        if (closing.compareAndSet(false, true)) {
            metrics.peerClosed();
            runOnClosing();
        }
    }

    /** Characters of the text frames queued and not yet written (UTF-16 units: bytes for ASCII). */
    public long queuedChars() {
        return chars.get();
    }

    /** Text frames queued and not yet written. */
    public int queuedFrames() {
        return size.get();
    }

    /** Whether the connection is closing or closed, by either side. */
    public boolean isClosing() {
        return closing.get();
    }

    /**
     * Whether the gateway closed the connection (refused, timed out, slow consumer, shutting
     * down): what the client sent is void. A connection the peer closed is not: the events it
     * sent before its close are still handled, in order, though no ack can reach it.
     */
    public boolean isClosedByServer() {
        return closedByServer;
    }

    private void runOnClosing() {
        try {
            onClosing.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, label + ": cleanup on close failed: " + e.getClass().getSimpleName());
        }
    }

    /** After the grace period: if the peer has not finished the closing handshake, cut it. */
    private void terminate() {
        closed = true;
        finished.complete(null);
        queue.clear();
        if (!gone) {
            metrics.cut();
            cut();
        }
    }

    /**
     * Cuts the TCP connection without writing anything. {@code WsSession.terminate()} would
     * first send a close frame, which blocks on a peer that does not read; Helidon's server
     * connection can instead interrupt its reading thread, and an interrupted virtual thread's
     * socket is closed, which also fails a write blocked on it.
     */
    private void cut() {
        if (session instanceof ServerConnection connection) {
            try {
                connection.close(true);
            } catch (RuntimeException e) {
                // Already gone.
            }
        }
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        do {
            Object item;
            while (!closed && (item = queue.poll()) != null) {
                write(item);
                writeControl();
            }
            writeControl();
            Close close = pendingClose;
            if (close != null && !closed && queue.isEmpty()) {
                closed = true;
                try {
                    session.close(close.code(), close.reason());
                } catch (RuntimeException e) {
                    // Socket already gone.
                }
                finished.complete(null);
            }
            draining.set(false);
            // Re-check: something may have been queued after the last poll but before the flag cleared.
        } while (!closed && (!queue.isEmpty() || pendingPong.get() != null || pendingPing.get() || pendingClose != null)
                && draining.compareAndSet(false, true));
    }

    private void write(Object item) {
        size.decrementAndGet();
        String text = item instanceof Timed timed ? timed.text() : (String) item;
        chars.addAndGet(-text.length());
        try {
            session.send(text, true);
        } catch (RuntimeException e) {
            writeFailed(e);
            return;
        }
        if (item instanceof Timed timed) {
            timed.written();
        }
    }

    private void writeControl() {
        if (closed) {
            return;
        }
        try {
            BufferData pong = pendingPong.getAndSet(null);
            if (pong != null) {
                session.pong(pong);
            }
            if (pendingPing.compareAndSet(true, false)) {
                session.ping(BufferData.empty());
            }
        } catch (RuntimeException e) {
            writeFailed(e);
        }
    }

    private void writeFailed(RuntimeException e) {
        LOG.log(Level.DEBUG, label + ": write failed (" + e.getClass().getSimpleName() + "), dropping the connection");
        abandon();
        cut();
    }

    private record Close(int code, String reason) {
    }

    /** A delivery whose publication-to-write latency is recorded once written. */
    private record Timed(String text, Timer latency, long publishedAtMs) {
        void written() {
            latency.record(Math.max(0, System.currentTimeMillis() - publishedAtMs), TimeUnit.MILLISECONDS);
        }
    }
}
