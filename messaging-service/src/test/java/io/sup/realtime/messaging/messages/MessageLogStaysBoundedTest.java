package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the messaging keyspace keeps is bounded: a chat's log is trimmed to about the
 * configured history length (MAXLEN ~ trims whole stream nodes, so "about" means at most one
 * node, 100 entries by default, over the bound) while sequence numbers keep counting, and
 * tempId records expire after their TTL, including a TTL under one second.
 */
class MessageLogStaysBoundedTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int HISTORY = 100;
    private static final Actor ALICE = new Actor("alice", "phone", "gw1.1");

    private RedisClient redis;
    private ChatStore chatStore;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        chatStore = new ChatStore(redis);
        new ChatService(chatStore, 10, Clock.systemUTC(), new RecordingChatEvents()).create("c1", "", List.of("alice"));
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void logIsTrimmedToAboutTheHistoryLengthWhileSequenceNumbersKeepCounting() {
        MessageService messages = service(HISTORY, Duration.ofHours(1));

        for (int i = 1; i <= 1_000; i++) {
            assertEquals(i, messages.send(ALICE, "c1", "text", "m" + i, "").seq());
        }

        long length = redis.xlen("msg:{c1}:log");
        assertTrue(length >= HISTORY && length <= 2 * HISTORY,
                "log holds " + length + " entries; expected about " + HISTORY);
        List<StreamEntry> newest = redis.xrevrange("msg:{c1}:log", "+", "-", 1);
        assertEquals("1000-0", newest.getFirst().getID().toString(), "the newest message is kept");
        assertNull(new MessageStore(redis, HISTORY, Duration.ofHours(1)).read("c1", 1), "the oldest was trimmed");
    }

    @Test
    void retryOfATrimmedMessageStillGetsItsOriginalSequenceNumber() {
        MessageService messages = service(HISTORY, Duration.ofHours(1));
        messages.send(ALICE, "c1", "text", "first", "t-first");
        for (int i = 0; i < 500; i++) {
            messages.send(ALICE, "c1", "text", "filler", "");
        }
        long length = redis.xlen("msg:{c1}:log");

        StoredMessage retry = messages.send(ALICE, "c1", "text", "first", "t-first");

        assertEquals(1, retry.seq());
        assertEquals("first", retry.content());
        assertEquals(length, redis.xlen("msg:{c1}:log"), "nothing stored again");
        assertEquals("501", redis.get("msg:{c1}:seq"));
    }

    @Test
    void tempIdRecordsExpireAfterTheirTtl() {
        service(HISTORY, Duration.ofMinutes(10)).send(ALICE, "c1", "text", "hi", "t-1");

        long ttlMs = redis.pttl("msg:{c1}:temp:5:alice:t-1");
        assertTrue(ttlMs > Duration.ofMinutes(9).toMillis() && ttlMs <= Duration.ofMinutes(10).toMillis(),
                "tempId record expires in " + ttlMs + " ms");
    }

    @Test
    void aTempIdTtlUnderOneSecondIsHonouredInMilliseconds() {
        // MESSAGING_TEMP_ID_TTL_MS accepts any positive number of milliseconds.
        StoredMessage sent = service(HISTORY, Duration.ofMillis(800)).send(ALICE, "c1", "text", "hi", "t-1");

        assertEquals(1, sent.seq());
        assertEquals(1, redis.xlen("msg:{c1}:log"));
        long ttlMs = redis.pttl("msg:{c1}:temp:5:alice:t-1");
        assertTrue(ttlMs > 0 && ttlMs <= 800, "tempId record expires in " + ttlMs + " ms");
    }

    @Test
    void aTempIdTtlIsNotTruncatedToWholeSeconds() {
        service(HISTORY, Duration.ofMillis(2_900)).send(ALICE, "c1", "text", "hi", "t-1");

        long ttlMs = redis.pttl("msg:{c1}:temp:5:alice:t-1");
        assertTrue(ttlMs > 2_000 && ttlMs <= 2_900, "tempId record expires in " + ttlMs + " ms");
    }

    private MessageService service(int history, Duration tempIdTtl) {
        return new MessageService(chatStore, new MessageStore(redis, history, tempIdTtl), new RecordingMessageEvents(),
                1_000, Clock.systemUTC());
    }
}
