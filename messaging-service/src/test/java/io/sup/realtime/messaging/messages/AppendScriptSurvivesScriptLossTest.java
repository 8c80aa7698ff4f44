package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Lua scripts run by SHA (EVALSHA) and are loaded again when Redis has forgotten them:
 * after SCRIPT FLUSH, and after a Redis restart, where AOF also keeps the sequence and the
 * log so numbering continues without a gap or a repeat.
 */
class AppendScriptSurvivesScriptLossTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Actor ALICE = new Actor("alice", "phone", "gw1.1");

    @Test
    void sendAndCreateStillWorkAfterScriptFlush() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            ChatService chats = new ChatService(new ChatStore(redis), 10, Clock.systemUTC(), new RecordingChatEvents(),
                    DroppedNotifications.CHATS, TestLimits.defaults());
            MessageService messages = service(redis);
            chats.create("c1", "", List.of("alice"));
            assertEquals(1, messages.send(ALICE, "c1", "text", "before", "").seq());

            // The script Redis runs is platform's rate-limit prelude followed by the append.
            String appendSha = LuaScript.fromResources(MessageStore.class, RateLimiter.PRELUDE, "/lua/append_message.lua")
                    .sha1();
            assertEquals(List.of(true), redis.scriptExists(List.of(appendSha)), "the script in use is cached");
            redis.scriptFlush();
            assertEquals(List.of(false), redis.scriptExists(List.of(appendSha)), "and now it is gone");

            assertEquals(2, messages.send(ALICE, "c1", "text", "after", "").seq());
            assertEquals(List.of(true), redis.scriptExists(List.of(appendSha)), "loaded again");
            redis.scriptFlush();
            chats.create("c2", "", List.of("alice"));
            assertEquals(List.of("c1", "c2"), chats.chatsOf("alice"));
            assertEquals(2, redis.xlen("msg:{c1}:log"));
        }
    }

    @Test
    void numberingContinuesAfterARedisRestart() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            new ChatService(new ChatStore(redis), 10, Clock.systemUTC(), new RecordingChatEvents(),
                    DroppedNotifications.CHATS, TestLimits.defaults()).create("c1", "", List.of("alice"));
            MessageService messages = service(redis);
            messages.send(ALICE, "c1", "text", "one", "t-1");
            messages.send(ALICE, "c1", "text", "two", "t-2");
        }

        REDIS.restart();

        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            MessageService messages = service(redis);
            assertEquals(2, messages.send(ALICE, "c1", "text", "two", "t-2").seq(), "tempId record kept");
            assertEquals(3, messages.send(ALICE, "c1", "text", "three", "t-3").seq());
            assertEquals(List.of("1-0", "2-0", "3-0"),
                    redis.xrange("msg:{c1}:log", "-", "+").stream().map(e -> e.getID().toString()).toList());
        }
    }

    private static MessageService service(UnifiedJedis redis) {
        return new MessageService(new ChatStore(redis), new MessageStore(redis, 1_000, Duration.ofHours(1)),
                new RecordingMessageEvents(), DroppedNotifications.MESSAGES, 1_000, Clock.systemUTC(),
                TestLimits.defaults());
    }
}
