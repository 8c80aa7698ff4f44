package io.sup.realtime.platform.grpc.multiplex;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.sup.realtime.proto.multiplex.v1.MultiplexedRequest;
import io.sup.realtime.proto.multiplex.v1.MultiplexedResponse;

/**
 * One unary call made through a {@link MultiplexChannel}: collects the request, sends it when
 * the caller half-closes, and ends exactly once, with the response, its stream's failure, its
 * deadline or a cancel (the caller's, or its {@link Context}'s), whichever comes first; a
 * cancelled or late call is cancelled on the server too. A call the server did not run (it
 * was draining) is sent again, on another stream, up to three times. The listener's callbacks run on the
 * call's executor, in gRPC's order (headers with a response, the message, the close).
 */
final class MultiplexedClientCall<Q, R> extends ClientCall<Q, R> implements Context.CancellationListener {
    private static final long[] RESEND_DELAYS_MILLIS = {5, 20, 80};

    private final MultiplexChannel owner;
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final Executor executor;
    private final AtomicBoolean ended = new AtomicBoolean();
    private Listener<R> listener;
    private Metadata headers;
    private Q message;
    private long timeoutMicros;
    /** The request as it travels, all but its call id (set when it is sent). */
    private MultiplexedRequest.Builder prepared;
    /** The caller's context, whose cancellation cancels this call. */
    private Context context;
    /** How often the call was sent again after a server did not run it. */
    private int resends;
    private volatile long callId;
    private volatile ClientExchange exchange;
    private volatile ScheduledFuture<?> deadlineTimer;
    /** The same call made directly, when the server could not multiplex it. */
    private volatile ClientCall<Q, R> direct;

    MultiplexedClientCall(MultiplexChannel owner, MethodDescriptor<Q, R> method, CallOptions options, Executor executor) {
        this.owner = owner;
        this.method = method;
        this.options = options;
        this.executor = executor;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
        this.listener = listener;
        this.headers = headers;
    }

    @Override
    public void request(int numMessages) {
        // A unary call has one response, and it is always delivered.
    }

    @Override
    public void sendMessage(Q message) {
        if (this.message != null) {
            throw new IllegalStateException("a unary call sends one message");
        }
        this.message = message;
    }

