package io.sup.realtime.messaging.grpc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatRequest;
import io.sup.realtime.proto.messaging.v1.LeaveChatRequest;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.GetReactionsRequest;
import io.sup.realtime.proto.messaging.v1.ReactionRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static io.sup.realtime.messaging.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code sup.messaging.v1.MessagingService} through real stubs against the running service:
 * SendMessage answers with the message as stored in Redis, and every refusal reaches the
 * caller as the documented status (PERMISSION_DENIED for non-members and unknown chats
 * alike, INVALID_ARGUMENT for bad input or a missing caller).
 */
class MessagingOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;
    private UnifiedJedis redis;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of("messaging.max.content.bytes", "100"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void createChat() {
        redis = REDIS.settings().newClient();
        service.admin().createChat(CreateChatRequest.newBuilder()
                .setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
    }

    @AfterEach
    void closeRedis() {
        redis.close();
    }

    @Test
    void sendMessageReturnsTheStoredMessage() {
        Instant before = Instant.now().minusMillis(1);

        Message sent = send(caller("alice", "gw1"), "c1", "", "hello", "t-1");

        assertEquals("1", sent.getId());
        assertEquals(1, sent.getSeq());
        assertEquals("c1", sent.getChatId());
        assertEquals("alice", sent.getSenderId());
        assertEquals("alice-dev", sent.getSenderDeviceId());
        assertEquals("text", sent.getType());
        assertEquals("hello", sent.getContent());
        assertEquals("t-1", sent.getTempId());
        Instant createdAt = Instant.parse(sent.getCreatedAt());
        assertFalse(createdAt.isBefore(before) || createdAt.isAfter(Instant.now()), "createdAt " + createdAt);

        Map<String, String> stored = redis.xrange("msg:{c1}:log", "1-0", "1-0").getFirst().getFields();
        assertEquals("hello", stored.get("content"));
        assertEquals("alice", stored.get("sender"));
        assertEquals(Long.toString(createdAt.toEpochMilli()), stored.get("ts"));
    }

    @Test
    void sendsAreNumberedInOrderAndARetryGetsTheSameMessage() {
        Message first = send(caller("alice", "gw1"), "c1", "text", "one", "t-1");
        Message second = send(caller("bob", "gw2"), "c1", "image", "two", "t-1");
        Message retry = send(caller("alice", "gw1"), "c1", "text", "one", "t-1");

        assertEquals(1, first.getSeq());
        assertEquals(2, second.getSeq());
        assertEquals(first, retry);
        assertEquals(2, redis.xlen("msg:{c1}:log"));
    }

    @Test
    void nonMembersAndUnknownChatsArePermissionDeniedAlike() {
        StatusRuntimeException member = assertThrows(StatusRuntimeException.class,
                () -> send(caller("mallory", "gw1"), "c1", "text", "hi", ""));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> send(caller("mallory", "gw1"), "c2", "text", "hi", ""));

        assertEquals(Status.Code.PERMISSION_DENIED, member.getStatus().getCode());
        assertEquals(Status.Code.PERMISSION_DENIED, unknown.getStatus().getCode());
        assertEquals(member.getStatus().getDescription().replace("c1", "<chat>"),
                unknown.getStatus().getDescription().replace("c2", "<chat>"));
        assertFalse(redis.exists("msg:{c1}:log"));
        assertFalse(redis.exists("msg:{c2}:log"));
    }

    @Test
    void badInputIsInvalidArgumentAndStoresNothing() {
        Caller alice = caller("alice", "gw1");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(alice, "c1", "text", "", ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(alice, "c1", "text", "x".repeat(101), ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(alice, "c1", "sticker", "hi", ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(alice, "c1", "text", "hi", "bad temp id"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(alice, "bad chat", "text", "hi", ""));
        assertFalse(redis.exists("msg:{c1}:log"));

        assertEquals(100, send(alice, "c1", "text", "x".repeat(100), "").getContent().length(),
                "the configured limit applies");
    }

    @Test
    void aMissingOrIncompleteCallerIsInvalidArgument() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.messaging().sendMessage(SendMessageRequest.newBuilder()
                .setChatId("c1").setContent("hi").build()));
        Caller noConnection = caller("alice", "gw1").toBuilder().clearConnectionId().build();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(noConnection, "c1", "text", "hi", ""));
        Caller noDevice = caller("alice", "gw1").toBuilder().clearDeviceId().build();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> send(noDevice, "c1", "text", "hi", ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.messaging().joinChat(JoinChatRequest.newBuilder()
                .setChatId("c1").build()));
        assertFalse(redis.exists("msg:{c1}:log"));
    }

    @Test
    void joinAndLeaveChatCheckMembership() {
        assertEquals("c1", service.messaging().joinChat(JoinChatRequest.newBuilder()
                .setCaller(caller("bob", "gw1")).setChatId("c1").build()).getChatId());
        assertEquals("c1", service.messaging().leaveChat(LeaveChatRequest.newBuilder()
                .setCaller(caller("bob", "gw1")).setChatId("c1").build()).getChatId());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> service.messaging().joinChat(JoinChatRequest.newBuilder()
                .setCaller(caller("mallory", "gw1")).setChatId("c1").build()));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> service.messaging().leaveChat(LeaveChatRequest.newBuilder()
                .setCaller(caller("mallory", "gw1")).setChatId("nope").build()));
    }

    @Test
    void reactionsRoundTripThroughTheApi() {
        Message m = send(caller("alice", "gw1"), "c1", "text", "react to me", "");
        assertEquals("👍", service.messaging().addReaction(ReactionRequest.newBuilder().setCaller(caller("bob", "gw2"))
                .setChatId("c1").setMessageId(m.getId()).setEmoji("👍").build()).getEmoji());
        var got = service.messaging().getReactions(GetReactionsRequest.newBuilder().setCaller(caller("alice", "gw1"))
                .setChatId("c1").setMessageId(m.getId()).build());
        assertEquals(1, got.getReactionsCount());
        assertEquals(1, got.getReactions(0).getCount());
        assertEquals("bob", got.getReactions(0).getUserIds(0));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> service.messaging().addReaction(
                ReactionRequest.newBuilder().setCaller(caller("bob", "gw2")).setChatId("c1").setMessageId(m.getId())
                        .setEmoji("ok").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    private static Message send(Caller caller, String chatId, String type, String content, String tempId) {
        return service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller).setChatId(chatId)
                .setType(type).setContent(content).setTempId(tempId).build()).getMessage();
    }
}
