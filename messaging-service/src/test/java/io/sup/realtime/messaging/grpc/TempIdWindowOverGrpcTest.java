package io.sup.realtime.messaging.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.RedisExpiry;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The tempId window of {@code message:new} (docs/API.md: "a repeat from the same sender
 * within 24 h returns the stored message and stores and delivers nothing new"), through
 * gRPC against the running service: with its default settings the window is 24 h to the
 * millisecond, measured on Redis's clock; with a short {@code messaging.temp.id.ttl.ms}, a
 * repeat once the window has passed is stored as a new message.
 */
class TempIdWindowOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String TEMP_T1 = "msg:{c1}:temp:5:alice:t-1";

    private static RunningMessagingService defaults;
    private static RunningMessagingService shortWindow;
    private UnifiedJedis redis;

    @BeforeAll
    static void start() {
        defaults = RunningMessagingService.start(REDIS, Map.of());
        shortWindow = RunningMessagingService.start(REDIS, Map.of("messaging.temp.id.ttl.ms", "200"));
    }

    @AfterAll
    static void stop() {
        defaults.close();
        shortWindow.close();
    }

    @BeforeEach
    void createChat() {
        redis = REDIS.settings().newClient();
        defaults.admin().createChat(CreateChatRequest.newBuilder()
                .setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
    }

    @AfterEach
    void closeRedis() {
        redis.close();
    }

    @Test
    void byDefaultARepeatWithinTwentyFourHoursGetsTheStoredMessageAndStoresNothing() {
        long t0 = RedisExpiry.nowMs(redis);
        Message first = send(defaults, "hi");
        long t1 = RedisExpiry.nowMs(redis);

        RedisExpiry.assertExpiresTtlAfter(redis, TEMP_T1, Duration.ofHours(24), t0, t1);
        Message repeat = send(defaults, "hi again");

        assertEquals(first, repeat, "the stored message, not the repeat's content");
        assertEquals("hi", repeat.getContent());
        assertEquals(1, redis.xlen("msg:{c1}:log"));
        assertEquals("1", redis.get("msg:{c1}:seq"));
    }

    @Test
    void aRepeatAfterAShortConfiguredWindowIsStoredAsANewMessage() throws InterruptedException {
        Message first = send(shortWindow, "hi");

        RedisExpiry.awaitGone(redis, TEMP_T1, Duration.ofSeconds(10));
        Message again = send(shortWindow, "hi");

        assertEquals(1, first.getSeq());
        assertEquals(2, again.getSeq(), "stored again under the next seq");
        assertNotEquals(first.getId(), again.getId());
        assertEquals("t-1", again.getTempId());
        assertEquals(2, redis.xlen("msg:{c1}:log"));
        assertEquals(List.of("hi", "hi"), redis.xrange("msg:{c1}:log", "-", "+").stream()
                .map(e -> e.getFields().get("content")).toList());
    }

    private static Message send(RunningMessagingService service, String content) {
        return service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller("alice", "gw1"))
                .setChatId("c1").setContent(content).setTempId("t-1").build()).getMessage();
    }
}
