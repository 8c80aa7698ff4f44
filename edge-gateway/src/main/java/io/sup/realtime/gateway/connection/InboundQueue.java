package io.sup.realtime.gateway.connection;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one connection's event handling (authentication, gRPC calls, acks) one task at a time,
 * in the order the client sent them, on a short-lived virtual thread, so the connection's
 * socket reader never waits on a service.
 *
 * <p>Why not handle events on the reader itself: a virtual thread keeps the stack chunk of its
 * deepest park. A reader that once waited inside a gRPC call would hold a 5-10 KB chunk for the
 * rest of the connection's life; a reader that only ever waits for the socket holds about 1 KB.
 * A drain task exists only while events wait, as in {@link OutboundQueue}.
 *
 * <p>Bounded: when {@code limit} events wait, {@link #submit} blocks the reader until one is
 * done, so a client that sends faster than its events are handled is slowed down by TCP
 * rather than queued in memory.
 */
public final class InboundQueue {
    private static final Logger LOG = System.getLogger(InboundQueue.class.getName());

    private final Executor executor;
    private final Semaphore room;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /**
     * @param executor runs drain tasks (virtual threads)
     * @param limit    most events waiting or running before {@link #submit} blocks
     */
    public InboundQueue(Executor executor, int limit) {
        this.executor = executor;
        this.room = new Semaphore(limit);
    }

    /**
     * Queues {@code task} after the ones already submitted; blocks while {@code limit} are
     * waiting. When the calling thread is interrupted (the connection is being cut) the task
     * is dropped.
     */
    public void submit(Runnable task) {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        queue.add(task);
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    /**
     * Queues {@code task} after the ones already submitted without blocking and outside the
     * limit: for what must follow a connection's events when it ends (its closed report, so
     * a service never hears of the close before an event the connection sent before it).
     */
    public void submitLast(Runnable task) {
        queue.add(new Uncounted(task));
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    /** A task {@link #submitLast} queued: it holds no room. */
    private record Uncounted(Runnable task) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = queue.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // Even an Error: one event's failure must not leave the queue wedged forever.
                    LOG.log(Level.ERROR, "event handling failed", e);
                } finally {
                    if (!(task instanceof Uncounted)) {
                        room.release();
                    }
                }
            }
            draining.set(false);
            // Re-check: a task may have been queued after the last poll but before the flag cleared.
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }
}
