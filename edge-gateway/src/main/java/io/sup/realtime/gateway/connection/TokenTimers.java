package io.sup.realtime.gateway.connection;

import java.util.concurrent.ScheduledFuture;

/**
 * A connection's token timers (the {@code auth:expiring} warning and the expiry close). Each
 * {@link #replace} starts a new generation and cancels the previous one's timers; a timer
 * that fires anyway checks {@link #isCurrent} before it acts, so a refresh always wins.
 */
public final class TokenTimers {
    private int generation;
    private ScheduledFuture<?> warning;
    private ScheduledFuture<?> expiry;

    /** Starts a new generation, cancelling the current timers; returns its number. */
    public synchronized int next() {
        cancelTimers();
        return ++generation;
    }

    /** Installs the timers of generation {@code g}, unless a newer one started meanwhile. */
    public synchronized void replace(int g, ScheduledFuture<?> newWarning, ScheduledFuture<?> newExpiry) {
        if (g != generation) {
            cancel(newWarning);
            cancel(newExpiry);
            return;
        }
        warning = newWarning;
        expiry = newExpiry;
    }

    /** Whether generation {@code g} is still the current one. */
    public synchronized boolean isCurrent(int g) {
        return g == generation;
    }

    /** Cancels everything (the connection closed). */
    public synchronized void cancel() {
        generation++;
        cancelTimers();
    }

    private void cancelTimers() {
        cancel(warning);
        cancel(expiry);
        warning = null;
        expiry = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
