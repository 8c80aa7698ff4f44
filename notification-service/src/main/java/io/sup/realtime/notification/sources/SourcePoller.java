package io.sup.realtime.notification.sources;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.grpc.ServiceException;

/**
 * Reads one source service's records after the saved cursor, a page at a time, and hands
 * each to the source's handler before moving the cursor past it: at-least-once, which the
 * handlers' source keys make exactly-once per notification. A record the handler refuses
 * (malformed) is logged and skipped rather than retried forever. A source that is down is logged
 * once per outage, and read again on the next run from where it stopped.
 *
 * @param <R> the source's record type
 */
public final class SourcePoller<R> {
    private static final Logger LOG = System.getLogger(SourcePoller.class.getName());

    /** One source: how to read a page after a cursor, a record's id, and what to do with it. */
    public interface Source<R> {
        /** The source's name (its cursor's), e.g. {@code messaging}. */
        String name();

        /** Up to {@code limit} records after {@code cursor} (empty: from the oldest), oldest first. */
        List<R> after(String cursor, int limit);

        /** A record's position, the next cursor. */
        String id(R record);

        /** Creates the record's notifications (idempotently). */
        void handle(R record);
    }

    private static final int PAGE = 100;

    private final Source<R> source;
    private final SourceCursors cursors;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean reached = new AtomicBoolean();

    /**
     * @param source  what to read
     * @param cursors where the position is kept
     */
    public SourcePoller(Source<R> source, SourceCursors cursors) {
        this.source = source;
        this.cursors = cursors;
    }

    /** Reads every record there is now. Runs on one thread at a time (the host's timer). */
    public void poll() {
        String cursor = cursors.get(source.name());
        List<R> page;
        try {
            do {
                page = source.after(cursor, PAGE);
                for (R record : page) {
                    try {
                        source.handle(record);
                    } catch (ServiceException e) {
                        // A record we cannot turn into a notification would stop every later one.
                        LOG.log(Level.WARNING, source.name() + " record " + source.id(record) + " skipped: "
                                + e.getMessage());
                    }
                    cursor = source.id(record);
                    cursors.set(source.name(), cursor);
                }
            } while (page.size() == PAGE);
        } catch (StatusRuntimeException e) {
            if (!down.getAndSet(true)) {
                // Before its first answer the source is most likely still starting (services start together).
                LOG.log(reached.get() ? Level.WARNING : Level.INFO, source.name() + " source unreachable ("
                        + e.getStatus().getCode() + "); reading on from there when it answers");
            }
            return;
        }
        reached.set(true);
        if (down.getAndSet(false)) {
            LOG.log(Level.INFO, source.name() + " source answers");
        }
    }
}