    @Override
    public void halfClose() {
        if (ended.get()) {
            return; // cancelled before it was sent
        }
        if (message == null) {
            end(Status.INTERNAL.withDescription("unary call half-closed without a request"), new Metadata(), null);
            return;
        }
        try {
            ByteString bytes = Serialized.of(message, method::streamRequest);
            if (bytes.size() > MultiplexChannel.MAX_MESSAGE_BYTES) {
                // What the server's transport would say of a direct call's request this large.
                end(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size "
                        + MultiplexChannel.MAX_MESSAGE_BYTES + ": " + bytes.size()), new Metadata(), null);
                return;
            }
            prepared = MultiplexedRequest.newBuilder().setMethod(method.getFullMethodName()).setMessage(bytes);
            MetadataEntries.addTo(headers, prepared::addHeaders);
        } catch (RuntimeException e) {
            end(Status.INTERNAL.withDescription("cannot serialize the request").withCause(e), new Metadata(), null);
            return;
        }
        context = Context.current();
        Deadline deadline = earliest(options.getDeadline(), context.getDeadline());
        if (deadline != null) {
            long remainingNanos = deadline.timeRemaining(TimeUnit.NANOSECONDS);
            if (remainingNanos <= 0) {
                end(Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call was sent"), new Metadata(), null);
                return;
            }
            timeoutMicros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(remainingNanos));
            prepared.setTimeoutMicros(timeoutMicros);
            deadlineTimer = DeadlineTimer.INSTANCE.schedule(this::deadlinePassed, remainingNanos, TimeUnit.NANOSECONDS);
        }
        context.addListener(this, MoreExecutors.directExecutor()); // a no-op for a context that cannot be cancelled
        owner.send(this);
    }

    @Override
    public void cancel(String message, Throwable cause) {
        Status status = Status.CANCELLED.withDescription(message != null ? message : "cancelled by the caller");
        if (end(cause != null ? status.withCause(cause) : status, new Metadata(), null)) {
            leave();
        }
    }

    /** The caller's context was cancelled: so is the call, with the context's reason. */
    @Override
    public void cancelled(Context cancelled) {
        Status status = Status.fromThrowable(cancelled.cancellationCause());
        if (cancelled.getDeadline() != null && cancelled.getDeadline().isExpired()) {
            status = Status.DEADLINE_EXCEEDED.withDescription("the caller's context deadline passed");
        } else if (status.getCode() == Status.Code.UNKNOWN) {
            status = Status.CANCELLED.withDescription("the caller's context was cancelled");
        }
        if (end(status, new Metadata(), null)) {
            leave();
        }
    }

    @Override
    public boolean isReady() {
        return true;
    }

    /** Whether the call has ended (nothing more is to be sent for it). */
    boolean hasEnded() {
        return ended.get();
    }

    /** Called by the exchange, under its lock, before the request goes out. */
    void sentOn(ClientExchange exchange, long callId) {
        this.callId = callId; // first: whoever reads the exchange reads this call's id on it
        this.exchange = exchange;
    }

    /** The request as it travels on the stream. */
    MultiplexedRequest request(long callId) {
        return prepared.setCallId(callId).build();
    }

    /** The server's answer (on the transport's thread). */
    void answered(MultiplexedResponse response) {
        Status status = Status.fromCodeValue(response.getStatusCode());
        if (!response.getStatusDescription().isEmpty()) {
            status = status.withDescription(response.getStatusDescription());
        }
        end(status, null, response);
    }

    /**
     * The server did not run the call (it was draining, or the stream ended first): sent
     * again on a new stream, after 5, 20 and 80 ms (the server's GOAWAY, which moves new
     * streams to another connection, may reach the channel a moment after the refusal);
     * failed with {@code status} after the third refusal.
     */
    void notRun(Status status) {
        if (resends == RESEND_DELAYS_MILLIS.length || ended.get()) {
            failed(status);
            return;
        }
        exchange = null;
        DeadlineTimer.INSTANCE.schedule(() -> owner.send(this), RESEND_DELAYS_MILLIS[resends++], TimeUnit.MILLISECONDS);
    }

    /** The stream failed before the server answered. */
    void failed(Status status) {
        end(status, new Metadata(), null);
    }

    /**
     * Makes this call directly on {@code channel}: its stream's server has no Multiplex
     * service (so it did not run it), or the multiplexed channel was closed.
     */
    void sendDirectly(Channel channel) {
        if (ended.get()) {
            return;
        }
        ClientCall<Q, R> call = channel.newCall(method, options.withExecutor(MoreExecutors.directExecutor()));
        direct = call;
        call.start(new Listener<>() {
            private R reply;

            @Override
            public void onMessage(R message) {
                reply = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                endDirect(status, trailers, reply);
            }
        }, headers);
        call.request(1);
        call.sendMessage(message);
        call.halfClose();
    }

    private void deadlinePassed() {
        if (end(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after "
                + TimeUnit.MICROSECONDS.toMillis(timeoutMicros) + " ms"), new Metadata(), null)) {
            leave();
        }
    }

    /** Cancels the call where it went: on its stream's server, or the direct call. */
    private void leave() {
        ClientExchange sentOn = exchange;
        if (sentOn != null) {
            sentOn.cancel(callId);
        }
        ClientCall<Q, R> call = direct;
        if (call != null) {
            call.cancel("the multiplexed call ended", null);
        }
    }

    private void endDirect(Status status, Metadata trailers, R reply) {
        if (!endOnce()) {
            return;
        }
        executor.execute(() -> tellListener(status, trailers, reply));
    }

    /**
     * Ends the call once: the listener gets {@code response}'s message and trailers, or
     * {@code trailers} when there is no response.
     *
     * @return whether this ended the call (false: it had ended already)
     */
    private boolean end(Status status, Metadata trailers, MultiplexedResponse response) {
        if (!endOnce()) {
            return false;
        }
        executor.execute(() -> deliver(status, trailers, response));
        return true;
    }

    /** Marks the call ended and stops its timer and context listener; false if it had ended already. */
    private boolean endOnce() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        if (context != null) {
            context.removeListener(this);
        }
        return true;
    }

    private void deliver(Status status, Metadata trailers, MultiplexedResponse response) {
        if (response == null) {
            tellListener(status, trailers, null);
            return;
        }
        try {
            Metadata responseTrailers = MetadataEntries.toMetadata(response.getTrailersList());
            tellListener(status, responseTrailers, response.hasMessage() && status.isOk() ? parse(response.getMessage()) : null);
        } catch (RuntimeException e) {
            tellListener(Status.INTERNAL.withDescription("cannot read the multiplexed response").withCause(e), new Metadata(), null);
        }
    }

    /** Gives the listener the call's end; there is none when the call was cancelled before it started. */
    private void tellListener(Status status, Metadata trailers, R reply) {
        if (listener == null) {
            return;
        }
        if (reply != null) {
            listener.onHeaders(new Metadata());
            listener.onMessage(reply);
        }
        listener.onClose(status, trailers);
    }

    private R parse(ByteString bytes) {
        return method.parseResponse(bytes.newInput());
    }

    private static Deadline earliest(Deadline a, Deadline b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.minimum(b);
    }
}
