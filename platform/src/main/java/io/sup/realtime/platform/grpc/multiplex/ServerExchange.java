package io.sup.realtime.platform.grpc.multiplex;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.sup.realtime.proto.multiplex.v1.MultiplexedRequest;
import io.sup.realtime.proto.multiplex.v1.MultiplexedResponse;

/**
 * The server end of one {@code Exchange} stream: starts a {@link MultiplexedServerCall} per
 * request and writes each call's response. Writes are serialized here, since a
 * {@link ServerCall} is not thread-safe. A cancel request cancels the call it names. The
 * stream ends with {@code OK} once the client half-closed it, or the server drains, and every
 * call it started is answered (while draining, calls not started are answered
 * {@code not_run}); if the client goes away first, the calls still running are cancelled, as
 * direct calls on a lost connection would be.
 */
final class ServerExchange extends ServerCall.Listener<MultiplexedRequest> {
    private final ServerCall<MultiplexedRequest, MultiplexedResponse> stream;
    private final MultiplexService service;
    private final Map<Long, MultiplexedServerCall<?, ?>> running = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private boolean halfClosed;
    private boolean draining;
    private boolean ended;

    ServerExchange(ServerCall<MultiplexedRequest, MultiplexedResponse> stream, MultiplexService service) {
        this.stream = stream;
        this.service = service;
        stream.sendHeaders(new Metadata());
        stream.request(Integer.MAX_VALUE); // every request is read at once; the clients bound their calls in flight
    }

    @Override
    public void onMessage(MultiplexedRequest request) {
        if (request.getCancel()) {
            MultiplexedServerCall<?, ?> cancelled = running.get(request.getCallId());
            if (cancelled != null) {
                cancelled.cancel();
            }
            return;
        }
        ServerMethodDefinition<?, ?> method = service.method(request.getMethod());
        MultiplexedServerCall<?, ?> call;
        synchronized (this) {
            if (ended) {
                return; // crossed the stream's end: the client knows it was not run
            }
            if (draining) {
                respond(refusal(request, Status.UNAVAILABLE.withDescription("server shutting down, retry later"))
                        .setNotRun(true).build());
                return;
            }
            if (method == null) {
                respond(refusal(request, Status.UNIMPLEMENTED.withDescription("Method not found: " + request.getMethod()))
                        .build());
                return;
            }
            call = new MultiplexedServerCall<>(method, request, this);
            running.put(request.getCallId(), call);
        }
        service.handlers().execute(call::run);
    }

    @Override
    public void onHalfClose() {
        synchronized (this) {
            halfClosed = true;
            endIfDone();
        }
    }

    @Override
    public void onCancel() {
        synchronized (this) {
            ended = true;
        }
        service.ended(this);
        running.values().forEach(MultiplexedServerCall::cancel);
    }

    @Override
    public void onComplete() {
        service.ended(this);
    }

    /** Starts no more calls; ends the stream once those it runs are answered. */
    synchronized void drain() {
        draining = true;
        endIfDone();
    }

    /** Writes one call's response and forgets the call. */
    void answered(long callId, MultiplexedResponse response) {
        synchronized (this) {
            if (running.remove(callId) == null || ended) {
                return; // cancelled with the stream
            }
            respond(response);
            endIfDone();
        }
    }

    /** Forgets a call that will not be answered (its deadline passed, or it was cancelled). */
    synchronized void abandoned(long callId) {
        running.remove(callId);
        endIfDone();
    }

    MultiplexService service() {
        return service;
    }

    private void respond(MultiplexedResponse response) {
        stream.sendMessage(response);
    }

    private void endIfDone() {
        if ((halfClosed || draining) && !ended && running.isEmpty()) {
            ended = true;
            stream.close(Status.OK, new Metadata());
        }
    }

    private static MultiplexedResponse.Builder refusal(MultiplexedRequest request, Status status) {
        return MultiplexedResponse.newBuilder()
                .setCallId(request.getCallId())
                .setStatusCode(status.getCode().value())
                .setStatusDescription(status.getDescription());
    }
}
