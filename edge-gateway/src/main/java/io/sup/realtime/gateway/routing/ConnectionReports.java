package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceStub;

/**
 * Tells the services that keep per-connection state about authenticated connections
 * ({@code sup.gateway.v1.ConnectionLifecycleService}): {@link #opened} when one authenticates,
 * {@link #alive} periodically for all that are still open (in batches), {@link #closed} when
 * one ends. Each service gets the reports it takes ({@link Recipient}).
 *
 * <p>Every report is asynchronous, with a deadline, and never holds up a connection. A report
 * that fails is logged (DEBUG) and counted in {@code gateway.connection.reports.failed{report}},
 * and never retried: the services keep per-connection records with a lifetime of their own
 * that alive reports extend, so a lost opened or alive report is made good by the next alive
 * batch, and a lost closed report (or a gateway that dies without reporting) ends in the
 * record's expiry. A retry would only add load when a service is already struggling.
 */
public final class ConnectionReports {
    private static final Logger LOG = System.getLogger(ConnectionReports.class.getName());
    /** Most connections in one {@code ConnectionsAlive} call, as the protocol documents. */
    public static final int MAX_BATCH = 1_000;

    /** The kinds of report, as the {@code report} tag of the failure counter names them. */
    public enum Report {
        /** A connection authenticated ({@code ConnectionOpened}). */
        OPENED,
        /** Connections still open ({@code ConnectionsAlive}). */
        ALIVE,
        /** An authenticated connection ended ({@code ConnectionClosed}). */
        CLOSED;

        /** The tag value: the name in lower case. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A service that wants reports.
     *
     * @param name    the service's name, for the log
     * @param channel channel to it
     * @param reports the reports it takes (a service need not implement the others)
     */
    public record Recipient(String name, ManagedChannel channel, Set<Report> reports) {
        /** Copies {@code reports}. */
        public Recipient {
            reports = Set.copyOf(reports);
        }
    }

    private record Target(String name, ManagedChannel channel, ConnectionLifecycleServiceStub stub, Set<Report> reports) {
    }

    private final List<Target> targets;
    private final String instance;
    private final Duration deadline;
    private final Clock clock;
    private final Map<Report, Counter> failures = new EnumMap<>(Report.class);

    /**
     * @param recipients the services that want reports
     * @param instance   this gateway instance's id (named in alive batches)
     * @param deadline   deadline of each report
     * @param clock      report times
     */
    public ConnectionReports(List<Recipient> recipients, String instance, Duration deadline, Clock clock) {
        this.targets = recipients.stream()
                .map(r -> new Target(r.name(), r.channel(), ConnectionLifecycleServiceGrpc.newStub(r.channel()), r.reports()))
                .toList();
        this.instance = instance;
        this.deadline = deadline;
        this.clock = clock;
        for (Report report : Report.values()) {
            failures.put(report, Metrics.globalRegistry().getOrCreate(Counter.builder("gateway.connection.reports.failed")
                    .description("Connection lifecycle reports a service did not take (not retried), by report")
                    .tags(List.of(Tag.create("report", report.tag())))));
        }
    }

    /** {@code connection} authenticated (call once it is registered). */
    public void opened(ClientConnection connection) {
        Caller caller = connection.caller();
        if (caller != null) {
            ConnectionEvent event = ConnectionEvent.newBuilder().setConnection(caller).setAtMs(clock.millis()).build();
            send(Report.OPENED, (stub, observer) -> stub.connectionOpened(event, observer));
        }
    }

    /** {@code connection} closed; nothing is reported for one that never authenticated. */
    public void closed(ClientConnection connection) {
        Caller caller = connection.caller();
        if (caller != null) {
            ConnectionEvent event = ConnectionEvent.newBuilder().setConnection(caller).setAtMs(clock.millis()).build();
            send(Report.CLOSED, (stub, observer) -> stub.connectionClosed(event, observer));
        }
    }

    /**
     * These connections of this instance are still open: one {@code ConnectionsAlive} call per
     * {@link #MAX_BATCH} of them to each service; none when the list is empty.
     *
     * @param callers the callers of the authenticated connections that are not closing
     */
    public void alive(List<Caller> callers) {
        // After a service's outage its channel waits out an exponential reconnect backoff
        // (grpc-java's: up to minutes), longer than the service's record lifetime: without
        // this the first reports after its return could come too late, and it would expire
        // connections that are alive. A no-op for a connected channel.
        targets.stream().filter(t -> t.reports().contains(Report.ALIVE)).forEach(t -> t.channel().resetConnectBackoff());
        long at = clock.millis();
        for (int from = 0; from < callers.size(); from += MAX_BATCH) {
            ConnectionBatch batch = ConnectionBatch.newBuilder()
                    .setGatewayInstance(instance)
                    .addAllConnections(callers.subList(from, Math.min(callers.size(), from + MAX_BATCH)))
                    .setAtMs(at)
                    .build();
            send(Report.ALIVE, (stub, observer) -> stub.connectionsAlive(batch, observer));
        }
    }

    /** One asynchronous call of a report. */
    @FunctionalInterface
    private interface Call {
        void start(ConnectionLifecycleServiceStub stub, StreamObserver<ConnectionEventAck> observer);
    }

    private void send(Report report, Call call) {
        for (Target target : targets) {
            if (target.reports().contains(report)) {
                call.start(target.stub().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
                        new Answer(report, target.name()));
            }
        }
    }

    /** A report's answer: only a failure matters (logged and counted). */
    private final class Answer implements StreamObserver<ConnectionEventAck> {
        private final Report report;
        private final String service;

        Answer(Report report, String service) {
            this.report = report;
            this.service = service;
        }

        @Override
        public void onNext(ConnectionEventAck ack) {
        }

        @Override
        public void onError(Throwable t) {
            failures.get(report).increment();
            LOG.log(Level.DEBUG, () -> report.tag() + " report to " + service + " not delivered: "
                    + Status.fromThrowable(t).getCode());
        }

        @Override
        public void onCompleted() {
        }
    }
}
