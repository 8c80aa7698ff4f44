package io.sup.realtime.platform.bus;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.platform.testing.MutableClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The delivery bus end to end on a real Redis: the routing registry resolves recipients to
 * gateway instances, and each instance with recipients gets exactly one frame on its own
 * sharded inbox, carrying only its recipients and the event's JSON encoded once.
 */
class DeliveryBusRoutesOneFramePerInstanceTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final long T0 = 1_700_000_000_000L;
    private static final ConnectionEvent DATA = ConnectionEvent.newBuilder()
            .setConnection(Caller.newBuilder().setUserId("carol").setConnectionId("gw-a.3"))
            .setAtMs(1_234_567_890_123L)
            .build();
    private static final String DATA_JSON =
            "{\"connection\":{\"userId\":\"carol\",\"connectionId\":\"gw-a.3\"},\"atMs\":\"1234567890123\"}";

    private UnifiedJedis redis;
    private MutableClock clock;
    private RoutingRegistry registry;
    private DeliveryBus bus;
    private CollectingInbox gwA;
    private CollectingInbox gwB;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        clock = new MutableClock(T0);
        registry = new RoutingRegistry(redis, TTL, clock);
        bus = new DeliveryBus(redis, registry, clock);
        gwA = CollectingInbox.start(REDIS.settings(), "gw-a");
        gwB = CollectingInbox.start(REDIS.settings(), "gw-b");
    }

    @AfterEach
    void tearDown() {
        gwA.close();
        gwB.close();
        redis.close();
    }

    @Test
    void eachInstanceGetsOneFrameListingOnlyItsOwnRecipients() throws Exception {
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "bob");
        registry.addUser("gw-a", "bob");

        int instances = bus.toUsers(List.of("alice", "bob"), ServerEvent.MESSAGE_NEW, DATA, List.of("gw-a.3")).instances();

        assertEquals(2, instances);
        List<DeliveryFrame> atA = gwA.framesBefore(bus);
        List<DeliveryFrame> atB = gwB.framesBefore(bus);
        assertEquals(1, atA.size(), () -> "gw-a frames: " + atA);
        assertEquals(1, atB.size(), () -> "gw-b frames: " + atB);
        DeliveryFrame a = atA.getFirst();
        DeliveryFrame b = atB.getFirst();
        assertAll(
                () -> assertEquals(DeliveryFrame.TargetCase.USERS, a.getTargetCase()),
                () -> assertEquals(List.of("alice", "bob"), a.getUsers().getUserIdsList()),
                () -> assertEquals(List.of("bob"), b.getUsers().getUserIdsList()),
                () -> assertEquals("message:new", a.getEvent()),
                () -> assertEquals("message:new", b.getEvent()),
                () -> assertEquals(DATA_JSON, a.getDataJson().toString(StandardCharsets.UTF_8)),
                () -> assertEquals(ProtoJson.print(DATA), b.getDataJson().toStringUtf8()),
                () -> assertEquals(a.getDataJson(), b.getDataJson()),
                () -> assertEquals(List.of("gw-a.3"), a.getExcludeConnectionIdsList()),
                () -> assertEquals(List.of("gw-a.3"), b.getExcludeConnectionIdsList()),
                () -> assertEquals(T0, a.getPublishedAtMs()),
                () -> assertEquals(T0, b.getPublishedAtMs()));
    }

    @Test
    void aLookUpAheadServesTheRecipientsItCoveredAndOnlyTheOthersAreLookedUp() throws Exception {
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "bob");
        registry.addUser("gw-b", "dave");
        RouteLookup ahead = bus.lookUpAhead(List.of("alice", "dave", "erin")); // bob not guessed, dave no recipient
        sendAlone(ahead);
        registry.removeUser("gw-a", "alice"); // after the look-up: what it found is what counts

        UserDelivery delivery = bus.toUsers(List.of("alice", "bob", "erin"), ServerEvent.MESSAGE_NEW, DATA, List.of(),
                ahead);

        assertEquals(2, delivery.instances());
        assertEquals(List.of("erin"), delivery.offlineUserIds(), "erin's empty routes, as the look-up ahead found them");
        assertEquals(List.of("alice"), gwA.framesBefore(bus).getFirst().getUsers().getUserIdsList(),
                "alice as the look-up ahead found her, not looked up again");
        assertEquals(List.of("bob"), gwB.framesBefore(bus).getFirst().getUsers().getUserIdsList(),
                "bob looked up at delivery; dave, guessed, is no recipient");
    }

    @Test
    void aDiscardedLookUpAheadCoversNobody() throws Exception {
        registry.addUser("gw-a", "alice");
        RouteLookup ahead = bus.lookUpAhead(List.of("alice"));
        sendAlone(ahead);
        ahead.discard();
        registry.removeUser("gw-a", "alice");
        registry.addUser("gw-b", "alice");

        assertEquals(1, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of(), ahead).instances());
        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(List.of("alice"), gwB.framesBefore(bus).getFirst().getUsers().getUserIdsList());
    }

    /** Sends a look-up ahead in a pipeline of its own (in use it follows a script's run in the same pipeline). */
    private void sendAlone(RouteLookup ahead) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            ahead.queueIn(pipeline);
            pipeline.sync();
        }
    }

    @Test
    void registryAndInboxesUseTheDocumentedKeyNames() {
        registry.addUser("gw-a", "alice");
        registry.addRoom("gw-b", "chat:c1");

        assertEquals((double) T0, redis.zscore("gw:user:{alice}", "gw-a"));
        assertEquals((double) T0, redis.zscore("gw:room:{chat:c1}", "gw-b"));
        List<?> channels = (List<?>) redis.sendCommand(Protocol.Command.PUBSUB, "SHARDCHANNELS", "gw:*");
        assertEquals(Set.of("gw:{gw-a}:inbox", "gw:{gw-b}:inbox"),
                Set.copyOf(channels.stream().map(c -> SafeEncoder.encode((byte[]) c)).toList()));
    }

    @Test
    void aUserWithNoRoutesPublishesNothing() throws Exception {
        registry.addUser("gw-a", "alice");

        assertEquals(0, bus.toUsers(List.of("carol"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());
        assertEquals(0, bus.toUsers(List.of(), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());

        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(List.of(), gwB.framesBefore(bus));
    }

    @Test
    void theUsersWithoutALiveInstanceAreReportedOfflineOncePerUserInTheGivenOrder() throws Exception {
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "dave");
        clock.advance(TTL.plusMillis(1)); // dave's only instance stopped refreshing
        registry.addUser("gw-b", "bob");

        UserDelivery delivery = bus.toUsers(List.of("erin", "bob", "carol", "dave", "erin", "alice"),
                ServerEvent.MESSAGE_NEW, DATA, List.of());

        assertEquals(1, delivery.instances(), "only gw-b has a live recipient (bob)");
        assertEquals(List.of("erin", "carol", "dave", "alice"), delivery.offlineUserIds());
        assertEquals(List.of("bob"), gwB.framesBefore(bus).getFirst().getUsers().getUserIdsList());
        assertEquals(List.of(), bus.toUsers(List.of("bob"), ServerEvent.MESSAGE_NEW, DATA, List.of()).offlineUserIds());
    }

    @Test
    void anEntryNotRefreshedForLongerThanTheTtlIsSkipped() throws Exception {
        registry.addUser("gw-a", "alice");
        clock.advance(TTL.plusMillis(1));
        registry.addUser("gw-b", "alice");

        assertEquals(1, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());

        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(List.of("alice"), gwB.framesBefore(bus).getFirst().getUsers().getUserIdsList());
    }

    @Test
    void anEntryExactlyTtlOldIsStillLiveForPublishersAndForRefresh() throws Exception {
        registry.addUser("gw-a", "alice");
        clock.advance(TTL);

        assertEquals(1, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances(),
                "publishers treat an entry of age == ttl as live");
        registry.addUser("gw-b", "alice");

        assertEquals((double) T0, redis.zscore("gw:user:{alice}", "gw-a"),
                "a refresh at the same instant must not drop what publishers still deliver to");
        assertEquals(2, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());
    }

    @Test
    void refreshRestampsItsEntriesDropsStaleOnesAndSetsTheKeyTtl() {
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "alice");
        registry.addRoom("gw-b", "chat:c1");
        clock.advance(TTL.plusSeconds(1));

        registry.refresh("gw-a", List.of("alice"), List.of("chat:c1"));

        long now = T0 + TTL.plusSeconds(1).toMillis();
        assertEquals((double) now, redis.zscore("gw:user:{alice}", "gw-a"));
        assertNull(redis.zscore("gw:user:{alice}", "gw-b"), "gw-b stopped refreshing: dropped");
        assertEquals((double) now, redis.zscore("gw:room:{chat:c1}", "gw-a"));
        assertNull(redis.zscore("gw:room:{chat:c1}", "gw-b"));
        long userTtl = redis.pttl("gw:user:{alice}");
        long roomTtl = redis.pttl("gw:room:{chat:c1}");
        assertTrue(userTtl > 0 && userTtl <= TTL.toMillis(), "user key PTTL " + userTtl);
        assertTrue(roomTtl > 0 && roomTtl <= TTL.toMillis(), "room key PTTL " + roomTtl);
    }

    @Test
    void refreshOfManyEntriesCrossesItsBatchBoundary() {
        List<String> users = IntStream.range(0, 2_500).mapToObj(i -> "u" + i).toList();

        registry.refresh("gw-a", users, List.of());

        assertEquals((double) T0, redis.zscore("gw:user:{u0}", "gw-a"));
        assertEquals((double) T0, redis.zscore("gw:user:{u1999}", "gw-a"));
        assertEquals((double) T0, redis.zscore("gw:user:{u2499}", "gw-a"));
        assertTrue(redis.pttl("gw:user:{u2499}") > 0);
    }

    @Test
    void removeUserStopsDeliveryToThatInstanceOnly() throws Exception {
        registry.addUser("gw-a", "alice");
        registry.addUser("gw-b", "alice");

        registry.removeUser("gw-a", "alice");

        assertEquals(1, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());
        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(1, gwB.framesBefore(bus).size());
        registry.removeUser("gw-b", "alice");
        assertFalse(redis.exists("gw:user:{alice}"), "the last removal deletes the key");
        assertEquals(0, bus.toUsers(List.of("alice"), ServerEvent.MESSAGE_NEW, DATA, List.of()).instances());
    }

    @Test
    void roomDeliveryReachesTheInstancesInTheRoomUntilTheyLeave() throws Exception {
        registry.addRoom("gw-a", "chat:c1");
        registry.addRoom("gw-b", "chat:c1");
        registry.addRoom("gw-b", "chat:other");

        assertEquals(2, bus.toRoom("chat:c1", ServerEvent.MESSAGE_TYPING, DATA, List.of("gw-b.1")));
        DeliveryFrame a = gwA.next();
        DeliveryFrame b = gwB.next();
        assertAll(
                () -> assertEquals(DeliveryFrame.TargetCase.ROOM, a.getTargetCase()),
                () -> assertEquals("chat:c1", a.getRoom()),
                () -> assertEquals("chat:c1", b.getRoom()),
                () -> assertEquals("message:typing", b.getEvent()),
                () -> assertEquals(List.of("gw-b.1"), b.getExcludeConnectionIdsList()),
                () -> assertEquals(DATA_JSON, b.getDataJson().toStringUtf8()));

        registry.removeRoom("gw-b", "chat:c1");

        assertEquals(1, bus.toRoom("chat:c1", ServerEvent.MESSAGE_STOP_TYPING, DATA, List.of()));
        assertEquals("message:stop-typing", gwA.framesBefore(bus).getFirst().getEvent());
        assertEquals(List.of(), gwB.framesBefore(bus));
        assertEquals(0, bus.toRoom("chat:nobody", ServerEvent.MESSAGE_STOP_TYPING, DATA, List.of()));
    }

    @Test
    void connectionDeliveryReachesOnlyTheInstanceNamedInTheConnectionId() throws Exception {
        assertEquals(1, bus.toConnection("gw-b.17", ServerEvent.CALL_INCOMING, DATA));

        List<DeliveryFrame> atB = gwB.framesBefore(bus);
        assertEquals(1, atB.size());
        assertEquals(DeliveryFrame.TargetCase.CONNECTION_ID, atB.getFirst().getTargetCase());
        assertEquals("gw-b.17", atB.getFirst().getConnectionId());
        assertEquals("call:incoming", atB.getFirst().getEvent());
        assertEquals(T0, atB.getFirst().getPublishedAtMs());
        assertEquals(List.of(), gwA.framesBefore(bus));
    }

    @Test
    void aConnectionListGetsOneFramePerInstanceListingThatInstancesConnections() throws Exception {
        // Ids are <instance>.<n>, the instance being what comes before the last dot; a repeated
        // id is sent once, an id without an instance is skipped.
        int instances = bus.toConnections(List.of("gw-a.1", "gw-b.7", "gw-a.2", "gw-a.1", "nodot", "gw-b.9"),
                ServerEvent.PRESENCE_UPDATE, DATA);

        assertEquals(2, instances);
        List<DeliveryFrame> atA = gwA.framesBefore(bus);
        List<DeliveryFrame> atB = gwB.framesBefore(bus);
        assertEquals(1, atA.size(), () -> "gw-a frames: " + atA);
        assertEquals(1, atB.size(), () -> "gw-b frames: " + atB);
        DeliveryFrame a = atA.getFirst();
        DeliveryFrame b = atB.getFirst();
        assertAll(
                () -> assertEquals(DeliveryFrame.TargetCase.CONNECTIONS, a.getTargetCase()),
                () -> assertEquals(DeliveryFrame.TargetCase.CONNECTIONS, b.getTargetCase()),
                () -> assertEquals(List.of("gw-a.1", "gw-a.2"), a.getConnections().getConnectionIdsList()),
                () -> assertEquals(List.of("gw-b.7", "gw-b.9"), b.getConnections().getConnectionIdsList()),
                () -> assertEquals("presence:update", a.getEvent()),
                () -> assertEquals("presence:update", b.getEvent()),
                () -> assertEquals(DATA_JSON, a.getDataJson().toStringUtf8()),
                () -> assertEquals(a.getDataJson(), b.getDataJson()),
                () -> assertEquals(List.of(), a.getExcludeConnectionIdsList()),
                () -> assertEquals(T0, a.getPublishedAtMs()),
                () -> assertEquals(T0, b.getPublishedAtMs()));
    }

    @Test
    void aConnectionListNamingNoInstancePublishesNothing() throws Exception {
        assertEquals(0, bus.toConnections(List.of(), ServerEvent.PRESENCE_UPDATE, DATA));
        assertEquals(0, bus.toConnections(List.of("gw-b17", ".17"), ServerEvent.PRESENCE_UPDATE, DATA));

        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(List.of(), gwB.framesBefore(bus));
    }

    @Test
    void aConnectionIdWithoutAnInstancePrefixPublishesNothing() throws Exception {
        assertEquals(0, bus.toConnection("gw-b17", ServerEvent.CALL_INCOMING, DATA));
        assertEquals(0, bus.toConnection(".17", ServerEvent.CALL_INCOMING, DATA));

        assertEquals(List.of(), gwA.framesBefore(bus));
        assertEquals(List.of(), gwB.framesBefore(bus));
    }
}
