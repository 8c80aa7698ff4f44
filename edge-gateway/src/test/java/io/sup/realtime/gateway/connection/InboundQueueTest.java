package io.sup.realtime.gateway.connection;

import java.util.Arrays;
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

        assertEquals(Thread.State.WAITING, awaitParkedInSubmitOrEnded(reader), "submit did not wait for room");
        assertEquals(1, thirdSubmitted.getCount(), "submit returned while the queue was full");
        release.countDown();
        assertTrue(thirdSubmitted.await(30, TimeUnit.SECONDS), "submit still waits after a task was done");
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
        assertTrue(after.await(30, TimeUnit.SECONDS));
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
        assertEquals(Thread.State.WAITING, awaitParkedInSubmitOrEnded(reader), "submit did not wait for room");
        reader.interrupt();
        reader.join(5_000);
        assertFalse(reader.isAlive(), "the interrupted submitter still waits");
        release.countDown();
        CountDownLatch later = new CountDownLatch(1);
        queue.submit(later::countDown);
        assertTrue(later.await(30, TimeUnit.SECONDS));
        assertTrue(dropped.get(), "the interrupted submitter's task ran");
        assertTrue(stillInterrupted.get());
    }

    /**
     * Waits until {@code submitter} is parked inside {@link InboundQueue#submit} (WAITING with
     * submit on its stack) or has ended (TERMINATED), and returns which.
     */
    private static Thread.State awaitParkedInSubmitOrEnded(Thread submitter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State state = submitter.getState();
            if (state == Thread.State.TERMINATED || state == Thread.State.WAITING && inSubmit(submitter)) {
                return state;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the submitter neither parked in submit nor ended: " + state);
            }
            Thread.sleep(1); // polling pace; what is waited on is the thread's state
        }
    }

    private static boolean inSubmit(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals(InboundQueue.class.getName()) && frame.getMethodName().equals("submit"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
