package io.sup.realtime.messaging.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static io.sup.realtime.messaging.grpc.ClientEventCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default {@code message:new} limit (30 per 60 s) on two messaging-service instances
 * sharing one Redis: a user's sends through both, from two connections at once, are counted
 * together, so exactly 30 are stored and the rest refused; another member of the chat keeps
 * its own 30; and a retry of a stored message (same tempId) is answered with it at the limit.
 */
class MessageNewLimitIsSharedAcrossInstancesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService first;
    private static RunningMessagingService second;
    private UnifiedJedis redis;

    @BeforeAll
    static void start() {
        first = RunningMessagingService.start(REDIS, Map.of());
        second = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @BeforeEach
    void createChat() {
        redis = REDIS.settings().newClient();
        first.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
    }

    @AfterEach
    void closeRedis() {
        redis.close();
    }

    @Test
    void fortySendsOverTwoInstancesStoreThirtyAndRefuseTen() throws Exception {
        List<Future<Status.Code>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                RunningMessagingService instance = i % 2 == 0 ? first : second;
                Caller alice = caller("alice", i % 2 == 0 ? "gwa" : "gwb");
                int n = i;
                outcomes.add(pool.submit(() -> {
                    try {
                        send(instance, alice, "m" + n, "");
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        long retry = Long.parseLong(e.getTrailers().get(ServiceException.RETRY_AFTER_MS));
                        assertTrue(retry > 0 && retry <= 60_000, "retry-after-ms " + retry);
                        return e.getStatus().getCode();
                    }
                }));
            }
        }
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> outcome : outcomes) {
            codes.add(outcome.get());
        }

        assertEquals(30, codes.stream().filter(Status.Code.OK::equals).count(), codes::toString);
        assertEquals(10, codes.stream().filter(Status.Code.RESOURCE_EXHAUSTED::equals).count(), codes::toString);
        assertEquals(30, redis.xlen("msg:{c1}:log"), "30 stored");
        assertEquals("30", redis.get("msg:{c1}:seq"), "refused sends took no sequence number");
    }

    @Test
    void anotherUserInTheChatIsUnaffected() {
        Caller alice = caller("alice", "gwa");
        for (int i = 0; i < 30; i++) {
            send(i % 2 == 0 ? first : second, alice, "a" + i, "");
        }
        assertRateLimited(ClientEvent.MESSAGE_NEW, 60_000, () -> send(second, alice, "one too many", ""));

        Caller bob = caller("bob", "gwb");
        for (int i = 0; i < 30; i++) {
            send(i % 2 == 0 ? second : first, bob, "b" + i, "");
        }
        assertEquals(60, redis.xlen("msg:{c1}:log"));
    }

    @Test
    void aTempIdRetryOfAStoredMessageIsAnsweredAtTheLimit() {
        Caller alice = caller("alice", "gwa");
        List<Message> stored = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            stored.add(send(i % 2 == 0 ? first : second, alice, "m" + i, "t-" + i));
        }
        assertRateLimited(ClientEvent.MESSAGE_NEW, 60_000, () -> send(first, alice, "new", "t-31"));

        assertEquals(stored.get(6), send(second, alice, "m7", "t-7"), "the retry gets the stored message back");
        assertEquals(stored.get(29), send(first, alice, "m30", "t-30"));
        assertEquals(30, redis.xlen("msg:{c1}:log"), "nothing stored twice");
    }

    private static Message send(RunningMessagingService instance, Caller caller, String content, String tempId) {
        return instance.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller)
                .setChatId("c1").setContent(content).setTempId(tempId).build()).getMessage();
    }
}
