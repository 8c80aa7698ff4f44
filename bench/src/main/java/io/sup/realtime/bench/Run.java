package io.sup.realtime.bench;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/** Shared counters and histograms of one run (latencies in microseconds). */
final class Run {
    final String runId;
    final String contentPrefix;
    BenchClient[] clients;
    volatile long measureEndNanos = Long.MAX_VALUE;

    final ConcurrentHistogram connectLatency = new ConcurrentHistogram(3);
    final ConcurrentHistogram ackLatency = new ConcurrentHistogram(3);
    final ConcurrentHistogram deliveryLatency = new ConcurrentHistogram(3);
    final LongAdder acked = new LongAdder();
    final LongAdder ackFailures = new LongAdder();
    final LongAdder measuredDeliveries = new LongAdder();
    final LongAdder deliveriesInWindow = new LongAdder();
    final LongAdder selfDeliveries = new LongAdder();
    final LongAdder foreignDeliveries = new LongAdder();
    final LongAdder errorEvents = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    volatile String lastAckError;

    Run(String runId) {
        this.runId = runId;
        this.contentPrefix = "bench|" + runId + "|";
    }
}
