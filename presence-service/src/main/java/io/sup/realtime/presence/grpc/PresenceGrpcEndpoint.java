package io.sup.realtime.presence.grpc;

import java.util.List;
import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.presence.status.Presence;
import io.sup.realtime.presence.status.PresenceService;
import io.sup.realtime.presence.status.UserStatus;
import io.sup.realtime.presence.subscriptions.SubscriptionService;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.SubscribeResponse;
import io.sup.realtime.proto.presence.v1.UnsubscribeRequest;
import io.sup.realtime.proto.presence.v1.UnsubscribeResponse;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceResponse;

/**
 * {@code sup.presence.v1.PresenceService}: the client events, proto <-> domain; errors thrown
 * by the domain become statuses in {@code ErrorMappingInterceptor}.
 */
public final class PresenceGrpcEndpoint extends PresenceServiceGrpc.PresenceServiceImplBase {
    private final PresenceService presence;
    private final SubscriptionService subscriptions;

    /**
     * @param presence      statuses
     * @param subscriptions subscriptions
     */
    public PresenceGrpcEndpoint(PresenceService presence, SubscriptionService subscriptions) {
        this.presence = presence;
        this.subscriptions = subscriptions;
    }

    @Override
    public void updatePresence(UpdatePresenceRequest request, StreamObserver<UpdatePresenceResponse> response) {
        UserStatus set = presence.update(ConnectionRef.of(request.getCaller()), request.getStatus(),
                request.hasCustomStatus() ? Optional.of(request.getCustomStatus()) : Optional.empty());
        UpdatePresenceResponse.Builder reply = UpdatePresenceResponse.newBuilder().setStatus(set.status().wireName());
        set.customStatus().ifPresent(reply::setCustomStatus);
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> response) {
        List<Presence> watched = subscriptions.subscribe(ConnectionRef.of(request.getCaller()),
                request.getUserIdsList());
        SubscribeResponse.Builder reply = SubscribeResponse.newBuilder();
        watched.forEach(p -> reply.addUserIds(p.userId()).addPresences(ProtoMapping.presence(p)));
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void unsubscribe(UnsubscribeRequest request, StreamObserver<UnsubscribeResponse> response) {
        response.onNext(UnsubscribeResponse.newBuilder().addAllUserIds(subscriptions.unsubscribe(
                ConnectionRef.of(request.getCaller()), request.getUserIdsList())).build());
        response.onCompleted();
    }
}
