package io.sup.realtime.calls.grpc;

import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.calls.signalling.CallService;
import io.sup.realtime.proto.calls.v1.AnswerRequest;
import io.sup.realtime.proto.calls.v1.AnswerResponse;
import io.sup.realtime.proto.calls.v1.CallServiceGrpc;
import io.sup.realtime.proto.calls.v1.EndRequest;
import io.sup.realtime.proto.calls.v1.EndResponse;
import io.sup.realtime.proto.calls.v1.IceCandidateRequest;
import io.sup.realtime.proto.calls.v1.IceCandidateResponse;
import io.sup.realtime.proto.calls.v1.InitiateRequest;
import io.sup.realtime.proto.calls.v1.InitiateResponse;
import io.sup.realtime.proto.calls.v1.RejectRequest;
import io.sup.realtime.proto.calls.v1.RejectResponse;

/**
 * {@code sup.calls.v1.CallService}: the client events, proto <-> domain; errors thrown by the
 * domain become statuses in {@code ErrorMappingInterceptor}.
 */
public final class CallGrpcEndpoint extends CallServiceGrpc.CallServiceImplBase {
    private final CallService calls;

    /** @param calls the call rules */
    public CallGrpcEndpoint(CallService calls) {
        this.calls = calls;
    }

    @Override
    public void initiate(InitiateRequest request, StreamObserver<InitiateResponse> response) {
        CallService.Initiated initiated = calls.initiate(ConnectionRef.of(request.getCaller()),
                request.getCalleeId(), request.getCallType(), ProtoMapping.description(request.getOffer()),
                request.getTempId().isEmpty() ? Optional.empty() : Optional.of(request.getTempId()));
        InitiateResponse.Builder reply = InitiateResponse.newBuilder().setCallId(initiated.callId())
                .setState(initiated.state().wireName()).setGlare(initiated.glare());
        initiated.reason().ifPresent(r -> reply.setReason(r.wireName()));
        initiated.iceServers().forEach(s -> reply.addIceServers(ProtoMapping.iceServer(s)));
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void answer(AnswerRequest request, StreamObserver<AnswerResponse> response) {
        String callId = calls.answer(ConnectionRef.of(request.getCaller()), request.getCallId(),
                ProtoMapping.description(request.getAnswer()));
        response.onNext(AnswerResponse.newBuilder().setCallId(callId).build());
        response.onCompleted();
    }

    @Override
    public void reject(RejectRequest request, StreamObserver<RejectResponse> response) {
        String callId = calls.reject(ConnectionRef.of(request.getCaller()), request.getCallId(), request.getReason());
        response.onNext(RejectResponse.newBuilder().setCallId(callId).build());
        response.onCompleted();
    }

    @Override
    public void end(EndRequest request, StreamObserver<EndResponse> response) {
        var reason = calls.end(ConnectionRef.of(request.getCaller()), request.getCallId());
        response.onNext(EndResponse.newBuilder().setCallId(request.getCallId()).setReason(reason.wireName()).build());
        response.onCompleted();
    }

    @Override
    public void relayIceCandidate(IceCandidateRequest request, StreamObserver<IceCandidateResponse> response) {
        String callId = calls.relayCandidate(ConnectionRef.of(request.getCaller()), request.getCallId(),
                ProtoMapping.candidate(request.hasCandidate(), request.getCandidate()));
        response.onNext(IceCandidateResponse.newBuilder().setCallId(callId).build());
        response.onCompleted();
    }
}
