package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.grpc.ManagedChannel;
import io.sup.realtime.gateway.routing.ConnectionReports;
import io.sup.realtime.gateway.routing.ConnectionReports.Report;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionReports#alive} over real gRPC: at most {@link ConnectionReports#MAX_BATCH}
 * connections a call, every one listed once, each batch naming this instance and the time;
 * nothing at all when no connection is open.
 */
class AliveReportsAreBatchedTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void manyConnectionsGoInBatchesOfAtMostOneThousand() {
        try (RecordingPresenceService presence = RecordingPresenceService.start()) {
            ManagedChannel channel = GrpcChannels.forTarget(presence.target());
            try {
                ConnectionReports reports = new ConnectionReports(
                        List.of(new ConnectionReports.Recipient("presence", channel, Set.of(Report.ALIVE))),
                        "gw-batch", Duration.ofSeconds(30), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
                List<Caller> callers = IntStream.range(0, 2_500).mapToObj(i -> Caller.newBuilder()
                        .setUserId("u" + i).setConnectionId("gw-batch." + i).setGatewayInstance("gw-batch").build()).toList();

                reports.alive(List.of());
                reports.alive(callers);

                Awaitility.await("three batches").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> presence.alive.size() >= 3);
                List<ConnectionBatch> batches = List.copyOf(presence.alive);
                // Started before the others, an empty batch would have come first.
                assertEquals(List.of(1_000, 1_000, 500),
                        batches.stream().map(ConnectionBatch::getConnectionsCount).sorted(Comparator.reverseOrder()).toList(),
                        "no empty batch, none over 1,000");
                assertEquals(callers.stream().map(Caller::getConnectionId).sorted().toList(),
                        batches.stream().flatMap(b -> b.getConnectionsList().stream()).map(Caller::getConnectionId).sorted().toList(),
                        "every connection once");
                for (ConnectionBatch batch : batches) {
                    assertEquals("gw-batch", batch.getGatewayInstance());
                    assertEquals(NOW, batch.getAtMs());
                }
            } finally {
                GrpcChannels.close(channel);
            }
        }
    }
}
