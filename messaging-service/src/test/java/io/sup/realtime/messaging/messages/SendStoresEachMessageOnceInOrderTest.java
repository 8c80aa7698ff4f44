package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

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
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sending against a real Redis: every stored message gets the chat's next sequence number
 * (1, 2, 3, ... with no gaps, also under concurrent senders) as its stream entry id
 * {@code <seq>-0}; a retried (sender, tempId) stores and announces nothing new; a non-member
 * stores nothing; each stored message is announced once to every member.
 */
class SendStoresEachMessageOnceInOrderTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.890Z");
    private static final Actor ALICE = new Actor("alice", "alice-phone", "gw1.1");
    private static final Actor BOB = new Actor("bob", "bob-laptop", "gw2.7");
    private static final Actor MALLORY = new Actor("mallory", "m-dev", "gw1.9");
    private static final String LOG = "msg:{c1}:log";

    private UnifiedJedis redis;
    private ChatService chats;
    private RecordingMessageEvents events;
    private MessageService messages;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ChatStore chatStore = new ChatStore(redis);
        chats = new ChatService(chatStore, 100, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults());
        events = new RecordingMessageEvents();
        messages = new MessageService(chatStore, new MessageStore(redis, 10_000, Duration.ofHours(24)), events,
                DroppedNotifications.MESSAGES, 65_536, clock, TestLimits.generous());
        chats.create("c1", "", List.of("alice", "bob"));
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void sendsGetSequenceOneTwoThreeAsStreamEntryIds() {
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            seqs.add(messages.send(i % 2 == 1 ? ALICE : BOB, "c1", "text", "m" + i, "").seq());
        }

        assertEquals(List.of(1L, 2L, 3L), seqs);
        assertEquals(List.of("1-0", "2-0", "3-0"), entryIds());
        assertEquals("3", redis.get("msg:{c1}:seq"));
    }

    @Test
    void storedEntryCarriesSenderDeviceTypeContentTempIdAndTime() {
        StoredMessage sent = messages.send(ALICE, "c1", "image", "héllo ✓", "tmp-1");

        assertEquals(new StoredMessage("c1", 1, "alice", "alice-phone", "image", "héllo ✓", "tmp-1", NOW), sent);
        assertEquals("1", sent.id());
        StreamEntry entry = redis.xrange(LOG, "-", "+").getFirst();
        assertEquals(Map.of("sender", "alice", "device", "alice-phone", "type", "image", "content", "héllo ✓",
                "tempId", "tmp-1", "ts", Long.toString(NOW.toEpochMilli())), entry.getFields());
        assertEquals(sent, new MessageStore(redis, 10_000, Duration.ofHours(1)).read("c1", 1));
    }

    @Test
    void tempIdsOfSendersWhoseIdsContainColonsNeverCollide() {
        chats.addMembers("c1", List.of("alice:x"));
        Actor aliceX = new Actor("alice:x", "d1", "gw1.2");

        StoredMessage theirs = messages.send(aliceX, "c1", "text", "from alice:x", "m:42");
        StoredMessage hers = messages.send(ALICE, "c1", "text", "from alice", "x:m:42");

        assertEquals(1, theirs.seq());
        assertEquals(2, hers.seq(), "alice's message is her own, not a repeat of alice:x's");
        assertEquals("from alice", hers.content());
        assertEquals(2, redis.xlen(LOG));
    }

    @Test
    void emptyTypeIsStoredAsText() {
        StoredMessage sent = messages.send(ALICE, "c1", "", "hi", "");

        assertEquals("text", sent.type());
        assertEquals("text", redis.xrange(LOG, "-", "+").getFirst().getFields().get("type"));
    }

    @Test
    void eachStoredMessageIsAnnouncedOnceToEveryMemberWithTheSendingConnection() {
        StoredMessage first = messages.send(ALICE, "c1", "text", "one", "");
        StoredMessage second = messages.send(BOB, "c1", "text", "two", "");

        assertEquals(List.of(
                        new RecordingMessageEvents.Announcement(first, Set.of("alice", "bob"), "gw1.1"),
                        new RecordingMessageEvents.Announcement(second, Set.of("alice", "bob"), "gw2.7")),
                events.announcements());
    }

    @Test
    void repeatedTempIdStoresNothingNew() {
        StoredMessage first = messages.send(ALICE, "c1", "text", "original", "t-42");
        long logLength = redis.xlen(LOG);

        StoredMessage retry = messages.send(ALICE, "c1", "text", "original", "t-42");

        assertEquals(first, retry);
        assertEquals(logLength, redis.xlen(LOG));
        assertEquals("1", redis.get("msg:{c1}:seq"), "the retry took no sequence number");
        assertEquals(1, events.announcements().size(), "the retry is not announced again");
    }

    @Test
    void retryWithDifferentContentReturnsTheOriginalMessage() {
        messages.send(ALICE, "c1", "text", "original", "t-42");

        StoredMessage retry = messages.send(ALICE, "c1", "file", "edited", "t-42");

        assertEquals("original", retry.content());
        assertEquals("text", retry.type());
        assertEquals(1, redis.xlen(LOG));
    }

    @Test
    void sameTempIdFromAnotherSenderIsANewMessage() {
        StoredMessage fromAlice = messages.send(ALICE, "c1", "text", "a", "t-1");
        StoredMessage fromBob = messages.send(BOB, "c1", "text", "b", "t-1");

        assertEquals(1, fromAlice.seq());
        assertEquals(2, fromBob.seq());
        assertEquals("b", fromBob.content());
        assertEquals(2, redis.xlen(LOG));
        assertEquals(2, events.announcements().size());
    }

    @Test
    void sameTempIdInAnotherChatIsANewMessage() {
        chats.create("c2", "", List.of("alice"));

        messages.send(ALICE, "c1", "text", "a", "t-1");
        StoredMessage other = messages.send(ALICE, "c2", "text", "b", "t-1");

        assertEquals(1, other.seq());
        assertEquals(1, redis.xlen("msg:{c2}:log"));
    }

    @Test
    void sendsWithoutTempIdAreNeverDeduplicated() {
        messages.send(ALICE, "c1", "text", "same", "");
        StoredMessage again = messages.send(ALICE, "c1", "text", "same", "");

        assertEquals(2, again.seq());
        assertEquals(2, redis.xlen(LOG));
        assertEquals(2, events.announcements().size());
    }

    @Test
    void nonMemberIsRefusedAndNothingIsStored() {
        ServiceException e = assertThrows(ServiceException.class,
                () -> messages.send(MALLORY, "c1", "text", "let me in", "t-1"));

        assertEquals(ServiceException.Kind.PERMISSION_DENIED, e.kind());
        assertNothingStoredIn("c1");
    }

    @Test
    void unknownChatIsRefusedExactlyLikeANonMembersChat() {
        ServiceException known = assertThrows(ServiceException.class,
                () -> messages.send(MALLORY, "c1", "text", "x", ""));
        ServiceException unknown = assertThrows(ServiceException.class,
                () -> messages.send(MALLORY, "c9", "text", "x", ""));

        assertEquals(ServiceException.Kind.PERMISSION_DENIED, unknown.kind());
        assertEquals(known.getMessage().replace("c1", "<chat>"), unknown.getMessage().replace("c9", "<chat>"));
        assertNothingStoredIn("c9");
    }

    @Test
    void removedMemberCanNoLongerSend() {
        messages.send(BOB, "c1", "text", "before", "");
        chats.removeMembers("c1", List.of("bob"));

        assertThrows(ServiceException.class, () -> messages.send(BOB, "c1", "text", "after", ""));
        assertEquals(1, redis.xlen(LOG));
        StoredMessage next = messages.send(ALICE, "c1", "text", "still here", "");
        assertEquals(2, next.seq(), "a refused send leaves no gap");
        assertEquals(Set.of("alice"), events.announcements().getLast().recipientIds());
    }

    @Test
    void concurrentSendersGetEverySequenceNumberExactlyOnce() throws Exception {
        int senders = 8;
        int perSender = 50;
        List<Future<List<Long>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
            for (int s = 0; s < senders; s++) {
                Actor actor = s % 2 == 0 ? ALICE : BOB;
                String prefix = "s" + s + "-";
                results.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < perSender; i++) {
                        seqs.add(messages.send(actor, "c1", "text", prefix + i, prefix + i).seq());
                    }
                    return seqs;
                }));
            }
        }
        TreeSet<Long> all = new TreeSet<>();
        int count = 0;
        for (Future<List<Long>> result : results) {
            List<Long> seqs = result.get();
            count += seqs.size();
            all.addAll(seqs);
            assertEquals(seqs.stream().sorted().toList(), seqs, "one sender's messages are stored in its order");
        }
        int total = senders * perSender;
        assertEquals(total, count);
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), List.copyOf(all));
        assertEquals(total, redis.xlen(LOG));
        assertEquals(total, events.announcements().size());
    }

    @Test
    void aFailedAnnouncementDoesNotLoseTheStoredMessage() {
        MessageService failingDelivery = new MessageService(new ChatStore(redis),
                new MessageStore(redis, 10_000, Duration.ofHours(24)),
                (message, recipients, connection, ahead) -> {
                    throw new IllegalStateException("bus down");
                }, DroppedNotifications.MESSAGES, 65_536, Clock.fixed(NOW, ZoneOffset.UTC), TestLimits.defaults());

        StoredMessage sent = failingDelivery.send(ALICE, "c1", "text", "kept", "t-1");

        assertEquals(1, sent.seq());
        assertEquals(List.of("1-0"), entryIds());
    }

    private List<String> entryIds() {
        return redis.xrange(LOG, "-", "+").stream().map(e -> e.getID().toString()).toList();
    }

    private void assertNothingStoredIn(String chatId) {
        assertFalse(redis.exists("msg:{" + chatId + "}:log"), "no log entry");
        assertFalse(redis.exists("msg:{" + chatId + "}:seq"), "no sequence number taken");
        assertTrue(redis.keys("msg:{" + chatId + "}:temp:*").isEmpty(), "no tempId remembered");
        assertTrue(events.announcements().isEmpty(), "nothing announced");
    }
}
