package io.sup.realtime.notification.push;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead letters on a real Redis: what is kept (never the token), read on from a cursor, bounded. */
class DeadLettersAreCappedAndReadOnFromACursorTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:05.250Z");
    private static final String TOKEN = "apns-token-0f1e2d3c4b5a";

    private static UnifiedJedis redis;

    @BeforeAll
    static void connect() {
        redis = REDIS.client();
    }

    @Test
    void aDeadLetterKeepsWhoWhatAndWhyButNotTheToken() {
        DeadLetters dead = new DeadLetters(redis, 100, Clock.fixed(NOW, ZoneOffset.UTC));
        String id = dead.record(TestPushes.push("push-9", "apns", TOKEN), new PushOutcome.Failed(5, "http 503"));

        assertEquals(List.of(new DeadLetter(id, "push-9", "ann", "phone-1", "apns", "n-7", 5, "http 503", NOW)),
                dead.list(Optional.empty(), 10));
        assertTokenNowhere();
    }

    @Test
    void anErrorThatQuotesTheTokenIsStoredWithoutIt() {
        DeadLetters dead = new DeadLetters(redis, 100, Clock.fixed(NOW, ZoneOffset.UTC));
        dead.record(TestPushes.push("push-1", "fcm", TOKEN),
                new PushOutcome.Failed(1, "refused token " + TOKEN + " (again: " + TOKEN + ")"));
        dead.record(TestPushes.push("push-2", "fcm", TOKEN), new PushOutcome.Failed(1, "x".repeat(1000)));

        List<DeadLetter> letters = dead.list(Optional.empty(), 10);
        assertEquals("refused token <token> (again: <token>)", letters.get(0).error());
        assertEquals(256, letters.get(1).error().length(), "long errors are cut");
        assertTokenNowhere();
    }

    @Test
    void pagesGoOnAfterTheLastIdOldestFirst() {
        DeadLetters dead = new DeadLetters(redis, 100, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            dead.record(TestPushes.push("push-" + i, "webhook", TOKEN), new PushOutcome.Failed(3, "timeout"));
        }
        List<String> seen = new ArrayList<>();
        Optional<String> after = Optional.empty();
        List<DeadLetter> page;
        while (!(page = dead.list(after, 2)).isEmpty()) {
            page.forEach(d -> seen.add(d.pushId()));
            after = Optional.of(page.getLast().id());
        }
        assertEquals(List.of("push-0", "push-1", "push-2", "push-3", "push-4"), seen);
    }

    @Test
    void theStreamStaysNearItsBound() {
        DeadLetters dead = new DeadLetters(redis, 10, Clock.systemUTC());
        for (int i = 0; i < 1_000; i++) {
            dead.record(TestPushes.push("push-" + i, "webhook", TOKEN), new PushOutcome.Failed(1, "http 400"));
        }
        long kept = redis.xlen(NotificationKeys.deadLetters());
        // MAXLEN ~ trims whole stream nodes (stream-node-max-entries, 100 by default)
        assertTrue(kept >= 10 && kept <= 10 + 100, "kept " + kept);
        List<DeadLetter> letters = dead.list(Optional.empty(), DeadLetters.MAX_PAGE);
        assertEquals("push-999", letters.getLast().pushId(), "the newest are the ones kept");
    }

    @Test
    void badPagesAreRefused() {
        DeadLetters dead = new DeadLetters(redis, 10, Clock.systemUTC());
        assertThrows(ServiceException.class, () -> dead.list(Optional.empty(), 0));
        assertThrows(ServiceException.class, () -> dead.list(Optional.empty(), DeadLetters.MAX_PAGE + 1));
        for (String bad : List.of("not-an-id", "1-", "-1", "18446744073709551616-0", "1-2-3")) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                    assertThrows(ServiceException.class, () -> dead.list(Optional.of(bad), 10)).kind(), bad);
        }
        assertEquals(List.of(), dead.list(Optional.empty(), 10), "none yet");
        assertEquals(List.of(), dead.list(Optional.of("18446744073709551615-18446744073709551615"), 10),
                "nothing follows the largest id");
    }

    private static void assertTokenNowhere() {
        for (StreamEntry e : redis.xrange(NotificationKeys.deadLetters(), "-", "+", 1_000)) {
            e.getFields().forEach((field, value) -> assertFalse(value.contains(TOKEN) || field.contains(TOKEN),
                    field + "=" + value));
        }
    }
}
