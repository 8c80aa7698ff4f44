package io.sup.realtime.platform.lifecycle;

import java.util.List;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService}, the same for every service that keeps
 * per-connection state: proto -> {@link ConnectionRef}, handed to the service's
 * {@link ConnectionLifecycle}. A report naming no connection is ignored, not refused: the
 * gateway neither retries nor could fix it. Every report is acknowledged once handled.
 */
public final class ConnectionLifecycleEndpoint extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
    private final ConnectionLifecycle lifecycle;

    /** @param lifecycle what the service does with the reports */
    public ConnectionLifecycleEndpoint(ConnectionLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        if (named(request.getConnection())) {
            lifecycle.opened(ref(request.getConnection()));
        }
        ack(response);
    }

    @Override
    public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> response) {
        List<ConnectionRef> alive = request.getConnectionsList().stream().filter(ConnectionLifecycleEndpoint::named)
                .map(ConnectionLifecycleEndpoint::ref).toList();
        if (!alive.isEmpty()) {
            lifecycle.alive(alive);
        }
        ack(response);
    }

    @Override
    public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        if (named(request.getConnection())) {
            lifecycle.closed(ref(request.getConnection()));
        }
        ack(response);
    }

    private static boolean named(Caller caller) {
        return !caller.getConnectionId().isEmpty();
    }

    private static ConnectionRef ref(Caller caller) {
        return new ConnectionRef(caller.getUserId(), caller.getConnectionId());
    }

    private static void ack(StreamObserver<ConnectionEventAck> response) {
        response.onNext(ConnectionEventAck.getDefaultInstance());
        response.onCompleted();
    }
}
