package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceStub;

/**
 * Tells the services that keep per-connection state when an authenticated connection
 * closes ({@code ConnectionLifecycleService.ConnectionClosed}), so e.g. its typing stops.
 * Asynchronous, with a deadline, never holding up the connection's own teardown; a lost
 * report is covered by the services' own expiry.
 */
public final class ConnectionReports {
    private static final Logger LOG = System.getLogger(ConnectionReports.class.getName());

    private final List<ConnectionLifecycleServiceStub> services;
    private final Duration deadline;
    private final Clock clock;

    /**
     * @param channels channels to the services that want the reports
     * @param deadline deadline of each report
     * @param clock    report times
     */
    public ConnectionReports(List<? extends Channel> channels, Duration deadline, Clock clock) {
        this.services = channels.stream().map(ConnectionLifecycleServiceGrpc::newStub).toList();
        this.deadline = deadline;
        this.clock = clock;
    }

    /** {@code connection} closed; nothing is reported for one that never authenticated. */
    public void closed(ClientConnection connection) {
        if (connection.caller() == null) {
            return;
        }
        ConnectionEvent event = ConnectionEvent.newBuilder()
                .setConnection(connection.caller())
                .setAtMs(clock.millis())
                .build();
        for (ConnectionLifecycleServiceStub service : services) {
            service.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .connectionClosed(event, new StreamObserver<>() {
                        @Override
                        public void onNext(ConnectionEventAck ack) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            LOG.log(Level.DEBUG, "connection-closed report not delivered: " + t.getClass().getSimpleName());
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        }
    }
}
