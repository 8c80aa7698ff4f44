package io.sup.realtime.messaging.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.messaging.typing.TypingService;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService} as the messaging service needs it: when a
 * connection closes, whatever it was typing stops. The gateway sends every lifecycle service
 * all three reports; opened and alive reports carry nothing messaging keeps, so they are
 * acknowledged and otherwise ignored.
 */
public final class ConnectionLifecycleGrpcEndpoint extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
    private final TypingService typing;

    /** @param typing typing indicators */
    public ConnectionLifecycleGrpcEndpoint(TypingService typing) {
        this.typing = typing;
    }

    @Override
    public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        // Nothing to record: messaging keeps no per-connection record to create or extend.
        // Typing entries carry their own TTL, so the only per-connection state is what
        // connectionClosed clears early.
        ack(response);
    }

    @Override
    public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> response) {
        // Nothing to extend: typing entries expire on their own TTL whether or not the
        // connection is alive (see connectionOpened).
        ack(response);
    }

    @Override
    public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        typing.connectionClosed(ProtoMapping.actor(request.getConnection()).connectionId());
        ack(response);
    }

    private static void ack(StreamObserver<ConnectionEventAck> response) {
        response.onNext(ConnectionEventAck.getDefaultInstance());
        response.onCompleted();
    }
}
