package io.sup.realtime.platform.grpc.multiplex;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.proto.multiplex.v1.MultiplexedRequest;
import io.sup.realtime.proto.multiplex.v1.MultiplexedResponse;

/**
 * One call a stream carried, run as grpc-java runs a direct unary call: the method's handler
 * (its interceptors first) gets this {@link ServerCall}, then the request and the half-close,
 * inside a {@link Context} that is cancelled when the call's deadline passes, its caller
 * cancels it or its stream is lost; once the handler has returned, the listener gets
 * {@code onComplete} if the call was closed, or {@code onCancel} if it was cancelled first, in
 * which case nothing is sent (the client keeps the deadline itself). Whatever the handler
 * closes it with (status, trailers, message) goes back in a {@code MultiplexedResponse}; a
 * response larger than {@link MultiplexChannel#MAX_MESSAGE_BYTES} fails this call alone with
 * {@code RESOURCE_EXHAUSTED}, as the caller's transport would fail a direct one. Response
 * headers are not carried (the handlers here set none).
 */
final class MultiplexedServerCall<Q, R> extends ServerCall<Q, R> {
    private static final Logger LOG = System.getLogger(MultiplexedServerCall.class.getName());

    private final ServerMethodDefinition<Q, R> method;
    private final MultiplexedRequest request;
    private final ServerExchange exchange;
    private final Context.CancellableContext context;
    /** Guarded by this: whether the call was closed or cancelled, and whether its listener was told. */
    private boolean ended;
    private boolean cancelled;
    private boolean handlerReturned;
    private boolean listenerTold;
    private Listener<Q> listener;
    private R response;

    @SuppressWarnings("unchecked")
    MultiplexedServerCall(ServerMethodDefinition<?, ?> method, MultiplexedRequest request, ServerExchange exchange) {
        this.method = (ServerMethodDefinition<Q, R>) method;
        this.request = request;
        this.exchange = exchange;
        this.context = request.getTimeoutMicros() > 0
                ? Context.ROOT.withDeadlineAfter(request.getTimeoutMicros(), TimeUnit.MICROSECONDS, DeadlineTimer.INSTANCE)
                : Context.ROOT.withCancellation();
    }

    /**
     * Runs the handler, on a handler thread. The listener's last callback ({@code onComplete}
     * or {@code onCancel}) comes after {@code onHalfClose} has returned, as grpc-java
     * serializes a call's callbacks.
     */
    void run() {
        context.addListener(ignored -> cancelled(), MoreExecutors.directExecutor());
        try {
            context.run(this::handle);
        } finally {
            synchronized (this) {
                handlerReturned = true;
            }
            tellListener();
        }
    }

    private void handle() {
        Q message;
        Metadata headers;
        try {
            headers = MetadataEntries.toMetadata(request.getHeadersList());
            message = method.getMethodDescriptor().parseRequest(request.getMessage().newInput());
        } catch (RuntimeException e) {
            close(Status.INTERNAL.withDescription("invalid multiplexed request: " + e.getClass().getSimpleName()),
                    new Metadata());
            return;
        }
        try {
            Listener<Q> started = method.getServerCallHandler().startCall(this, headers);
            synchronized (this) {
                listener = started;
            }
            started.onMessage(message);
            started.onHalfClose();
        } catch (RuntimeException | Error e) {
            // grpc-java closes a call whose handler threw with UNKNOWN; the interceptors map
            // every exception of ours, so this is a defect, logged (without the request).
            LOG.log(Level.ERROR, method.getMethodDescriptor().getFullMethodName() + " threw", e);
            close(Status.UNKNOWN.withDescription("Application error processing RPC"), new Metadata());
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    /** The caller cancelled, or the stream was lost: the handler's context is cancelled, nothing will be sent. */
    void cancel() {
        context.cancel(Status.CANCELLED.withDescription("cancelled by the caller").asRuntimeException());
    }

    /** The context was cancelled (the deadline passed, or {@link #cancel}), before the call closed. */
    private void cancelled() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            cancelled = true;
        }
        exchange.abandoned(request.getCallId());
        tellListener();
    }

    /** Gives the listener its last callback once the handler has returned and the call has ended. */
    private void tellListener() {
        Listener<Q> told;
        boolean wasCancelled;
        synchronized (this) {
            if (listener == null || !ended || !handlerReturned || listenerTold) {
                return;
            }
            listenerTold = true;
            told = listener;
            wasCancelled = cancelled;
        }
        if (wasCancelled) {
            told.onCancel();
        } else {
            told.onComplete();
        }
    }

    @Override
    public void request(int numMessages) {
        // The one request is delivered when the call starts.
    }

    @Override
    public void sendHeaders(Metadata headers) {
        // Response headers are not carried: unary handlers here set none.
    }

    @Override
    public void sendMessage(R message) {
        response = message;
    }

    @Override
    public void close(Status status, Metadata trailers) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        MultiplexedResponse.Builder answer = MultiplexedResponse.newBuilder()
                .setCallId(request.getCallId())
                .setStatusCode(status.getCode().value());
        if (status.getDescription() != null) {
            answer.setStatusDescription(status.getDescription());
        }
        try {
            if (status.isOk() && response != null) {
                ByteString bytes = Serialized.of(response, method.getMethodDescriptor()::streamResponse);
                if (bytes.size() > MultiplexChannel.MAX_MESSAGE_BYTES) {
                    // What the caller's transport would say of a direct call's response this large.
                    throw Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size "
                            + MultiplexChannel.MAX_MESSAGE_BYTES + ": " + bytes.size()).asRuntimeException();
                }
                answer.setMessage(bytes);
            }
            MetadataEntries.addTo(trailers, answer::addTrailers);
        } catch (StatusRuntimeException e) {
            answer.clearMessage().clearTrailers().setStatusCode(e.getStatus().getCode().value())
                    .setStatusDescription(e.getStatus().getDescription());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot serialize the response of " + method.getMethodDescriptor().getFullMethodName(), e);
            answer.clearMessage().clearTrailers().setStatusCode(Status.Code.INTERNAL.value())
                    .setStatusDescription("cannot serialize the response");
        }
        exchange.answered(request.getCallId(), answer.build());
        context.cancel(null); // releases the deadline timer
        tellListener();
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public Attributes getAttributes() {
        return MultiplexService.CALL_ATTRIBUTES;
    }

    @Override
    public String getAuthority() {
        return null;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method.getMethodDescriptor();
    }
}
