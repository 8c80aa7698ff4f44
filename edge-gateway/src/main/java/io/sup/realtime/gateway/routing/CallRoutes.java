package io.sup.realtime.gateway.routing;

import static io.sup.realtime.gateway.routing.Route.parse;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.sup.realtime.proto.calls.v1.AnswerRequest;
import io.sup.realtime.proto.calls.v1.CallServiceGrpc;
import io.sup.realtime.proto.calls.v1.CallServiceGrpc.CallServiceBlockingStub;
import io.sup.realtime.proto.calls.v1.EndRequest;
import io.sup.realtime.proto.calls.v1.IceCandidateRequest;
import io.sup.realtime.proto.calls.v1.InitiateRequest;
import io.sup.realtime.proto.calls.v1.RejectRequest;

/**
 * The call domain's events -> {@code sup.calls.v1.CallService}. Calls live in
 * call-signaling-service (the caller carries the connection id, which is the one in the
 * call); the gateway keeps no call state.
 */
public final class CallRoutes implements RouteTable {
    private final CallServiceBlockingStub calls;
    private final Duration deadline;
    private final Map<String, Route> routes = new LinkedHashMap<>();

    /**
     * @param channel  channel to call-signaling-service
     * @param deadline deadline of each gRPC call
     */
    public CallRoutes(Channel channel, Duration deadline) {
        this.calls = CallServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
        register();
    }

    @Override
    public ClientEvents.Domain domain() {
        return ClientEvents.Domain.CALLS;
    }

    @Override
    public Map<String, Route> routes() {
        return Collections.unmodifiableMap(routes);
    }

    private void register() {
        routes.put("call:initiate", (c, caller, data) ->
                stub().initiate(parse(data, InitiateRequest.newBuilder()).setCaller(caller).build()));
        routes.put("call:answer", (c, caller, data) ->
                stub().answer(parse(data, AnswerRequest.newBuilder()).setCaller(caller).build()));
        routes.put("call:reject", (c, caller, data) ->
                stub().reject(parse(data, RejectRequest.newBuilder()).setCaller(caller).build()));
        routes.put("call:end", (c, caller, data) ->
                stub().end(parse(data, EndRequest.newBuilder()).setCaller(caller).build()));
        routes.put("call:ice-candidate", (c, caller, data) ->
                stub().relayIceCandidate(parse(data, IceCandidateRequest.newBuilder()).setCaller(caller).build()));
    }

    /** The stub with a fresh deadline: a deadline is an instant, so each call needs its own. */
    private CallServiceBlockingStub stub() {
        return calls.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
