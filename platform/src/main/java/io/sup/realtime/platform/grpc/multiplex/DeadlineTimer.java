package io.sup.realtime.platform.grpc.multiplex;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer of multiplexed calls' deadlines in a process, client and server side: one
 * daemon thread, which wakes only when a deadline passes (most calls are answered long
 * before), and cancelled tasks leave the queue at once, so it holds only calls in flight.
 */
final class DeadlineTimer {
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
        return timer;
    }
}
