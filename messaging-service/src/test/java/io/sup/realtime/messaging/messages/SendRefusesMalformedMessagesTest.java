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
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed sends (empty or oversized content, unknown type, malformed tempId or chat id)
 * are refused as INVALID_ARGUMENT before anything is stored or announced, even from a
 * member. The content limit counts UTF-8 bytes, not characters.
 */
class SendRefusesMalformedMessagesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int MAX_CONTENT_BYTES = 16;
    private static final Actor ALICE = new Actor("alice", "phone", "gw1.1");

    private UnifiedJedis redis;
    private RecordingMessageEvents events;
    private MessageService messages;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        ChatStore chatStore = new ChatStore(redis);
        new ChatService(chatStore, 10, Clock.systemUTC(), new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults()).create("c1", "", List.of("alice"));
        events = new RecordingMessageEvents();
        messages = new MessageService(chatStore, new MessageStore(redis, 1_000, Duration.ofHours(1)), events,
                DroppedNotifications.MESSAGES, MAX_CONTENT_BYTES, Clock.systemUTC(), TestLimits.defaults());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void emptyContentIsRefused() {
        assertRefused(() -> messages.send(ALICE, "c1", "text", "", ""));
    }

    @Test
    void contentOverTheLimitIsRefusedAndContentAtTheLimitIsStored() {
        assertRefused(() -> messages.send(ALICE, "c1", "text", "x".repeat(MAX_CONTENT_BYTES + 1), ""));

        assertEquals(MAX_CONTENT_BYTES, messages.send(ALICE, "c1", "text", "x".repeat(MAX_CONTENT_BYTES), "")
                .content().length());
    }

    @Test
    void theContentLimitCountsUtf8BytesNotCharacters() {
        String nineTwoByteChars = "é".repeat(9); // 9 characters, 18 bytes
        assertRefused(() -> messages.send(ALICE, "c1", "text", nineTwoByteChars, ""));
        String fiveEmoji = "😀".repeat(5); // 10 UTF-16 units, 20 bytes
        assertRefused(() -> messages.send(ALICE, "c1", "text", fiveEmoji, ""));

        assertEquals(1, messages.send(ALICE, "c1", "text", "é".repeat(8), "").seq(), "16 bytes fit");
    }

    @Test
    void unknownTypesAreRefused() {
        for (String type : List.of("sticker", "TEXT", " text", "text ")) {
            assertRefused(() -> messages.send(ALICE, "c1", type, "hi", ""));
        }
        for (String type : List.of("text", "image", "video", "audio", "file", "system")) {
            assertEquals(type, messages.send(ALICE, "c1", type, "hi", "").type());
        }
    }

    @Test
    void malformedTempIdsAreRefused() {
        for (String tempId : List.of("has space", "t".repeat(65), "{slot}", "a/b", "ünï")) {
            assertRefused(() -> messages.send(ALICE, "c1", "text", "hi", tempId));
        }
        assertEquals("A-z_0.9:@-" + "t".repeat(54),
                messages.send(ALICE, "c1", "text", "hi", "A-z_0.9:@-" + "t".repeat(54)).tempId(), "64 characters fit");
    }

    @Test
    void malformedChatIdsAreRefusedAsInvalidNotAsForbidden() {
        for (String chatId : List.of("", "with space", "{c1}", "c".repeat(65))) {
            assertRefused(() -> messages.send(ALICE, chatId, "text", "hi", ""));
        }
    }

    private void assertRefused(Executable send) {
        ServiceException e = assertThrows(ServiceException.class, send);
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        assertFalse(redis.exists("msg:{c1}:log"), "nothing stored");
        assertFalse(redis.exists("msg:{c1}:seq"), "no sequence number taken");
        assertTrue(redis.keys("msg:*:temp:*").isEmpty(), "no tempId remembered");
        assertTrue(events.announcements().isEmpty(), "nothing announced");
    }
}
