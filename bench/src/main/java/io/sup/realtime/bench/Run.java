package io.sup.realtime.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * One measurement window: the whole load run, one ramp step, or the idle hold. It has its own
 * runId (written into every message's content), its own step number (written into every
 * message's ack id), fresh counters and histograms (latencies in microseconds), and the
 * per-message state of each sending client ({@link Slot}). A delivery or ack that arrives
 * after its run was reported lands in that old run and is not counted anywhere else.
 */
final class Run {
    final String runId;
    final int step;
    final String contentPrefix;
    /** Per client index; null for a client that sends nothing in this run. */
    final Slot[] slots;
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
    final LongAdder pings = new LongAdder();
    volatile String lastAckError;

    Run(String runId, int step, int clients) {
        if (runId.indexOf('|') >= 0) throw new IllegalArgumentException("runId must not contain '|'");
        this.runId = runId;
        this.step = step;
        this.contentPrefix = "bench|" + runId + "|";
        this.slots = new Slot[clients];
    }

    /** Gives each live client room for maxMessages messages and its expected fan-out. */
    void allocate(List<BenchClient> live, int maxMessages, Map<String, Integer> liveByChat) {
        for (BenchClient c : live) {
            Slot s = new Slot(maxMessages);
            s.expectedPerMessage = liveByChat.get(c.chatId) - 1;
            slots[c.index] = s;
        }
    }

    /** One client's messages in this run (index = seq). */
    static final class Slot {
        final AtomicLongArray sendNanos;
        final boolean[] measured;
        final AtomicIntegerArray deliveries; // received by the other members
        volatile int sent; // next seq; written after sendNanos/measured, so readers see them
        int expectedPerMessage; // connected members of the chat minus the sender

        Slot(int maxMessages) {
            sendNanos = new AtomicLongArray(maxMessages);
            measured = new boolean[maxMessages];
            deliveries = new AtomicIntegerArray(maxMessages);
        }
    }
}
