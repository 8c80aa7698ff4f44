package io.sup.realtime.messaging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.grpc.Status;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.EncryptedContent;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static io.sup.realtime.messaging.GrpcAssertions.assertStatus;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mentions through the real service: a {@code message:new} with an explicit list and an
 * {@code @name} carries the members it mentions in its ack, in the {@code message:new}
 * frame a member's gateway receives (proto3 JSON {@code "mentions": [...]}) and in
 * {@code message:sync}; encrypted content works with the list alone; a bad list is
 * INVALID_ARGUMENT and stores nothing.
 */
class MentionsTravelWithTheMessageTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    private UnifiedJedis redis;
    private final BlockingQueue<DeliveryFrame> frames = new LinkedBlockingQueue<>();
    private InboxSubscriber inbox;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        inbox = new InboxSubscriber(REDIS.settings(), "gw-bob", frames::add);
        inbox.start();
        await().atMost(Duration.ofSeconds(30)).until(inbox::isSubscribed);
        new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC()).addUser("gw-bob", "bob");
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1")
                .addAllMemberIds(List.of("alice", "bob", "carol")).build());
    }

    @AfterEach
    void tearDown() {
        inbox.close();
        redis.close();
    }

    @Test
    void theMentionedMembersAreInTheAckTheDeliveredEventAndSync() throws Exception {
        Message acked = service.messaging().sendMessage(SendMessageRequest.newBuilder()
                .setCaller(caller("alice", "gw-alice")).setChatId("c1")
                .setContent("@carol, meet @bob. (and @mallory)").addAllMentions(List.of("bob", "alice", "mallory"))
                .build()).getMessage();

        assertEquals(List.of("bob", "carol"), acked.getMentionsList());
        DeliveryFrame frame = frames.poll(30, TimeUnit.SECONDS);
        assertNotNull(frame, "bob's gateway got no frame");
        assertEquals("message:new", frame.getEvent());
        String json = frame.getDataJson().toStringUtf8();
        assertTrue(json.contains("\"mentions\":[\"bob\",\"carol\"]"), json);
        Message.Builder delivered = Message.newBuilder();
        ProtoJson.merge(json, delivered);
        assertEquals(acked, delivered.build(), "the delivered message is the acked one, mentions and all");
        List<Message> synced = service.messaging().syncMessages(SyncMessagesRequest.newBuilder()
                .setCaller(caller("bob", "gw-bob")).setChatId("c1").build()).getMessagesList();
        assertEquals(List.of(acked), synced);
    }

    @Test
    void encryptedContentCarriesItsExplicitMentions() {
        Message acked = service.messaging().sendMessage(SendMessageRequest.newBuilder()
                .setCaller(caller("alice", "gw-alice")).setChatId("c1")
                .setEncrypted(EncryptedContent.newBuilder().setCiphertext("c2VjcmV0IEBjYXJvbA=="))
                .addMentions("carol").build()).getMessage();

        assertEquals(List.of("carol"), acked.getMentionsList());
        assertEquals("", acked.getContent());
    }

    @Test
    void tooManyOrMalformedMentionsAreInvalidArgument() {
        SendMessageRequest.Builder base = SendMessageRequest.newBuilder().setCaller(caller("alice", "gw-alice"))
                .setChatId("c1").setContent("hi");
        List<String> fiftyOne = IntStream.range(0, 51).mapToObj(i -> "u" + i).toList();

        assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> service.messaging().sendMessage(base.clone().addAllMentions(fiftyOne).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> service.messaging().sendMessage(base.clone().addMentions("bad id").build()));
        assertFalse(redis.exists("msg:{c1}:log"));
    }
}
