package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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

/**
 * A message's mentions, on a real Redis: the explicit list and the {@code @<userId>} of plain
 * content, of which the append script keeps the members (never the sender), stored in the
 * log entry and read back, announced with the message, returned to a retry; encrypted
 * content has only its list; a forward gets the forwarder's mentions, not the original's;
 * a bad list stores nothing and tells a non-member nothing.
 */
class MentionsKeepOnlyMembersTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Actor ALICE = new Actor("alice", "a1", "gw.1");

    private UnifiedJedis redis;
    private MessageStore store;
    private RecordingMessageEvents events;
    private MessageService messages;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        Clock clock = Clock.systemUTC();
        ChatStore chatStore = new ChatStore(redis);
        ChatService chats = new ChatService(chatStore, 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults());
        chats.create("c1", "", List.of("alice", "bob", "carol", "dave@example.com"));
        chats.create("c2", "", List.of("alice", "carol", "mallory"));
        store = new MessageStore(redis, 1_000, Duration.ofHours(1));
        events = new RecordingMessageEvents();
        messages = new MessageService(chatStore, store, events, DroppedNotifications.MESSAGES, 65_536, clock,
                TestLimits.defaults());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private static Draft withMentions(String content, String tempId, List<String> mentions) {
        return new Draft("text", content, tempId, null, "", "", "", mentions);
    }

    @Test
    void explicitAndWrittenMentionsOfMembersAreKeptSortedOnceWithoutTheSender() {
        StoredMessage sent = messages.send(ALICE, "c1", withMentions(
                "thanks @carol. and @mallory, cc @dave@example.com, me @alice", "t-1",
                List.of("bob", "mallory", "alice", "carol", "nobody")));

        assertEquals(List.of("bob", "carol", "dave@example.com"), sent.mentions());
        assertEquals("bob,carol,dave@example.com",
                redis.xrange("msg:{c1}:log", "1-0", "1-0").getFirst().getFields().get("mentions"),
                "stored in the entry, members only");
        assertEquals(sent, store.read("c1", sent.seq()));
        assertEquals(sent, events.announcements().getFirst().message(), "announced with its mentions");
        assertEquals(sent, messages.send(ALICE, "c1", withMentions("changed", "t-1", List.of())),
                "a retry gets the stored message, mentions and all");
    }

    @Test
    void aMessageThatMentionsNoMemberStoresNoMentionsField() {
        StoredMessage sent = messages.send(ALICE, "c1", withMentions("hi @mallory and a@bob", "", List.of("alice")));

        assertEquals(List.of(), sent.mentions());
        assertFalse(redis.xrange("msg:{c1}:log", "1-0", "1-0").getFirst().getFields().containsKey("mentions"));
        assertEquals(List.of(), store.read("c1", 1).mentions());
    }

    @Test
    void encryptedContentMentionsItsExplicitListOnly() {
        var payload = new StoredMessage.Encrypted("@bob-looks-like-a-mention", Map.of("alg", "x25519"));

        StoredMessage sent = messages.send(ALICE, "c1",
                new Draft("text", "", "", payload, "", "", "", List.of("carol", "mallory")));

        assertEquals(List.of("carol"), sent.mentions(), "the ciphertext is never read");
        assertEquals(List.of("carol"), store.read("c1", sent.seq()).mentions());
    }

    @Test
    void aForwardMentionsWhatTheForwarderAsksAndItsTextNamesNotWhatTheOriginalDid() {
        StoredMessage original = messages.send(ALICE, "c2",
                withMentions("ask @dave@example.com", "", List.of("carol", "mallory")));
        assertEquals(List.of("carol", "mallory"), original.mentions(), "dave is no member of c2");

        StoredMessage forwarded = messages.send(ALICE, "c1",
                new Draft("", "", "", null, "", "c2", original.id(), List.of("bob")));

        assertEquals("ask @dave@example.com", forwarded.content());
        assertEquals(List.of("bob", "dave@example.com"), forwarded.mentions(),
                "the forwarder's list and the copied text, against c1's members; not the original's carol");
    }

    @Test
    void tooManyOrMalformedMentionsAreRefusedAndStoreNothing() {
        List<String> fiftyOne = IntStream.range(0, 51).mapToObj(i -> "u" + i).toList();
        for (List<String> bad : List.of(fiftyOne, List.of("bob", "not an id"), List.of("{c1}"))) {
            ServiceException e = assertThrows(ServiceException.class,
                    () -> messages.send(ALICE, "c1", withMentions("hi", "", bad)));
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        }
        assertFalse(redis.exists("msg:{c1}:log"));
        assertEquals(List.of(), events.announcements());

        Actor outsider = new Actor("mallory", "m1", "gw.9");
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, assertThrows(ServiceException.class,
                () -> messages.send(outsider, "c1", withMentions("hi", "", fiftyOne))).kind(),
                "a non-member learns nothing, not even that its list was malformed");
    }
}
