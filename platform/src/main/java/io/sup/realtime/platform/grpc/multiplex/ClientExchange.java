package io.sup.realtime.platform.grpc.multiplex;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.sup.realtime.proto.multiplex.v1.MultiplexGrpc;
import io.sup.realtime.proto.multiplex.v1.MultiplexedRequest;
import io.sup.realtime.proto.multiplex.v1.MultiplexedResponse;

/**
 * The client end of one {@code Multiplex/Exchange} stream: sends calls (and cancels) on it
 * and hands each response to the call it answers. Its callbacks run on the transport's
 * thread (a direct executor): they only look the call up and pass the response on. Sends are
 * serialized here, since a {@link ClientCall} is not thread-safe; every response is requested
 * up front, so nothing else touches the call from the transport's side. Nothing is called
 * under this lock that takes the channel's.
 */
final class ClientExchange extends ClientCall.Listener<MultiplexedResponse> {
    private static final Status NOT_ANSWERED =
            Status.UNAVAILABLE.withDescription("multiplexed stream ended before the call was answered");

    private final ClientCall<MultiplexedRequest, MultiplexedResponse> stream;
    private final Channel channel;
    private final MultiplexChannel owner;
    private final Map<Long, MultiplexedClientCall<?, ?>> pending = new ConcurrentHashMap<>();
    private final long openedNanos = System.nanoTime();
    private long lastCallId;
    private volatile boolean retiring;
    /** Guarded by this. */
    private boolean halfClosed;
    private volatile boolean ended;
    private volatile Status endStatus;

    /** What {@link #send} did with a call. */
    enum Sent {
        /** On its way to the server. */
        SENT,
        /** Ended already: nothing was done, the call is to end as the stream's calls did. */
        ENDED,
        /** Retired: nothing was done, the call is to go on another stream. */
        REFUSED
    }

    private ClientExchange(Channel channel, ClientCall<MultiplexedRequest, MultiplexedResponse> stream,
                           MultiplexChannel owner) {
        this.channel = channel;
        this.stream = stream;
        this.owner = owner;
    }

    /**
     * Opens a stream of {@code owner}'s on {@code channel}. If the server has no Multiplex
     * service, {@code owner} is told and the calls sent here are made directly on
     * {@code channel} instead (the server ran none of them); if it drains, {@code owner} is
     * told before the calls it did not run are sent again.
     */
    static ClientExchange open(Channel channel, MultiplexChannel owner) {
        ClientCall<MultiplexedRequest, MultiplexedResponse> stream = channel.newCall(MultiplexGrpc.getExchangeMethod(),
                CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor()));
        ClientExchange exchange = new ClientExchange(channel, stream, owner);
        synchronized (exchange) {
            stream.start(exchange, new Metadata());
            stream.request(Integer.MAX_VALUE);
        }
        return exchange;
    }

    /** Whether new calls may still go here: not ended, not retired, younger than {@code maxAgeNanos}. */
    boolean usable(long maxAgeNanos) {
        return !ended && !retiring && System.nanoTime() - openedNanos < maxAgeNanos;
    }

    /**
     * Sends {@code call}'s request on this stream, unless it has ended (the caller then ends the
     * call with {@link #endWithTheStream}, outside this lock: that may send it on another
     * stream, and the channel takes its lock before a stream's) or been retired.
     */
    synchronized Sent send(MultiplexedClientCall<?, ?> call) {
        if (ended) {
            return Sent.ENDED;
        }
        if (retiring) {
            return Sent.REFUSED;
        }
        if (call.hasEnded()) {
            return Sent.SENT; // its deadline passed or it was cancelled on the way: nothing to send
        }
        long callId = ++lastCallId;
        pending.put(callId, call);
        call.sentOn(this, callId);
        stream.sendMessage(call.request(callId));
        return Sent.SENT;
    }

    /**
     * Forgets a call that ended here some other way (its deadline passed, or it was
     * cancelled), and tells the server to cancel it.
     */
    synchronized void cancel(long callId) {
        if (pending.remove(callId) == null || ended) {
            return;
        }
        if (!halfClosed) {
            stream.sendMessage(MultiplexedRequest.newBuilder().setCallId(callId).setCancel(true).build());
        }
        halfCloseIfDone();
    }

    /** Takes no new calls; half-closes once every call sent here is answered. */
    synchronized void retire() {
        retiring = true;
        halfCloseIfDone();
    }

    private synchronized void halfCloseIfDone() {
        if (retiring && !halfClosed && !ended && pending.isEmpty()) {
            halfClosed = true;
            stream.halfClose();
        }
    }

    @Override
    public void onMessage(MultiplexedResponse response) {
        MultiplexedClientCall<?, ?> call = pending.remove(response.getCallId());
        if (call == null) {
            return;
        }
        if (response.getNotRun()) {
            owner.serverDraining(); // this stream and any other on the same server take no more calls
            call.notRun(Status.fromCodeValue(response.getStatusCode()).withDescription(response.getStatusDescription()));
        } else {
            call.answered(response);
        }
        if (retiring) {
            halfCloseIfDone();
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        synchronized (this) { // a send either saw the end or left its call in pending for the loop below
            endStatus = status;
            ended = true;
        }
        if (status.getCode() == Status.Code.UNIMPLEMENTED) {
            owner.streamUnimplemented();
        }
        for (Long callId : pending.keySet()) {
            MultiplexedClientCall<?, ?> call = pending.remove(callId);
            if (call != null) {
                endWithTheStream(call);
            }
        }
    }

    /**
     * Ends a call this ended stream did not answer. The server ran none of them if it had no
     * Multiplex service (they go directly on the channel) or ended the stream with OK (it does
     * so once it has answered every call it started: they go on another stream); after any
     * other end, as after a lost connection, a call fails with the stream's status.
     */
    void endWithTheStream(MultiplexedClientCall<?, ?> call) {
        switch (endStatus.getCode()) {
            case UNIMPLEMENTED -> call.sendDirectly(channel);
            case OK -> call.notRun(NOT_ANSWERED);
            default -> call.failed(endStatus);
        }
    }
}
