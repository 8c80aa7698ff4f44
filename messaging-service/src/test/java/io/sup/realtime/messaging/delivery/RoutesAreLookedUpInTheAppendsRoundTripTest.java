package io.sup.realtime.messaging.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running service reads a message's recipients' routes in the append's round trip, for
 * the members its chat had at its previous message (against a real Redis, over gRPC, with
 * gateway inboxes subscribed): a chat's first message here costs three Redis round trips (the
 * append, the route look-up, the publish), the next ones two (the append with the look-up,
 * the publish); the guess never decides who gets the message (a member who left is not
 * addressed although their route was read, one who joined is looked up and addressed); and
 * after Redis forgot the script the message is stored once and delivered.
 */
class RoutesAreLookedUpInTheAppendsRoundTripTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long WAIT_SECONDS = 30;

    private static RunningMessagingService service;

    private GatewayInboxes gateways;
    private BlockingQueue<DeliveryFrame> gwtest;
    private BlockingQueue<DeliveryFrame> gwother;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>();
        // Typing is swept every tenth of its TTL: once an hour here, so no sweep's round trips
        // mix with the ones counted.
        settings.put("messaging.typing.ttl.ms", "36000000");
        // No route cache: the routes it keeps are not read at all, ahead or after
        // (OutboxRecordsWhatSomeoneIsToBeToldTest counts none); this is the path of those it does not keep.
        settings.put("bus.route.cache.entries", "0");
        service = RunningMessagingService.start(REDIS, settings);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void subscribe() {
        gateways = GatewayInboxes.subscribe(REDIS, Duration.ofSeconds(WAIT_SECONDS), "gwtest", "gwother")
                .withoutRouteCache();
        gwtest = gateways.of("gwtest");
        gwother = gateways.of("gwother");
    }

    @AfterEach
    void unsubscribe() {
        gateways.close();
    }

    @Test
    void aChatsFirstMessageCostsThreeRoundTripsAndTheNextOnesTwo() throws Exception {
        createChat("rt1", "alice", "bob");
        gateways.connect("gwtest", "bob");
        send("alice", "rt1", "warm-up"); // another chat's first message: loads the script
        assertNotNull(nextMessage(gwtest));
        createChat("rt2", "alice", "bob");

        double before = roundTrips();
        send("alice", "rt2", "first");
        assertEquals("first", content(nextMessage(gwtest)));
        double first = roundTrips() - before;
        double beforeSecond = roundTrips();
        double pipelinedAppends = roundTrips("PIPELINE", "append_message.lua");
        send("alice", "rt2", "second");
        assertEquals("second", content(nextMessage(gwtest)));
        double second = roundTrips() - beforeSecond;

        assertEquals(3, first, "append, route look-up, publish");
        assertEquals(2, second, "append with the look-up, publish");
        assertEquals(1, roundTrips("PIPELINE", "append_message.lua") - pipelinedAppends,
                "the round trip of the append and its look-up is timed by the script's name");
    }

    @Test
    void theGuessNeverDecidesWhoGetsTheMessage() throws Exception {
        createChat("g1", "alice", "bob", "carol");
        gateways.connect("gwtest", "bob");
        gateways.connect("gwother", "carol");
        gateways.connect("gwother", "dave");
        send("alice", "g1", "to bob and carol");
        assertEquals("to bob and carol", content(nextMessage(gwtest)));
        assertEquals(List.of("carol"), nextMessage(gwother).getUsers().getUserIdsList());

        service.admin().removeMembers(ChangeMembersRequest.newBuilder().setChatId("g1").addUserIds("carol").build());
        service.admin().addMembers(ChangeMembersRequest.newBuilder().setChatId("g1").addUserIds("dave").build());
        drain();
        send("alice", "g1", "to bob and dave");

        DeliveryFrame toBob = nextMessage(gwtest);
        assertEquals("to bob and dave", content(toBob));
        assertEquals(List.of("bob"), toBob.getUsers().getUserIdsList());
        DeliveryFrame toDave = nextMessage(gwother);
        assertEquals("to bob and dave", content(toDave));
        assertEquals(List.of("dave"), toDave.getUsers().getUserIdsList(),
                "carol left; dave, not guessed, is addressed");
        assertNull(gwother.poll(200, TimeUnit.MILLISECONDS), "one frame for gwother");
    }

    @Test
    void aScriptRedisForgotIsStoredOnceAndDelivered() throws Exception {
        createChat("f1", "alice", "bob");
        gateways.connect("gwtest", "bob");
        send("alice", "f1", "before");
        assertNotNull(nextMessage(gwtest));

        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            redis.scriptFlush();
            long seq = send("alice", "f1", "after the flush");

            assertEquals(2, seq);
            assertEquals(2, redis.xlen("msg:{f1}:log"), "the refused EVALSHA ran nothing; its rerun stored it once");
        }
        DeliveryFrame frame = nextMessage(gwtest);
        assertEquals("after the flush", content(frame));
        assertEquals(List.of("bob"), frame.getUsers().getUserIdsList());
    }

    private static void createChat(String chatId, String... members) {
        service.admin().createChat(CreateChatRequest.newBuilder().setId(chatId).addAllMemberIds(List.of(members)).build());
    }

    private static long send(String user, String chatId, String content) {
        return service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller(user, "gwsender"))
                .setChatId(chatId).setContent(content).build()).getMessage().getSeq();
    }

    private void drain() {
        gwtest.clear();
        gwother.clear();
    }

    /** The next {@code message:new} frame of {@code inbox} (membership events are skipped), or null. */
    private static DeliveryFrame nextMessage(BlockingQueue<DeliveryFrame> inbox) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        DeliveryFrame frame;
        do {
            frame = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } while (frame != null && !frame.getEvent().equals("message:new"));
        return frame;
    }

    private static String content(DeliveryFrame frame) {
        assertNotNull(frame, "no frame");
        String json = frame.getDataJson().toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"content\":"), json);
        return json.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1");
    }

    /** Round trips to Redis timed so far in this JVM: every {@code redis.commands} sample. */
    private static double roundTrips() {
        return timers().stream().mapToDouble(Timer::count).sum();
    }

    /** Round trips timed with this {@code command} and {@code script} tag. */
    private static double roundTrips(String command, String script) {
        return timers().stream().filter(t -> tag(t, "command").equals(command) && tag(t, "script").equals(script))
                .mapToDouble(Timer::count).sum();
    }

    private static List<Timer> timers() {
        return Metrics.globalRegistry().meters().stream()
                .filter(m -> m instanceof Timer && m.id().name().equals("redis.commands")).map(m -> (Timer) m).toList();
    }

    private static String tag(Meter meter, String key) {
        return meter.id().tagsMap().getOrDefault(key, "");
    }
}
