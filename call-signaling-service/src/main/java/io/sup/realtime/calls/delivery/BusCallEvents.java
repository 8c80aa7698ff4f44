package io.sup.realtime.calls.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.calls.grpc.ProtoMapping;
import io.sup.realtime.calls.ice.IceServer;
import io.sup.realtime.calls.signalling.Call;
import io.sup.realtime.calls.signalling.CallEvents;
import io.sup.realtime.calls.signalling.EndReason;
import io.sup.realtime.calls.signalling.IceCandidate;
import io.sup.realtime.calls.signalling.SessionDescription;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.calls.v1.CallAnswered;
import io.sup.realtime.proto.calls.v1.CallEnded;
import io.sup.realtime.proto.calls.v1.CallRejected;
import io.sup.realtime.proto.calls.v1.IceCandidateRelayed;
import io.sup.realtime.proto.calls.v1.IncomingCall;
import io.sup.realtime.platform.time.Timestamps;

/**
 * {@link CallEvents} over the delivery bus: to a user's devices (one frame per gateway
 * instance holding some), or to the one connection in the call.
 */
public final class BusCallEvents implements CallEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusCallEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public int incoming(Call call, SessionDescription offer, List<IceServer> calleeIceServers) {
        return bus.toUsers(List.of(call.calleeId()), ServerEvent.CALL_INCOMING, incomingCall(call, offer, calleeIceServers),
                List.of()).instances();
    }

    @Override
    public void incomingTo(String connectionId, Call call, SessionDescription offer, List<IceServer> calleeIceServers) {
        bus.toConnection(connectionId, ServerEvent.CALL_INCOMING, incomingCall(call, offer, calleeIceServers));
    }

    private static IncomingCall incomingCall(Call call, SessionDescription offer, List<IceServer> calleeIceServers) {
        IncomingCall.Builder event = IncomingCall.newBuilder().setCallId(call.id()).setCallerId(call.callerId())
                .setCallType(call.type().wireName()).setOffer(ProtoMapping.description(offer))
                .setRingUntil(Timestamps.rfc3339(Instant.ofEpochMilli(call.ringUntil())));
        calleeIceServers.forEach(s -> event.addIceServers(ProtoMapping.iceServer(s)));
        return event.build();
    }

    @Override
    public void answered(Call call, SessionDescription answer) {
        bus.toConnection(call.callerConnection(), ServerEvent.CALL_ANSWER, CallAnswered.newBuilder()
                .setCallId(call.id()).setAnswer(ProtoMapping.description(answer)).build());
    }

    @Override
    public void rejected(Call call, String reason) {
        bus.toConnection(call.callerConnection(), ServerEvent.CALL_REJECT,
                CallRejected.newBuilder().setCallId(call.id()).setReason(reason).build());
    }

    @Override
    public void ended(Call call, EndReason reason, Collection<String> userIds, Optional<String> except) {
        bus.toUsers(userIds, ServerEvent.CALL_END,
                CallEnded.newBuilder().setCallId(call.id()).setReason(reason.wireName()).build(),
                except.map(List::of).orElse(List.of()));
    }

    @Override
    public void candidateToConnection(Call call, String connectionId, String fromUserId, IceCandidate candidate) {
        bus.toConnection(connectionId, ServerEvent.CALL_ICE_CANDIDATE, relayed(call, fromUserId, candidate));
    }

    @Override
    public void candidateToUser(Call call, String userId, String fromUserId, IceCandidate candidate) {
        bus.toUsers(List.of(userId), ServerEvent.CALL_ICE_CANDIDATE, relayed(call, fromUserId, candidate), List.of());
    }

    private static IceCandidateRelayed relayed(Call call, String fromUserId, IceCandidate candidate) {
        return IceCandidateRelayed.newBuilder().setCallId(call.id()).setFromUserId(fromUserId)
                .setCandidate(ProtoMapping.candidate(candidate)).build();
    }
}
