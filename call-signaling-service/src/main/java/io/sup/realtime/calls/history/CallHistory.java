package io.sup.realtime.calls.history;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sup.realtime.calls.CallKeys;
import io.sup.realtime.calls.signalling.Call;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.platform.redis.StreamCursor;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Who called whom: each party's history ({@link CallKeys#history}, bounded in count and age)
 * and the missed calls ({@link CallKeys#missed}, a capped stream notification-service reads
 * through {@code CallAdminService.ListMissedCalls}), both written once when a call ends.
 */
public final class CallHistory {
    private static final LuaScript PAGE = LuaScript.fromResource(CallHistory.class, "/lua/history_page.lua");
    /** Most entries in one page. */
    public static final int MAX_PAGE = 100;
    /** Most missed calls in one read. */
    public static final int MAX_MISSED_PAGE = 1_000;

    private final UnifiedJedis redis;
    private final int maxEntries;
    private final Duration retention;
    private final int maxMissed;
    private final Clock clock;

    /**
     * @param redis      the call service's Redis
     * @param maxEntries most entries kept per user
     * @param retention  how long an entry is kept
     * @param maxMissed  about how many missed calls are kept (trimmed approximately, for speed)
     * @param clock      the service's clock
     */
    public CallHistory(UnifiedJedis redis, int maxEntries, Duration retention, int maxMissed, Clock clock) {
        this.redis = redis;
        this.maxEntries = maxEntries;
        this.retention = retention;
        this.maxMissed = maxMissed;
        this.clock = clock;
    }

    /** Records an ended call for both parties, and as missed when the callee did not answer or decline. */
    public void record(Call ended) {
        long oldest = clock.millis() - retention.toMillis();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String user : List.of(ended.callerId(), ended.calleeId())) {
                String key = CallKeys.history(user);
                pipeline.zadd(key, ended.createdAt(), HistoryEntry.of(ended, user).encode());
                pipeline.zremrangeByScore(key, Double.NEGATIVE_INFINITY, oldest);
                pipeline.zremrangeByRank(key, 0, -(maxEntries + 1));
                pipeline.pexpire(key, retention.toMillis());
            }
            if (ended.isMissed()) {
                pipeline.xadd(CallKeys.missed(), XAddParams.xAddParams().maxLen(maxMissed).approximateTrimming(), Map.of(
                        "call", ended.id(), "caller", ended.callerId(), "callee", ended.calleeId(),
                        "type", ended.type().wireName(), "startedAt", Long.toString(ended.createdAt()),
                        "reason", ended.reason().orElseThrow().wireName()));
            }
            pipeline.sync();
        }
    }

    /**
     * One page of a user's history, newest first.
     *
     * @param entries       the page's entries
     * @param nextPageToken where the next page starts, empty when none follows
     */
    public record Page(List<HistoryEntry> entries, Optional<String> nextPageToken) {
    }

    /**
     * {@code userId}'s calls, newest first: from {@code pageToken} (a {@link Page#nextPageToken})
     * when given, else from those started before {@code before} (ms; empty: the newest).
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed id or page token, or a limit
     *     outside 1-{@value #MAX_PAGE}
     */
    public Page list(String userId, int limit, Optional<Long> before, Optional<String> pageToken) {
        if (!Ids.isValid(userId)) {
            throw ServiceException.invalidArgument("user_id is malformed");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw ServiceException.invalidArgument("limit must be 1-" + MAX_PAGE);
        }
        String after = pageToken.map(CallHistory::entryOf).orElse("");
        long oldest = clock.millis() - retention.toMillis();
        List<?> stored = (List<?>) PAGE.run(redis, List.of(CallKeys.history(userId)),
                List.of(after, before.map(b -> "(" + b).orElse("+inf"), Integer.toString(limit + 1)));
        List<String> members = stored.stream().map(String.class::cast).toList();
        List<HistoryEntry> kept = members.stream().map(HistoryEntry::decode).flatMap(Optional::stream)
                .filter(e -> e.startedAt() > oldest).toList();
        if (kept.size() <= limit) {
            return new Page(kept, Optional.empty());
        }
        List<HistoryEntry> page = kept.subList(0, limit);
        return new Page(page, Optional.of(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(page.getLast().encode().getBytes(StandardCharsets.UTF_8))));
    }

    /** The stored entry a page token names. */
    private static String entryOf(String pageToken) {
        try {
            String entry = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            if (HistoryEntry.decode(entry).isPresent()) {
                return entry;
            }
        } catch (IllegalArgumentException malformed) {
            // answered below
        }
        throw ServiceException.invalidArgument("page_token is not one this API gave");
    }

    /**
     * Missed calls recorded after {@code after} (a {@link MissedCall#id}; empty: from the oldest kept), oldest first.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed cursor or a limit outside 1-{@value #MAX_MISSED_PAGE}
     */
    public List<MissedCall> missedAfter(Optional<String> after, int limit) {
        if (limit < 1 || limit > MAX_MISSED_PAGE) {
            throw ServiceException.invalidArgument("limit must be 1-" + MAX_MISSED_PAGE);
        }
        Optional<String> start = StreamCursor.startAfter(after.orElse(""), "a missed call's id");
        List<StreamEntry> entries = start.map(s -> redis.xrange(CallKeys.missed(), s, "+", limit)).orElse(List.of());
        return entries.stream().map(e -> new MissedCall(e.getID().toString(), e.getFields().get("call"),
                e.getFields().get("caller"), e.getFields().get("callee"), e.getFields().get("type"),
                Long.parseLong(e.getFields().get("startedAt")), e.getFields().get("reason"))).toList();
    }
}
