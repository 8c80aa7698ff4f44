package io.sup.realtime.presence.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.presence.status.PresenceService;
import io.sup.realtime.presence.visibility.Visibility;
import io.sup.realtime.proto.presence.v1.GetContactsRequest;
import io.sup.realtime.proto.presence.v1.GetContactsResponse;
import io.sup.realtime.proto.presence.v1.GetPresenceRequest;
import io.sup.realtime.proto.presence.v1.GetPresencesRequest;
import io.sup.realtime.proto.presence.v1.GetPresencesResponse;
import io.sup.realtime.proto.presence.v1.Presence;
import io.sup.realtime.proto.presence.v1.PresenceAdminServiceGrpc;
import io.sup.realtime.proto.presence.v1.SetContactsRequest;
import io.sup.realtime.proto.presence.v1.SetContactsResponse;
import io.sup.realtime.proto.presence.v1.VisibleUsersRequest;
import io.sup.realtime.proto.presence.v1.VisibleUsersResponse;

/**
 * {@code sup.presence.v1.PresenceAdminService}: presence and contact lists for internal
 * backends, which see every user (no visibility rule), and the visibility rule itself for
 * services that apply it (call-signalling), proto <-> domain.
 */
public final class PresenceAdminGrpcEndpoint extends PresenceAdminServiceGrpc.PresenceAdminServiceImplBase {
    private final PresenceService presence;
    private final Visibility visibility;

    /**
     * @param presence   presence reads
     * @param visibility contact lists
     */
    public PresenceAdminGrpcEndpoint(PresenceService presence, Visibility visibility) {
        this.presence = presence;
        this.visibility = visibility;
    }

    @Override
    public void getPresence(GetPresenceRequest request, StreamObserver<Presence> response) {
        response.onNext(ProtoMapping.presence(presence.get(request.getUserId())));
        response.onCompleted();
    }

    @Override
    public void getPresences(GetPresencesRequest request, StreamObserver<GetPresencesResponse> response) {
        GetPresencesResponse.Builder reply = GetPresencesResponse.newBuilder();
        presence.getMany(request.getUserIdsList()).forEach(p -> reply.addPresences(ProtoMapping.presence(p)));
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void setContacts(SetContactsRequest request, StreamObserver<SetContactsResponse> response) {
        int count = visibility.setContacts(request.getUserId(), request.getContactIdsList());
        response.onNext(SetContactsResponse.newBuilder().setUserId(request.getUserId()).setContactCount(count).build());
        response.onCompleted();
    }

    @Override
    public void visibleUsers(VisibleUsersRequest request, StreamObserver<VisibleUsersResponse> response) {
        response.onNext(VisibleUsersResponse.newBuilder().addAllUserIds(
                visibility.visibleTo(request.getViewerId(), request.getUserIdsList())).build());
        response.onCompleted();
    }

    @Override
    public void getContacts(GetContactsRequest request, StreamObserver<GetContactsResponse> response) {
        response.onNext(GetContactsResponse.newBuilder().setUserId(request.getUserId())
                .addAllContactIds(visibility.contactsOf(request.getUserId())).build());
        response.onCompleted();
    }
}
