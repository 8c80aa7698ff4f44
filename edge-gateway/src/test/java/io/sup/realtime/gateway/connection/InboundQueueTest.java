package io.sup.realtime.gateway.connection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundQueueTest {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void tasksRunOneAtATimeInSubmissionOrder() throws Exception {
        InboundQueue queue = new InboundQueue(executor, 8);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            queue.submit(() -> {
                if (!running.compareAndSet(false, true)) {
                    overlapped.set(true);
                }
                ran.add(n);
                running.set(false);
                if (n == 1_999) {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(IntStream.range(0, 2_000).boxed().toList(), ran);
        assertFalse(overlapped.get(), "two tasks of one connection ran at once");
    }

    @Test
    void aFullQueueHoldsTheSubmitterBackUntilATaskIsDone() throws Exception {
        InboundQueue queue = new InboundQueue(executor, 2);
        CountDownLatch release = new CountDownLatch(1);
        queue.submit(() -> await(release));
        queue.submit(() -> { });
        CountDownLatch thirdSubmitted = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            queue.submit(() -> { });
            thirdSubmitted.countDown();
        });
        assertFalse(thirdSubmitted.await(300, TimeUnit.MILLISECONDS), "submit did not wait for room");
        release.countDown();
        assertTrue(thirdSubmitted.await(5, TimeUnit.SECONDS));
        reader.join();
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() throws Exception {
        InboundQueue queue = new InboundQueue(executor, 4);
        CountDownLatch after = new CountDownLatch(1);
        queue.submit(() -> {
            throw new IllegalStateException("boom");
        });
        queue.submit(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptedSubmitterDropsItsTaskAndKeepsTheInterrupt() throws Exception {
        InboundQueue queue = new InboundQueue(executor, 1);
        CountDownLatch release = new CountDownLatch(1);
        queue.submit(() -> await(release));
        AtomicBoolean dropped = new AtomicBoolean(true);
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread reader = Thread.ofVirtual().start(() -> {
            queue.submit(() -> dropped.set(false));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(100);
        reader.interrupt();
        reader.join(5_000);
        release.countDown();
        CountDownLatch later = new CountDownLatch(1);
        queue.submit(later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertTrue(dropped.get(), "the interrupted submitter's task ran");
        assertTrue(stillInterrupted.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
