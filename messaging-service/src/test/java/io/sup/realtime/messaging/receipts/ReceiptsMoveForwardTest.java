package io.sup.realtime.messaging.receipts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.messaging.messages.MessageService;
import io.sup.realtime.messaging.messages.MessageStore;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Delivery and read receipts on a real Redis: members only, messages of that chat only,
 * positions that only move forward, own messages ignored, senders told once per receipt.
 */
class ReceiptsMoveForwardTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    /** One announced receipt. */
    record Told(ReceiptKind kind, String chatId, String senderId, List<String> ids, String readerId) {
    }

    private final List<Told> told = new CopyOnWriteArrayList<>();
    private UnifiedJedis redis;
    private ReceiptService receipts;
    private ReceiptStore store;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ChatStore chatStore = new ChatStore(redis);
        ChatService chats = new ChatService(chatStore, 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults());
        chats.create("c1", "", List.of("alice", "bob", "carol"));
        chats.create("c2", "", List.of("alice", "bob"));
        MessageService messages = new MessageService(chatStore, new MessageStore(redis, 1_000, Duration.ofHours(1)),
                (m, r, c, ahead) -> List.of(), DroppedNotifications.MESSAGES, 65_536, clock, TestLimits.defaults());
        Actor alice = new Actor("alice", "a1", "gw.1");
        Actor carol = new Actor("carol", "c1", "gw.2");
        Actor bob = new Actor("bob", "b1", "gw.3");
        messages.send(alice, "c1", "text", "one", "");    // 1
        messages.send(alice, "c1", "text", "two", "");    // 2
        messages.send(carol, "c1", "text", "three", "");  // 3
        messages.send(bob, "c1", "text", "four", "");     // 4
        messages.send(alice, "c2", "text", "other", "");  // c2: 1
        store = new ReceiptStore(redis);
        receipts = new ReceiptService(store, (kind, chat, sender, ids, reader, at) ->
                told.add(new Told(kind, chat, sender, ids, reader)), clock, TestLimits.defaults());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void aReadReceiptTellsEachSenderOnceAndSkipsOwnMessages() {
        List<String> covered = receipts.mark(ReceiptKind.READ, "c1", "bob", List.of("1", "2", "3", "4"));

        assertEquals(List.of("1", "2", "3"), covered, "bob's own message 4 is not a receipt");
        assertEquals(List.of(
                new Told(ReceiptKind.READ, "c1", "alice", List.of("1", "2"), "bob"),
                new Told(ReceiptKind.READ, "c1", "carol", List.of("3"), "bob")), told);
        assertEquals(4, store.position(ReceiptKind.READ, "c1", "bob"));
    }

    @Test
    void positionsOnlyMoveForwardSoRepeatsChangeNothing() {
        receipts.mark(ReceiptKind.READ, "c1", "bob", List.of("2"));
        told.clear();

        assertEquals(List.of(), receipts.mark(ReceiptKind.READ, "c1", "bob", List.of("2")));
        assertEquals(List.of(), receipts.mark(ReceiptKind.READ, "c1", "bob", List.of("1")));
        assertEquals(List.of(), told);
        assertEquals(2, store.position(ReceiptKind.READ, "c1", "bob"));
        assertEquals(List.of("3"), receipts.mark(ReceiptKind.READ, "c1", "bob", List.of("3")));
    }

    @Test
    void deliveredAndReadPositionsAreSeparate() {
        receipts.mark(ReceiptKind.DELIVERED, "c1", "bob", List.of("3"));

        assertEquals(3, store.position(ReceiptKind.DELIVERED, "c1", "bob"));
        assertEquals(0, store.position(ReceiptKind.READ, "c1", "bob"));
        assertEquals(ReceiptKind.DELIVERED, told.getFirst().kind());
    }

    @Test
    void nonMembersAndUnknownChatsAreRefusedAlike() {
        ServiceException outsider = assertThrows(ServiceException.class,
                () -> receipts.mark(ReceiptKind.READ, "c2", "carol", List.of("1")));
        ServiceException unknown = assertThrows(ServiceException.class,
                () -> receipts.mark(ReceiptKind.READ, "nope", "carol", List.of("1")));
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, outsider.kind());
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, unknown.kind());
        assertEquals(0, store.position(ReceiptKind.READ, "c2", "carol"));
        assertEquals(List.of(), told);
    }

    @Test
    void anIdThatWasNeverAMessageOfThisChatIsRefusedAndNothingMoves() {
        // c2 has one message; "4" exists only in c1.
        ServiceException e = assertThrows(ServiceException.class,
                () -> receipts.mark(ReceiptKind.READ, "c2", "bob", List.of("1", "4")));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals("message 4 is not a message of chat c2", e.getMessage());
        assertEquals(0, store.position(ReceiptKind.READ, "c2", "bob"));
    }

    @Test
    void malformedOrTooManyIdsAreRefused() {
        for (List<String> ids : List.of(List.<String>of(), List.of("0"), List.of("01"), List.of("-1"), List.of("abc"),
                List.of("1".repeat(19)), java.util.Collections.nCopies(101, "1"))) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                    assertThrows(ServiceException.class, () -> receipts.mark(ReceiptKind.READ, "c1", "bob", ids)).kind(),
                    ids.toString());
        }
    }
}
