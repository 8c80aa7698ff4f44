package io.sup.realtime.calls.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.calls.ConnectionRef;
import io.sup.realtime.calls.signalling.CallService;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService} as calls need it: alive reports keep the
 * connections in calls counting, a close ends the call its connection is in. An opened
 * report is acknowledged and needs nothing (a connection joins a call by initiating or
 * answering). A report naming no connection is ignored, not refused.
 */
public final class ConnectionLifecycleGrpcEndpoint extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
    private final CallService calls;

    /** @param calls the call rules */
    public ConnectionLifecycleGrpcEndpoint(CallService calls) {
        this.calls = calls;
    }

    @Override
    public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        ack(response);
    }

    @Override
    public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> response) {
        calls.alive(request.getConnectionsList().stream().map(ConnectionLifecycleGrpcEndpoint::ref).toList());
        ack(response);
    }

    @Override
    public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        calls.closed(ref(request.getConnection()));
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
