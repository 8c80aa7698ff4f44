package io.sup.realtime.gateway.e2e;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.grpc.GrpcServerHost;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.presence.v1.Presence;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.SubscribeResponse;
import io.sup.realtime.proto.presence.v1.UnsubscribeRequest;
import io.sup.realtime.proto.presence.v1.UnsubscribeResponse;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceResponse;

/**
 * A stand-in for presence-service on a real gRPC server (a free port): it records every
 * connection lifecycle report and every presence request it gets, and answers the requests
 * with canned responses derived from them, so a test can check both what the gateway sent
 * and what it made of the answer.
 *
 * <p>Canned answers: UpdatePresence echoes the status and custom status; Subscribe answers
 * the requested ids except those starting with {@code hidden-}, each {@code online}; Unsubscribe
 * echoes the ids.
 */
final class RecordingPresenceService implements AutoCloseable {
    final List<ConnectionEvent> opened = new CopyOnWriteArrayList<>();
    final List<ConnectionBatch> alive = new CopyOnWriteArrayList<>();
    final List<ConnectionEvent> closed = new CopyOnWriteArrayList<>();
    /** Every presence request, in arrival order. */
    final List<Message> requests = new CopyOnWriteArrayList<>();
    private final GrpcServerHost server;

    private RecordingPresenceService() {
        server = GrpcServerHost.start(0, List.of(new Lifecycle(), new Presences()));
    }

    /** Starts one on a free port. */
    static RecordingPresenceService start() {
        return new RecordingPresenceService();
    }

    /** Its gRPC target, for {@code presence.grpc.target}. */
    String target() {
        return "localhost:" + server.port();
    }

    /** How many alive batches so far list {@code connectionId}. */
    long aliveBatchesListing(String connectionId) {
        return alive.stream().filter(b -> lists(b, connectionId)).count();
    }

    /** Whether {@code batch} lists {@code connectionId}. */
    static boolean lists(ConnectionBatch batch, String connectionId) {
        return batch.getConnectionsList().stream().anyMatch(c -> c.getConnectionId().equals(connectionId));
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Lifecycle extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
        @Override
        public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
            opened.add(request);
            ack(response);
        }

        @Override
        public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> response) {
            alive.add(request);
            ack(response);
        }

        @Override
        public void connectionClosed(ConnectionEvent request, StreamObserver<ConnectionEventAck> response) {
            closed.add(request);
            ack(response);
        }

        private static void ack(StreamObserver<ConnectionEventAck> response) {
            response.onNext(ConnectionEventAck.getDefaultInstance());
            response.onCompleted();
        }
    }

    private final class Presences extends PresenceServiceGrpc.PresenceServiceImplBase {
        @Override
        public void updatePresence(UpdatePresenceRequest request, StreamObserver<UpdatePresenceResponse> response) {
            requests.add(request);
            UpdatePresenceResponse.Builder reply = UpdatePresenceResponse.newBuilder().setStatus(request.getStatus());
            if (request.hasCustomStatus()) {
                reply.setCustomStatus(request.getCustomStatus());
            }
            reply(response, reply.build());
        }

        @Override
        public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> response) {
            requests.add(request);
            SubscribeResponse.Builder reply = SubscribeResponse.newBuilder();
            request.getUserIdsList().stream().filter(id -> !id.startsWith("hidden-")).forEach(id -> reply
                    .addUserIds(id)
                    .addPresences(Presence.newBuilder().setUserId(id).setStatus("online").setLastSeen("2025-01-02T03:04:05.678Z")));
            reply(response, reply.build());
        }

        @Override
        public void unsubscribe(UnsubscribeRequest request, StreamObserver<UnsubscribeResponse> response) {
            requests.add(request);
            reply(response, UnsubscribeResponse.newBuilder().addAllUserIds(request.getUserIdsList()).build());
        }

        private static <T> void reply(StreamObserver<T> response, T message) {
            response.onNext(message);
            response.onCompleted();
        }
    }
}
