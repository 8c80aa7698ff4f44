package io.sup.realtime.messaging.reactions;

import java.time.Clock;
import java.time.Duration;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactions on a real Redis: exactly one RGI emoji (sequences included, ❤ and ❤️ the same),
 * one per user, emoji and message, idempotent, members only, counted with who reacted.
 */
class ReactionsAreOneEmojiPerUserTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final List<String> told = new CopyOnWriteArrayList<>();
    private UnifiedJedis redis;
    private ReactionService reactions;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        Clock clock = Clock.systemUTC();
        ChatStore chatStore = new ChatStore(redis);
        new ChatService(chatStore, 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults()).create("c1", "", List.of("alice", "bob"));
        new MessageService(chatStore, new MessageStore(redis, 100, Duration.ofHours(1)), (m, r, c, ahead) -> List.of(),
                DroppedNotifications.MESSAGES, 1_000, clock,
                TestLimits.defaults())
                .send(new Actor("alice", "a1", "gw.1"), "c1", "text", "hello", "");
        reactions = new ReactionService(chatStore, new ReactionStore(redis, Duration.ofDays(90)),
                (chat, message, emoji, user, added, members) ->
                        told.add((added ? "new " : "remove ") + emoji + " by " + user + " to " + members.size()),
                TestLimits.defaults());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "1️⃣", "❤️", "🇫🇷", "🫠"})
    void everyKindOfSingleEmojiIsAccepted(String emoji) {
        assertEquals(emoji, reactions.change("c1", "1", "bob", emoji, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"🏽", "\u200D", "👍👍", "a", "1", "", "👍 ", ":+1:", "\uD83D"})
    void anythingButExactlyOneEmojiIsRefused(String notOneEmoji) {
        assertEquals("a reaction is exactly one emoji", assertThrows(ServiceException.class,
                () -> reactions.change("c1", "1", "bob", notOneEmoji, true)).getMessage());
    }

    @Test
    void heartWithAndWithoutVariationSelectorIsOneReaction() {
        assertEquals("❤️", reactions.change("c1", "1", "bob", "❤", true));
        reactions.change("c1", "1", "bob", "❤️", true);

        List<Reaction> on = reactions.of("c1", "1", "alice");
        assertEquals(List.of(new Reaction("❤️", List.of("bob"))), on);
        assertEquals(List.of("new ❤️ by bob to 2"), told, "the repeat changed nothing and announced nothing");
    }

    @Test
    void countsAndWhoReactedMostUsedFirst() {
        reactions.change("c1", "1", "alice", "👍", true);
        reactions.change("c1", "1", "bob", "👍", true);
        reactions.change("c1", "1", "bob", "🎉", true);

        List<Reaction> on = reactions.of("c1", "1", "bob");
        assertEquals(new Reaction("👍", List.of("alice", "bob")), on.get(0));
        assertEquals(2, on.get(0).count());
        assertEquals(new Reaction("🎉", List.of("bob")), on.get(1));

        reactions.change("c1", "1", "bob", "👍", false);
        reactions.change("c1", "1", "bob", "👍", false);
        assertEquals(new Reaction("👍", List.of("alice")), reactions.of("c1", "1", "bob").stream()
                .filter(r -> r.emoji().equals("👍")).findFirst().orElseThrow());
        assertEquals(List.of("new 👍 by alice to 2", "new 👍 by bob to 2", "new 🎉 by bob to 2", "remove 👍 by bob to 2"), told);
        assertTrue(redis.pttl("msg:{c1}:reactions:1") > 0, "reactions are bounded in time");
    }

    @Test
    void membersOnlyAndMessagesOfTheChatOnly() {
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, assertThrows(ServiceException.class,
                () -> reactions.change("c1", "1", "mallory", "👍", true)).kind());
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, assertThrows(ServiceException.class,
                () -> reactions.of("c1", "1", "mallory")).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> reactions.change("c1", "7", "bob", "👍", true)).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> reactions.change("c1", "x", "bob", "👍", true)).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> reactions.of("c1", "7", "bob")).kind(), "no such message: no reactions to show");
        assertEquals(List.of(), told);
    }
}
