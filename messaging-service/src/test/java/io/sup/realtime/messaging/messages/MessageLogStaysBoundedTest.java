package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.RedisExpiry;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the messaging keyspace keeps is bounded: a chat's log is trimmed to about the
 * configured history length (MAXLEN ~ trims whole stream nodes, so "about" means at most one
 * node, 100 entries by default, over the bound) while sequence numbers keep counting, and
 * tempId records expire exactly their TTL (to the millisecond, also under one second) after
 * the send, after which a repeat of the tempId is a new message.
 */
class MessageLogStaysBoundedTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int HISTORY = 100;
    private static final Actor ALICE = new Actor("alice", "phone", "gw1.1");
    /** The tempId record of alice's "t-1" in c1. */
    private static final String TEMP_T1 = "msg:{c1}:temp:5:alice:t-1";

    private UnifiedJedis redis;
    private ChatStore chatStore;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        chatStore = new ChatStore(redis);
        new ChatService(chatStore, 10, Clock.systemUTC(), new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults()).create("c1", "", List.of("alice"));
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
    void aTempIdRepeatedAfterItsRecordExpiredIsStoredAndDeliveredAsANewMessage() throws InterruptedException {
        RecordingMessageEvents events = new RecordingMessageEvents();
        MessageService messages = service(HISTORY, Duration.ofMillis(200), events);
        StoredMessage first = messages.send(ALICE, "c1", "text", "hi", "t-1");

        RedisExpiry.awaitGone(redis, TEMP_T1, Duration.ofSeconds(10));
        StoredMessage again = messages.send(ALICE, "c1", "text", "hi", "t-1");

        assertEquals(1, first.seq());
        assertEquals(2, again.seq(), "stored again, under the next seq");
        assertEquals("2", again.id());
        assertEquals("t-1", again.tempId());
        assertEquals(2, redis.xlen("msg:{c1}:log"));
        assertEquals("2", redis.get(TEMP_T1), "the new message's own tempId record");
        assertEquals(List.of(1L, 2L), events.announcements().stream().map(a -> a.message().seq()).toList(),
                "both delivered");
    }

    @Test
    void aTempIdTtlUnderOneSecondIsHonouredInMilliseconds() {
        // MESSAGING_TEMP_ID_TTL_MS accepts any positive number of milliseconds.
        long t0 = RedisExpiry.nowMs(redis);
        StoredMessage sent = service(HISTORY, Duration.ofMillis(800)).send(ALICE, "c1", "text", "hi", "t-1");
        long t1 = RedisExpiry.nowMs(redis);

        assertEquals(1, sent.seq());
        assertEquals(1, redis.xlen("msg:{c1}:log"));
        RedisExpiry.assertExpiresTtlAfter(redis, TEMP_T1, Duration.ofMillis(800), t0, t1);
    }

    @Test
    void aTempIdTtlIsNotTruncatedToWholeSeconds() {
        long t0 = RedisExpiry.nowMs(redis);
        service(HISTORY, Duration.ofMillis(2_900)).send(ALICE, "c1", "text", "hi", "t-1");
        long t1 = RedisExpiry.nowMs(redis);

        RedisExpiry.assertExpiresTtlAfter(redis, TEMP_T1, Duration.ofMillis(2_900), t0, t1);
    }

    private MessageService service(int history, Duration tempIdTtl) {
        return service(history, tempIdTtl, new RecordingMessageEvents());
    }

    private MessageService service(int history, Duration tempIdTtl, RecordingMessageEvents events) {
        return new MessageService(chatStore, new MessageStore(redis, history, tempIdTtl), events,
                DroppedNotifications.MESSAGES, 1_000, Clock.systemUTC(),
                TestLimits.generous());
    }
}
