package io.sup.realtime.notification.push;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZAddParams;

/**
 * Pushes waiting to be sent, collapsed into bursts: per user and collapse key (e.g. a chat)
 * a count and the latest notification ({@link NotificationKeys#pushPending}), and one
 * schedule of when each burst is due ({@link NotificationKeys#pushDue}). The first
 * notification of a burst sets its due time, a later one only brings it forward (high
 * priority: now); later ones join it until it is sent.
 *
 * <p>Bounded: a burst holds two fields however many notifications join it, and leaves when
 * it is sent; the per-user hash expires a day after its last write. Claiming (on the
 * schedule's slot) and taking (on the user's) are two steps because the keys are on
 * different Redis Cluster slots: a process that dies between them loses that burst's push
 * (its notifications stay stored).
 */
public final class PushSchedule {
    private static final LuaScript CLAIM = LuaScript.fromResource(PushSchedule.class, "/lua/claim_due.lua");
    private static final LuaScript TAKE = LuaScript.fromResource(PushSchedule.class, "/lua/take_burst.lua");
    private static final Duration BURST_LIFETIME = Duration.ofDays(1);

    private final UnifiedJedis redis;

    /** @param redis notification-service's Redis */
    public PushSchedule(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** A burst that is due: whose, and which collapse key. */
    public record Due(String userId, String collapseKey) {
    }

    /** A taken burst: how many notifications it holds and the latest one's id. */
    public record Burst(int count, String latestId) {
    }

    /** Adds one notification to the user's burst for {@code collapseKey}, due at {@code dueMs} unless it is due sooner. */
    public void add(String userId, String collapseKey, String notificationId, long dueMs) {
        String pending = NotificationKeys.pushPending(userId);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.hincrBy(pending, collapseKey + "\tcount", 1);
            pipeline.hset(pending, collapseKey + "\tlatest", notificationId);
            pipeline.pexpire(pending, BURST_LIFETIME.toMillis());
            // LT: a burst is due at the earliest time any of its notifications asks for (a high
            // priority one joining a waiting burst makes it due at once).
            pipeline.zadd(NotificationKeys.pushDue(), dueMs, userId + "|" + collapseKey, ZAddParams.zAddParams().lt());
            pipeline.sync();
        }
    }

    /** Claims up to {@code max} bursts due by {@code nowMs}; each is claimed once across every instance. */
    public List<Due> claimDue(long nowMs, int max) {
        List<?> members = (List<?>) CLAIM.run(redis, List.of(NotificationKeys.pushDue()),
                List.of(Long.toString(nowMs), Integer.toString(max)));
        return members.stream().map(m -> {
            String member = (String) m;
            int bar = member.indexOf('|');
            return new Due(member.substring(0, bar), member.substring(bar + 1));
        }).toList();
    }

    /** Takes a claimed burst; empty when nothing waits in it. */
    public Optional<Burst> take(Due due) {
        List<?> reply = (List<?>) TAKE.run(redis, List.of(NotificationKeys.pushPending(due.userId())),
                List.of(due.collapseKey()));
        int count = (int) (long) (Long) reply.get(0);
        return count == 0 ? Optional.empty() : Optional.of(new Burst(count, (String) reply.get(1)));
    }
}
