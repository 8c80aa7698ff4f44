package io.sup.realtime.messaging.delivery;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message sent through gRPC is delivered over the real delivery bus: the gateway instance
 * whose routing entry holds a member receives one {@code message:new} frame on its inbox,
 * addressed to its local recipients, excluding the sending connection, carrying the stored
 * message as proto3 JSON; instances without recipients get nothing, and a retried tempId
 * is not delivered again.
 */
class SendMessageReachesGatewayInboxTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long WAIT_SECONDS = 30;

    private static RunningMessagingService service;

    private GatewayInboxes gateways;
    private BlockingQueue<DeliveryFrame> gwtest;
    private BlockingQueue<DeliveryFrame> gwother;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void subscribe() {
        gateways = GatewayInboxes.subscribe(REDIS, Duration.ofSeconds(WAIT_SECONDS), "gwtest", "gwother");
        gwtest = gateways.of("gwtest");
        gwother = gateways.of("gwother");
        service.admin().createChat(CreateChatRequest.newBuilder()
                .setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
    }

    @AfterEach
    void unsubscribe() {
        gateways.close();
    }

    @Test
    void messageFromAliceReachesBobsGatewayAsMessageNew() throws Exception {
        gateways.connect("gwtest", "bob");

        Message sent = send("alice", "gwsender", "c1", "hello bob", "t-1");
        DeliveryFrame frame = gwtest.poll(WAIT_SECONDS, TimeUnit.SECONDS);

        assertNotNull(frame, "no frame on gwtest's inbox");
        assertEquals("message:new", frame.getEvent());
        assertEquals(DeliveryFrame.TargetCase.USERS, frame.getTargetCase());
        assertEquals(List.of("bob"), frame.getUsers().getUserIdsList());
        assertTrue(frame.getExcludeConnectionIdsList().contains("gwsender.1"), frame.toString());
        assertTrue(Math.abs(frame.getPublishedAtMs() - Instant.now().toEpochMilli()) < 60_000, "published_at_ms is now");

        JsonObject data = parse(frame);
        assertEquals("1", data.getString("id"));
        assertEquals("c1", data.getString("chatId"));
        assertEquals("1", data.getString("seq"), "int64 is a JSON string in proto3 JSON");
        assertEquals("hello bob", data.getString("content"));
        assertEquals("alice", data.getString("senderId"));
        assertEquals("t-1", data.getString("tempId"));
        Message.Builder delivered = Message.newBuilder();
        io.sup.realtime.platform.json.ProtoJson.merge(frame.getDataJson().toStringUtf8(), delivered);
        assertEquals(sent, delivered.build(), "the delivered message is the acked one");
    }

    @Test
    void deliveriesFollowAnnouncedRouteChangesWhileRoutesAreKept() throws Exception {
        gateways.connect("gwtest", "bob");
        send("alice", "gwsender", "c1", "one", "");
        assertEquals(List.of("bob"), nextMessageNew(gwtest).getUsers().getUserIdsList());

        gateways.connect("gwother", "bob"); // bob's second device, on another gateway
        send("alice", "gwsender", "c1", "two", "");
        assertEquals(List.of("bob"), nextMessageNew(gwtest).getUsers().getUserIdsList());
        assertEquals(List.of("bob"), nextMessageNew(gwother).getUsers().getUserIdsList(), "the join was followed");

        gateways.disconnect("gwtest", "bob");
        send("alice", "gwsender", "c1", "three", "");
        assertEquals("three", parse(nextMessageNew(gwother)).getString("content"));
        assertNull(gwtest.poll(200, TimeUnit.MILLISECONDS), "the leave was followed: nothing for gwtest");
    }

    /** The next {@code message:new} frame of {@code inbox} (membership events are skipped). */
    private static DeliveryFrame nextMessageNew(BlockingQueue<DeliveryFrame> inbox) throws InterruptedException {
        DeliveryFrame frame;
        do {
            frame = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(frame, "no message:new frame");
        } while (!frame.getEvent().equals("message:new"));
        return frame;
    }

    @Test
    void theSendersOtherDevicesOnTheSameGatewayAreAddressedToo() throws Exception {
        gateways.connect("gwtest", "bob");
        gateways.connect("gwtest", "alice");

        send("alice", "gwtest", "c1", "hi", "");
        DeliveryFrame frame = gwtest.poll(WAIT_SECONDS, TimeUnit.SECONDS);

        assertNotNull(frame);
        assertEquals(List.of("alice", "bob"), frame.getUsers().getUserIdsList().stream().sorted().toList());
        assertEquals(List.of("gwtest.1"), frame.getExcludeConnectionIdsList(), "only the sending connection");
    }

    @Test
    void gatewaysWithoutRecipientsGetNothing() throws Exception {
        gateways.connect("gwtest", "bob");
        gateways.connect("gwother", "carol"); // connected, but not a member of c1
        service.admin().createChat(CreateChatRequest.newBuilder()
                .setId("c2").addAllMemberIds(List.of("alice", "carol")).build());

        send("alice", "gwsender", "c1", "for c1", "");
        assertNotNull(gwtest.poll(WAIT_SECONDS, TimeUnit.SECONDS), "bob's gateway got c1's message");
        send("alice", "gwsender", "c2", "for c2", "");
        DeliveryFrame first = gwother.poll(WAIT_SECONDS, TimeUnit.SECONDS);

        // One Redis connection delivers in publish order: had c1's message gone to gwother,
        // it would have arrived before c2's.
        assertNotNull(first);
        assertEquals("c2", parse(first).getString("chatId"));
        assertEquals(List.of("carol"), first.getUsers().getUserIdsList());
    }

    @Test
    void aRetriedTempIdIsDeliveredOnlyOnce() throws Exception {
        gateways.connect("gwtest", "bob");

        send("alice", "gwsender", "c1", "once", "t-9");
        send("alice", "gwsender", "c1", "once", "t-9");
        send("alice", "gwsender", "c1", "next", "t-10");

        assertEquals("1", parse(gwtest.poll(WAIT_SECONDS, TimeUnit.SECONDS)).getString("seq"));
        DeliveryFrame second = gwtest.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals("2", parse(second).getString("seq"), "the retry was not delivered again");
    }

    private static Message send(String user, String instance, String chatId, String content, String tempId) {
        return service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller(user, instance))
                .setChatId(chatId).setContent(content).setTempId(tempId).build()).getMessage();
    }

    private static JsonObject parse(DeliveryFrame frame) {
        assertNotNull(frame, "no frame");
        try (JsonReader reader = Json.createReader(new StringReader(
                new String(frame.getDataJson().toByteArray(), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }
}
