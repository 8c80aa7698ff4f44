package io.sup.realtime.presence.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.presence.ConnectionRef;
import io.sup.realtime.presence.status.PresenceService;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService} as presence needs it: a device's
 * connection opens, stays alive (batched reports), closes. A report naming no user or
 * connection is ignored, not refused: the gateway neither retries nor could fix it.
 */
public final class ConnectionLifecycleGrpcEndpoint extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
    private final PresenceService presence;

    /** @param presence per-connection presence */
    public ConnectionLifecycleGrpcEndpoint(PresenceService presence) {
        this.presence = presence;
    }

    @Override
    public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        presence.opened(ref(request.getConnection()));
        ack(response);
    }

    @Override
    public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> response) {
        presence.alive(request.getConnectionsList().stream().map(ConnectionLifecycleGrpcEndpoint::ref).toList());
        ack(response);
    }

    @Override
    public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        presence.closed(ref(request.getConnection()));
        ack(response);
    }

    private static ConnectionRef ref(Caller caller) {
        return new ConnectionRef(caller.getUserId(), caller.getConnectionId());
    }

    private static void ack(StreamObserver<ConnectionEventAck> response) {
        response.onNext(ConnectionEventAck.getDefaultInstance());
        response.onCompleted();
    }
}
