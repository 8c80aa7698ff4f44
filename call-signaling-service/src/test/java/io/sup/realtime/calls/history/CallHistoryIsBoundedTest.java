package io.sup.realtime.calls.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.calls.CallKeys;
import io.sup.realtime.calls.signalling.Call;
import io.sup.realtime.calls.signalling.CallState;
import io.sup.realtime.calls.signalling.CallType;
import io.sup.realtime.calls.signalling.EndReason;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Call history and missed calls on a real Redis: each party's entries with the outcome it
 * saw, bounded in count and age, paged newest first; missed calls read on from a cursor.
 */
class CallHistoryIsBoundedTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static UnifiedJedis redis;

    @BeforeAll
    static void connect() {
        redis = REDIS.settings().newClient();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void eachPartySeesItsOwnOutcomeAndDuration() {
        CallHistory history = history(10, Duration.ofDays(90), NOW);
        long t = NOW.toEpochMilli() - 60_000;
        history.record(ended("c-answered", "ann", "ben", t, Optional.of(t + 5_000), t + 65_000, EndReason.HANGUP));
        history.record(ended("c-missed", "ann", "ben", t + 1, Optional.empty(), t + 9_000, EndReason.TIMEOUT));
        history.record(ended("c-declined", "ben", "ann", t + 2, Optional.empty(), t + 3_000, EndReason.REJECTED));

        List<HistoryEntry> ann = entries(history, "ann", 10, Optional.empty());
        assertEquals(List.of("c-declined", "c-missed", "c-answered"), ann.stream().map(HistoryEntry::callId).toList());
        assertEquals(List.of("rejected", "no_answer", "completed"), ann.stream().map(HistoryEntry::outcome).toList());
        assertEquals(60_000, ann.getLast().durationMs());
        assertEquals(List.of("rejected", "missed", "completed"),
                entries(history, "ben", 10, Optional.empty()).stream().map(HistoryEntry::outcome).toList());
        assertEquals(List.of("c-missed"), history.missedAfter(Optional.empty(), 1000).stream()
                .filter(m -> m.calleeId().equals("ben")).map(MissedCall::callId).toList(), "declined calls are not missed");
    }

    @Test
    void historyKeepsTheNewestEntriesWithinTheCountAndAgeAndPagesBackwards() {
        CallHistory history = history(5, Duration.ofDays(30), NOW);
        long start = NOW.toEpochMilli() - 40 * DAY;
        for (int day = 0; day < 40; day++) { // one call a day, the oldest first
            long t = start + day * DAY;
            history.record(ended("d" + day, "cat", "dan", t, Optional.of(t + 1), t + 10, EndReason.HANGUP));
        }
        List<HistoryEntry> page = entries(history, "cat", 3, Optional.empty());
        assertEquals(List.of("d39", "d38", "d37"), page.stream().map(HistoryEntry::callId).toList());
        assertEquals(List.of("d36", "d35"), entries(history, "cat", 3, Optional.of(page.getLast().startedAt())).stream()
                .map(HistoryEntry::callId).toList(), "five kept");
        assertEquals(5, redis.zcard(CallKeys.history("cat")));
        assertTrue(redis.pttl(CallKeys.history("cat")) > 0, "the key expires when unused");

        CallHistory later = history(5, Duration.ofDays(30), NOW.plus(Duration.ofDays(27)));
        assertEquals(List.of("d39", "d38"), entries(later, "cat", 10, Optional.empty()).stream().map(HistoryEntry::callId).toList(),
                "entries older than the retention are not answered");
        assertThrows(ServiceException.class, () -> entries(history, "cat", 0, Optional.empty()));
        assertThrows(ServiceException.class, () -> entries(history, "not valid", 5, Optional.empty()));
    }

    @Test
    void missedCallsAreReadOnFromACursor() {
        CallHistory history = history(10, Duration.ofDays(90), NOW);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            history.record(ended("m" + i, "eve", "fay", NOW.toEpochMilli() + i, Optional.empty(),
                    NOW.toEpochMilli() + 100, EndReason.CANCELLED));
        }
        List<MissedCall> fays = history.missedAfter(Optional.empty(), 1000).stream().filter(m -> m.calleeId().equals("fay")).toList();
        assertEquals(List.of("m0", "m1", "m2", "m3"), fays.stream().map(MissedCall::callId).toList());
        fays.forEach(m -> ids.add(m.id()));
        assertEquals(List.of("m2", "m3"), history.missedAfter(Optional.of(ids.get(1)), 1000).stream()
                .map(MissedCall::callId).toList());
        assertEquals("cancelled", fays.getFirst().reason());
        assertThrows(ServiceException.class, () -> history.missedAfter(Optional.of("not-a-stream-id"), 10));
        assertThrows(ServiceException.class, () -> history.missedAfter(Optional.empty(), 0));
    }

    @Test
    void pagesGoOnFromTheLastEntryEvenWhenManyShareAStartTime() {
        CallHistory history = history(100, Duration.ofDays(90), NOW);
        long t = NOW.toEpochMilli() - 1_000;
        for (int i = 0; i < 7; i++) { // seven calls to one callee in the same millisecond
            history.record(ended("same-" + i, "caller" + i, "gus", t, Optional.empty(), t + 5, EndReason.BUSY));
        }
        history.record(ended("older", "hal", "gus", t - 1, Optional.empty(), t + 5, EndReason.TIMEOUT));
        for (int limit : new int[] {1, 2, 3, 8}) {
            List<String> seen = new ArrayList<>();
            Optional<String> token = Optional.empty();
            int pages = 0;
            do {
                CallHistory.Page page = history.list("gus", limit, Optional.empty(), token);
                page.entries().forEach(e -> seen.add(e.callId()));
                token = page.nextPageToken();
                pages++;
            } while (token.isPresent());
            assertEquals(8, seen.size(), "limit " + limit + ": " + seen);
            assertEquals(8, new java.util.HashSet<>(seen).size(), "none twice, limit " + limit);
            assertEquals("older", seen.getLast());
            assertEquals((8 + limit - 1) / limit, pages, "no empty last page, limit " + limit);
        }
        assertThrows(ServiceException.class, () -> history.list("gus", 5, Optional.empty(), Optional.of("bm90IGFuIGVudHJ5")));
    }

    private static List<HistoryEntry> entries(CallHistory history, String user, int limit, Optional<Long> before) {
        return history.list(user, limit, before, Optional.empty()).entries();
    }

    private static CallHistory history(int maxEntries, Duration retention, Instant now) {
        return new CallHistory(redis, maxEntries, retention, 1_000, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Call ended(String id, String caller, String callee, long createdAt, Optional<Long> answeredAt,
                              long endedAt, EndReason reason) {
        return new Call(id, caller, "gw-1.x-1", callee, CallType.AUDIO, CallState.ENDED, answeredAt.map(a -> "gw-2.x-1"),
                Optional.of(reason), createdAt, answeredAt, Optional.of(endedAt), createdAt + 45_000);
    }
}
