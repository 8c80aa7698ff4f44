package io.sup.realtime.platform.grpc.multiplex;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of multiplexed calls' deadlines in a process, client and server side: one
 * daemon thread, which wakes only when a deadline passes (most calls are answered long
 * before), and cancelled tasks leave the queue at once, so it holds only calls in flight.
 *
 * <p>A no-op task runs every {@link #HEAD_INTERVAL}, so the queue's head is always due within
 * that: {@link ScheduledThreadPoolExecutor} signals its thread whenever a new task becomes the
 * head, which, in a queue the last answered call had emptied, was nearly every call's deadline
 * (a futex wake by the caller and a wake-up of this thread: under load 1.3 % of the gateway's
 * and 2.1 % of messaging-service's CPU in this thread alone, bench/summary.md). A deadline
 * further off than the next tick is queued behind it without a wake-up; one nearer still wakes
 * the thread, and every deadline fires on time.
 */
final class DeadlineTimer {
    /** How often the head task runs: shorter than the calls' deadlines (seconds), long enough to cost nothing. */
    static final Duration HEAD_INTERVAL = Duration.ofSeconds(1);

    static final ScheduledExecutorService INSTANCE = create();

    private DeadlineTimer() {
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "grpc-multiplex-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleAtFixedRate(() -> { }, HEAD_INTERVAL.toMillis(), HEAD_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return timer;
    }
}
