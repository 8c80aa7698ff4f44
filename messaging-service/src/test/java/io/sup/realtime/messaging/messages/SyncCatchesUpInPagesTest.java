package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catching up ({@code message:sync}) on a real Redis: every message after a position, in
 * order, page by page, and a clear "truncated" when the history window moved past it.
 */
class SyncCatchesUpInPagesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Actor ALICE = new Actor("alice", "a1", "gw.1");

    private UnifiedJedis redis;
    private MessageService messages;

    private MessageService service(int historyLength) {
        Clock clock = Clock.systemUTC();
        ChatStore chatStore = new ChatStore(redis);
        new ChatService(chatStore, 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults()).create("c1", "", List.of("alice", "bob"));
        return new MessageService(chatStore, new MessageStore(redis, historyLength, Duration.ofHours(1)),
                (m, r, c, ahead) -> List.of(), DroppedNotifications.MESSAGES, 65_536, clock, TestLimits.generous());
    }

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void pagesReturnEveryMissedMessageInOrder() {
        messages = service(10_000);
        for (int i = 1; i <= 250; i++) {
            messages.send(ALICE, "c1", "text", "m" + i, "");
        }

        MessageService.SyncPage first = messages.sync("bob", "c1", 20, 100);
        assertEquals(LongStream.rangeClosed(21, 120).boxed().toList(), first.messages().stream().map(StoredMessage::seq).toList());
        assertTrue(first.hasMore());
        assertFalse(first.truncated());
        assertEquals(250, first.lastSeq());
        MessageService.SyncPage last = messages.sync("bob", "c1", 200, 100);
        assertEquals(50, last.messages().size());
        assertEquals("m250", last.messages().getLast().content());
        assertFalse(last.hasMore());
        MessageService.SyncPage upToDate = messages.sync("bob", "c1", 250, 0);
        assertEquals(List.of(), upToDate.messages());
        assertFalse(upToDate.truncated());
        assertEquals(List.of(), messages.sync("bob", "c1", Long.MAX_VALUE, 10).messages(), "far ahead: nothing, no error");
    }

    @Test
    void aPositionBehindTheHistoryWindowIsToldSo() {
        messages = service(100);
        for (int i = 1; i <= 1_000; i++) {
            messages.send(ALICE, "c1", "text", "m" + i, "");
        }

        MessageService.SyncPage page = messages.sync("bob", "c1", 5, 50);
        assertTrue(page.truncated(), "messages 6.. are gone");
        assertTrue(page.messages().getFirst().seq() > 6);
        assertFalse(messages.sync("bob", "c1", 990, 50).truncated());
    }

    @Test
    void nonMembersAndBadRequestsAreRefused() {
        messages = service(100);
        assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                assertThrows(ServiceException.class, () -> messages.sync("mallory", "c1", 0, 10)).kind());
        assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                assertThrows(ServiceException.class, () -> messages.sync("bob", "nope", 0, 10)).kind());
        for (int limit : new int[] {-1, 501}) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                    assertThrows(ServiceException.class, () -> messages.sync("bob", "c1", 0, limit)).kind());
        }
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                assertThrows(ServiceException.class, () -> messages.sync("bob", "c1", -1, 10)).kind());
    }
}
