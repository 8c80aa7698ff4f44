package io.sup.realtime.messaging.chats;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.messaging.TestLimits;
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
 * Chats and membership against a real Redis: creation, the member limit, idempotent
 * membership changes mirrored in the user -> chats index, and the membership rule that tells
 * a non-member the same thing whether or not the chat exists.
 */
class ChatMembershipRulesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.890Z");
    private static final int MAX_MEMBERS = 3;

    private UnifiedJedis redis;
    private ChatService chats;
    private RecordingChatEvents events;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        events = new RecordingChatEvents();
        chats = new ChatService(new ChatStore(redis), MAX_MEMBERS, Clock.fixed(NOW, ZoneOffset.UTC), events,
                DroppedNotifications.CHATS, TestLimits.defaults());
    }

    @Test
    void eachNewMemberIsAnnouncedToAllMembersOnceAndRepeatsAnnounceNothing() {
        chats.create("c1", "", List.of("alice"));
        chats.addMembers("c1", List.of("alice", "bob"));
        chats.addMembers("c1", List.of("bob"));

        assertEquals(List.of(new RecordingChatEvents.Announcement("chat:member-joined", "c1", "bob",
                Set.of("alice", "bob"))), events.announcements());
    }

    @Test
    void aRemovalIsAnnouncedToTheRemainingMembersAndTheOneWhoLeft() {
        chats.create("c1", "", List.of("alice", "bob", "carol"));
        chats.removeMembers("c1", List.of("carol", "nobody"));

        assertEquals(List.of(new RecordingChatEvents.Announcement("chat:member-left", "c1", "carol",
                Set.of("alice", "bob", "carol"))), events.announcements());
    }

    @Test
    void renamingUpdatesTheTitleAndTellsTheMembers() {
        chats.create("c1", "old", List.of("alice", "bob"));

        Chat renamed = chats.update("c1", "new title");

        assertEquals("new title", renamed.title());
        assertEquals("new title", chats.get("c1").title());
        assertEquals(List.of(new RecordingChatEvents.Announcement("chat:updated", "c1", null, Set.of("alice", "bob"))),
                events.announcements());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                assertThrows(ServiceException.class, () -> chats.update("c1", "x".repeat(257))).kind());
        assertEquals(ServiceException.Kind.NOT_FOUND,
                assertThrows(ServiceException.class, () -> chats.update("nope", "t")).kind());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void createdChatHasItsTitleSortedMembersAndCreationTime() {
        Chat created = chats.create("c1", "Team", List.of("carol", "alice", "bob"));

        assertEquals("c1", created.id());
        assertEquals("Team", created.title());
        assertEquals(List.of("alice", "bob", "carol"), List.copyOf(created.memberIds()));
        assertEquals(NOW, created.createdAt());
        assertEquals(created, chats.get("c1"));
        assertEquals(Set.of("alice", "bob", "carol"), redis.smembers(MessagingKeys.members("c1")));
    }

    @Test
    void creatingAnExistingChatIsRefusedAndLeavesItUnchanged() {
        chats.create("c1", "first", List.of("alice"));

        ServiceException e = assertThrows(ServiceException.class,
                () -> chats.create("c1", "second", List.of("mallory")));

        assertEquals(ServiceException.Kind.ALREADY_EXISTS, e.kind());
        Chat chat = chats.get("c1");
        assertEquals("first", chat.title());
        assertEquals(Set.of("alice"), chat.memberIds());
        assertEquals(List.of(), chats.chatsOf("mallory"));
    }

    @Test
    void malformedChatIdsAreRefusedAndNothingIsWritten() {
        for (String bad : List.of("", "has space", "brace{x}", "a".repeat(65), "émoji", "slash/")) {
            assertInvalid(() -> chats.create(bad, "", List.of("alice")), "chat id '" + bad + "'");
        }
        assertTrue(redis.keys("*").isEmpty(), "nothing written for refused chats");
        // The longest well-formed id is accepted.
        chats.create("a".repeat(64), "", List.of("alice"));
    }

    @Test
    void malformedMemberIdsAndOverlongTitlesAreRefused() {
        assertInvalid(() -> chats.create("c1", "", List.of("alice", "bad id")), "member with a space");
        assertInvalid(() -> chats.create("c1", "", List.of("")), "empty member id");
        assertInvalid(() -> chats.create("c1", "t".repeat(257), List.of("alice")), "257-character title");
        assertTrue(redis.keys("*").isEmpty());
        chats.create("c1", "t".repeat(256), List.of("alice"));
    }

    @Test
    void aChatCannotBeCreatedWithMoreMembersThanTheLimit() {
        assertInvalid(() -> chats.create("c1", "", List.of("a", "b", "c", "d")), "4 members over a limit of 3");
        assertFalse(redis.exists("msg:{c1}:meta"));
        // Duplicates count once: three distinct members fit.
        Chat chat = chats.create("c1", "", List.of("a", "b", "c", "a", "b"));
        assertEquals(Set.of("a", "b", "c"), chat.memberIds());
    }

    @Test
    void aChatCanBeCreatedWithAsManyMembersAsAHighLimitAllows() {
        // MESSAGING_MAX_MEMBERS goes up to 1,000,000; a Lua unpack of every member id at once
        // stops at about 8,000.
        ChatService large = new ChatService(new ChatStore(redis), 20_000, Clock.fixed(NOW, ZoneOffset.UTC),
                new RecordingChatEvents(), DroppedNotifications.CHATS, TestLimits.defaults());
        List<String> members = IntStream.range(0, 20_000).mapToObj(i -> "user" + i).toList();

        Chat chat = large.create("big", "", members);

        assertEquals(20_000, chat.memberIds().size());
        assertEquals(20_000, redis.scard(MessagingKeys.members("big")));
        assertEquals(List.of("big"), large.chatsOf("user19999"));
    }

    @Test
    void addingMembersIsIdempotentAndReflectedInChatsOf() {
        chats.create("c1", "", List.of("alice"));

        chats.addMembers("c1", List.of("bob"));
        Chat again = chats.addMembers("c1", List.of("bob", "alice"));

        assertEquals(Set.of("alice", "bob"), again.memberIds());
        assertEquals(List.of("c1"), chats.chatsOf("bob"));
        assertEquals(List.of("c1"), chats.chatsOf("alice"));
    }

    @Test
    void addingPastTheLimitIsRefusedButReAddingPresentMembersIsNot() {
        chats.create("c1", "", List.of("a", "b"));

        assertInvalid(() -> chats.addMembers("c1", List.of("c", "d")), "two newcomers to a chat with one free place");
        assertEquals(Set.of("a", "b"), chats.get("c1").memberIds());
        assertEquals(List.of(), chats.chatsOf("c"));

        // Present members plus one newcomer fill the chat exactly.
        assertEquals(Set.of("a", "b", "c"), chats.addMembers("c1", List.of("a", "b", "c")).memberIds());
    }

    @Test
    void removingMembersIsIdempotentAndReflectedInChatsOf() {
        chats.create("c1", "", List.of("alice", "bob"));
        chats.create("c2", "", List.of("bob"));

        chats.removeMembers("c1", List.of("bob"));
        Chat again = chats.removeMembers("c1", List.of("bob", "nobody"));

        assertEquals(Set.of("alice"), again.memberIds());
        assertEquals(List.of("c2"), chats.chatsOf("bob"));
        assertEquals(List.of("c1"), chats.chatsOf("alice"));
    }

    @Test
    void chatsOfListsTheUsersChatsSorted() {
        chats.create("zeta", "", List.of("alice"));
        chats.create("alpha", "", List.of("alice"));
        chats.create("mid", "", List.of("bob"));
        chats.addMembers("mid", List.of("alice"));

        assertEquals(List.of("alpha", "mid", "zeta"), chats.chatsOf("alice"));
        assertEquals(List.of(), chats.chatsOf("stranger"));
        assertInvalid(() -> chats.chatsOf("bad id"), "malformed user id");
    }

    @Test
    void changingMembersOfAnUnknownChatIsNotFound() {
        ServiceException add = assertThrows(ServiceException.class, () -> chats.addMembers("ghost", List.of("alice")));
        ServiceException remove = assertThrows(ServiceException.class,
                () -> chats.removeMembers("ghost", List.of("alice")));
        ServiceException get = assertThrows(ServiceException.class, () -> chats.get("ghost"));

        assertEquals(ServiceException.Kind.NOT_FOUND, add.kind());
        assertEquals(ServiceException.Kind.NOT_FOUND, remove.kind());
        assertEquals(ServiceException.Kind.NOT_FOUND, get.kind());
        assertEquals(List.of(), chats.chatsOf("alice"), "no index entry for a chat that does not exist");
        assertTrue(redis.keys("*").isEmpty());
    }

    @Test
    void joinPassesForMembersOnly() {
        chats.create("c1", "", List.of("alice"));

        chats.join("c1", "alice");
        assertThrows(ServiceException.class, () -> chats.join("c1", "bob"));

        chats.addMembers("c1", List.of("bob"));
        chats.join("c1", "bob");
        chats.removeMembers("c1", List.of("alice"));
        assertThrows(ServiceException.class, () -> chats.join("c1", "alice"));
    }

    @Test
    void nonMembersAndUnknownChatsAreRefusedWithTheSameMessage() {
        chats.create("c1", "", List.of("alice"));
        // Same id length for both, so even the message length says nothing.
        ServiceException existing = assertThrows(ServiceException.class, () -> chats.join("c1", "bob"));
        ServiceException unknown = assertThrows(ServiceException.class, () -> chats.join("c2", "bob"));

        assertEquals(ServiceException.Kind.PERMISSION_DENIED, existing.kind());
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, unknown.kind());
        assertEquals(existing.getMessage().replace("c1", "<chat>"), unknown.getMessage().replace("c2", "<chat>"));
    }

    @Test
    void joinRefusesAMalformedChatIdAsInvalid() {
        assertInvalid(() -> chats.join("bad id", "alice"), "malformed chat id");
    }

    private static void assertInvalid(Executable call, String what) {
        ServiceException e = assertThrows(ServiceException.class, call, what + " should be refused");
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind(), what);
    }
}
