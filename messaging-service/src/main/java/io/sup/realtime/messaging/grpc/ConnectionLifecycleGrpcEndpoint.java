package io.sup.realtime.messaging.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.messaging.typing.TypingService;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService} as the messaging service needs it: when a
 * connection closes, whatever it was typing stops. Opened and alive reports carry nothing
 * messaging keeps, so it does not take them (the gateway reports only closes to it).
 */
public final class ConnectionLifecycleGrpcEndpoint extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
    private final TypingService typing;

    /** @param typing typing indicators */
    public ConnectionLifecycleGrpcEndpoint(TypingService typing) {
        this.typing = typing;
    }

    @Override
    public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
        typing.connectionClosed(ProtoMapping.actor(request.getConnection()).connectionId());
        response.onNext(ConnectionEventAck.getDefaultInstance());
        response.onCompleted();
    }
}
