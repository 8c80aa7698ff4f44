package io.sup.realtime.platform.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

/**
 * The inbox of the gateway instance whose call is being served on this thread: a frame the
 * {@link DeliveryBus} would publish to that instance is kept here instead, and rides back in
 * the call's response (its trailers, {@code io.sup.realtime.platform.grpc.CallerInboxInterceptor}),
 * where the gateway hands it to its connections before it reads the response. In a messenger
 * most deliveries of a client's event go to the gateway that sent it (both ends of a one-to-one
 * chat on one gateway, a sender's other devices, the chat room it types in), and each one kept
 * here costs neither the publish's Redis round trip nor the gateway's read from its inbox.
 * Socket.IO's Redis adapter does the same for a broadcast: local sockets first, Redis only for
 * the other nodes.
 *
 * <p>Order: every frame of a call for its caller's instance is kept, so one client's events
 * reach a recipient on the same gateway in the order their responses do, as they did through
 * the inbox; frames for other instances are published as before. Frames offered once the
 * inbox was {@linkplain #take taken} (a delivery after the response) are published.
 *
 * <p>Bound to a thread with {@link #during}; thread-safe.
 */
public final class CallerInbox {
    /**
     * What a frame adds to a response besides its own bytes, at most: its trailer entry's key
     * ({@code sup-delivery-frame-bin}) and the field tags and lengths around it.
     */
    public static final int ENVELOPE_BYTES = 64;

    private static final ThreadLocal<CallerInbox> CURRENT = new ThreadLocal<>();
    private static final Counter CARRIED = DeliveryBus.framesCounter("response",
            "carried back to the gateway whose call was being served, in that call's response (CallerInbox)");

    private final String instance;
    /** Guarded by this. */
    private final List<DeliveryFrame> frames = new ArrayList<>(1);
    private DeliveryBus publisher;
    private boolean taken;

    /** @param instance the calling gateway's instance id (the {@code <instance>} of its inbox channel) */
    public CallerInbox(String instance) {
        this.instance = instance;
    }

    /** The inbox bound to this thread, or null outside a call from a gateway. */
    static CallerInbox current() {
        return CURRENT.get();
    }

    /** Runs {@code step} with {@code inbox} bound to this thread (unbound again after it). */
    public static <T> T during(CallerInbox inbox, Supplier<T> step) {
        CallerInbox outer = CURRENT.get();
        CURRENT.set(inbox);
        try {
            return step.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The calling gateway's instance id. */
    public String instance() {
        return instance;
    }

    /**
     * Keeps {@code frame} when it is for this inbox's instance and the inbox was not taken yet.
     *
     * @param bus where the frame goes should the call end without a response ({@link #publishRest})
     * @return whether it was kept (else the caller publishes it)
     */
    synchronized boolean offer(DeliveryBus bus, String toInstance, DeliveryFrame frame) {
        if (taken || !instance.equals(toInstance)) {
            return false;
        }
        publisher = bus;
        frames.add(frame);
        return true;
    }

    /**
     * Takes the frames kept, in the order they were offered, for a response to carry, when
     * they come to at most {@code maxBytes} with their envelope ({@link #ENVELOPE_BYTES} each);
     * from then on frames are published. Counted as {@code bus.frames{via=response}}.
     *
     * @return the frames (empty when none were kept), or null, without taking them, when they
     *     are larger ({@link #publishRest} them)
     */
    public synchronized List<DeliveryFrame> take(long maxBytes) {
        long bytes = 0;
        for (DeliveryFrame frame : frames) {
            bytes += frame.getSerializedSize() + ENVELOPE_BYTES;
        }
        if (bytes > maxBytes) {
            return null;
        }
        List<DeliveryFrame> kept = takeAll();
        CARRIED.increment(kept.size());
        return kept;
    }

    /** Whether frames are kept that nothing took yet. */
    public synchronized boolean hasRest() {
        return !frames.isEmpty();
    }

    private synchronized List<DeliveryFrame> takeAll() {
        taken = true;
        List<DeliveryFrame> kept = List.copyOf(frames);
        frames.clear();
        return kept;
    }

    /**
     * Publishes the frames kept and not taken (the call ended, or was cancelled, without a
     * response that could carry them), and takes the inbox.
     *
     * @throws redis.clients.jedis.exceptions.JedisException when the publish fails
     */
    public void publishRest() {
        publish(takeAll());
    }

    /**
     * Publishes {@code taken}, frames {@link #take} gave for a response that was then not sent
     * (the call was cancelled as it closed).
     *
     * @throws redis.clients.jedis.exceptions.JedisException when the publish fails
     */
    public void publish(List<DeliveryFrame> taken) {
        DeliveryBus bus;
        synchronized (this) {
            bus = publisher;
        }
        if (!taken.isEmpty()) {
            bus.publishTo(instance, taken);
        }
    }
}
