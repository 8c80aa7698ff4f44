package io.sup.realtime.messaging.typing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Typing on a real Redis with a clock the test moves: a start is announced once however
 * often it is refreshed, and every start ends in exactly one stop — asked for, expired, or
 * because the connection closed — after which nothing is left stored.
 */
class TypingStartsOnceAndAlwaysStopsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Actor ALICE = new Actor("alice", "a1", "gw.1");
    private static final Actor BOB = new Actor("bob", "b1", "gw.2");

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final List<String> told = new CopyOnWriteArrayList<>();
    private final MovableClock clock = new MovableClock();
    private UnifiedJedis redis;
    private TypingService typing;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        ChatService chats = new ChatService(new ChatStore(redis), 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults());
        chats.create("c1", "", List.of("alice", "bob"));
        typing = new TypingService(chats, new TypingStore(redis), new TypingEvents() {
            @Override
            public void started(Typist typist) {
                told.add("typing " + typist.userId() + "@" + typist.connectionId());
            }

            @Override
            public void stopped(Typist typist) {
                told.add("stop " + typist.userId() + "@" + typist.connectionId());
            }
        }, TTL, clock);
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void refreshesDoNotRepeatTheStartAndAStopIsAnnouncedOnce() {
        typing.start(ALICE, "c1");
        typing.start(ALICE, "c1");
        typing.stop(ALICE, "c1");
        typing.stop(ALICE, "c1");

        assertEquals(List.of("typing alice@gw.1", "stop alice@gw.1"), told);
        assertEquals(0, redis.zcard(MessagingKeys.typing()));
    }

    @Test
    void aTypistThatStopsRefreshingExpires() {
        typing.start(ALICE, "c1");
        clock.advance(TTL.minusMillis(1));
        typing.start(BOB, "c1");
        assertEquals(0, typing.expire());

        clock.advance(Duration.ofMillis(2));
        assertEquals(1, typing.expire());
        assertEquals(List.of("typing alice@gw.1", "typing bob@gw.2", "stop alice@gw.1"), told);
        assertEquals(0, typing.expire(), "expired once");
    }

    @Test
    void aRefreshPushesTheExpiryBack() {
        typing.start(ALICE, "c1");
        clock.advance(TTL.minusSeconds(1));
        typing.start(ALICE, "c1");
        clock.advance(Duration.ofSeconds(2));

        assertEquals(0, typing.expire());
    }

    @Test
    void aClosedConnectionStopsWhatItWasTyping() {
        typing.start(ALICE, "c1");
        typing.start(BOB, "c1");

        typing.closed(new ConnectionRef("alice", "gw.1"));

        assertEquals(List.of("typing alice@gw.1", "typing bob@gw.2", "stop alice@gw.1"), told);
        assertEquals(1, redis.zcard(MessagingKeys.typing()));
    }

    @Test
    void nonMembersAndUnknownChatsAreRefusedAndStoreNothing() {
        Actor mallory = new Actor("mallory", "m1", "gw.9");
        assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                assertThrows(ServiceException.class, () -> typing.start(mallory, "c1")).kind());
        assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                assertThrows(ServiceException.class, () -> typing.start(ALICE, "nope")).kind());
        assertEquals(List.of(), told);
        assertEquals(0, redis.zcard(MessagingKeys.typing()));
    }
}
