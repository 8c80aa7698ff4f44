package io.sup.realtime.gateway.connection;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

/**
 * The single writer of one WebSocket connection. Helidon's {@code WsSession.send} blocks and
 * must not be called from two threads at once (every send reuses one per-connection buffer),
 * so acks, deliveries, pongs and the close frame all go through this queue, and one drain
 * task at a time writes them in order.
 *
 * <p>The queue is bounded: a client that does not read fast enough is closed with
 * {@link CloseCode#SLOW_CONSUMER} rather than holding memory; it reconnects and catches up.
 * Enqueueing never blocks, so the delivery bus's subscriber thread is never held up by a
 * slow client. No thread is parked per idle connection: a drain task exists only while
 * there is something to write.
 */
public final class OutboundQueue {
    private static final Logger LOG = System.getLogger(OutboundQueue.class.getName());

    private final WsSession session;
    private final Executor executor;
    private final int limit;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Close pendingClose;
    private volatile boolean closed;

    /**
     * @param session  the connection
     * @param executor runs drain tasks (virtual threads)
     * @param limit    most frames waiting before the client counts as a slow consumer
     */
    public OutboundQueue(WsSession session, Executor executor, int limit) {
        this.session = session;
        this.executor = executor;
        this.limit = limit;
    }

    /**
     * Queues a text frame.
     *
     * @return false when the connection is closing or the queue overflowed (the connection
     *     is then closed with {@link CloseCode#SLOW_CONSUMER})
     */
    public boolean send(String text) {
        if (closed || pendingClose != null) {
            return false;
        }
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            LOG.log(Level.WARNING, "outbound queue overflow (" + limit + " frames): closing slow consumer");
            queue.clear();
            close(CloseCode.SLOW_CONSUMER, CloseCode.SLOW_CONSUMER.reason());
            return false;
        }
        queue.add(text);
        schedule();
        return true;
    }

    /** Queues a pong answering a client ping (RFC 6455 section 5.5.3). */
    public void pong(BufferData payload) {
        if (!closed) {
            queue.add(new Pong(payload));
            schedule();
        }
    }

    /**
     * Closes the connection after the frames already queued. Frames sent afterwards are
     * dropped. Idempotent: the first close wins.
     */
    public void close(CloseCode code, String reason) {
        if (pendingClose == null && !closed) {
            pendingClose = new Close(code.code(), reason);
            schedule();
        }
    }

    /** Marks the connection gone (the peer closed or the socket failed): nothing more is written. */
    public void abandon() {
        closed = true;
        queue.clear();
    }

    /** Frames waiting to be written. */
    public int pending() {
        return size.get();
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
            }
            Close close = pendingClose;
            if (close != null && !closed && queue.isEmpty()) {
                closed = true;
                try {
                    session.close(close.code(), close.reason());
                } catch (RuntimeException e) {
                    // Socket already gone.
                }
            }
            draining.set(false);
            // Re-check: an item may have been queued after the last poll but before the flag cleared.
        } while (!closed && (!queue.isEmpty() || pendingClose != null) && draining.compareAndSet(false, true));
    }

    private void write(Object item) {
        try {
            if (item instanceof String text) {
                size.decrementAndGet();
                session.send(text, true);
            } else if (item instanceof Pong pong) {
                session.pong(pong.payload());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "write failed, dropping connection output: " + e.getClass().getSimpleName());
            abandon();
        }
    }

    private record Close(int code, String reason) {
    }

    private record Pong(BufferData payload) {
    }
}
