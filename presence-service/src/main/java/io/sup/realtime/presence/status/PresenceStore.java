package io.sup.realtime.presence.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.sup.realtime.platform.expiry.Moment;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.presence.PresenceKeys;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Presence in Redis (keyspace {@code presence:}, see {@link PresenceKeys} for each key and
 * its bound): per-connection records with an expiry that alive reports extend, aggregated per
 * user by the scripts under {@code lua/} (the {@code presence.lua} prelude decides what others
 * see), and the sweep's schedule {@link PresenceKeys#due}.
 *
 * <p>Every write of a report also schedules the user on {@code presence:due} in the same
 * round trip (a plain ZADD of the time the report's record would expire, or its grace period
 * end): the sweep looks at a user only when reports stopped. It reschedules a user only if
 * the entry is still the one it read ({@code reschedule.lua}), so a report that ran meanwhile
 * wins; when a script's own answer needs an earlier look, that is written too.
 */
public final class PresenceStore {
    private static final String PRELUDE = "/lua/presence.lua";
    private static final LuaScript ALIVE = LuaScript.fromResources(PresenceStore.class, PRELUDE, "/lua/connections_alive.lua");
    private static final LuaScript CLOSED = LuaScript.fromResources(PresenceStore.class, PRELUDE, "/lua/connection_closed.lua");
    private static final LuaScript SETTLE = LuaScript.fromResources(PresenceStore.class, PRELUDE, "/lua/settle.lua");
    private static final LuaScript UPDATE = LuaScript.fromResources(PresenceStore.class, RateLimiter.PRELUDE, PRELUDE,
            "/lua/update_presence.lua");
    private static final LuaScript RESCHEDULE = LuaScript.fromResource(PresenceStore.class, "/lua/reschedule.lua");

    private final UnifiedJedis redis;
    private final Duration connectionTtl;
    private final Duration grace;
    private final Duration retention;

    /**
     * @param redis         the presence service's Redis
     * @param connectionTtl how long a connection counts after its last report
     * @param grace         how long a user stays as shown after the last connection closed
     * @param retention     how long a user's status, custom status and last seen are kept unused
     */
    public PresenceStore(UnifiedJedis redis, Duration connectionTtl, Duration grace, Duration retention) {
        this.redis = redis;
        this.connectionTtl = connectionTtl;
        this.grace = grace;
        this.retention = retention;
    }

    /** What an update did. */
    sealed interface UpdateOutcome {
        /** The rate limit refused it; nothing changed. */
        record RateLimited(long retryAfterMs) implements UpdateOutcome {
        }

        /** The connection it came through has closed already; nothing changed. */
        record ConnectionClosed() implements UpdateOutcome {
        }

        /** Stored. */
        record Done(Settled settled) implements UpdateOutcome {
        }
    }

    /**
     * Opened and alive reports: each user's listed connections count for another connection
     * lifetime (unless closed), in one round trip for the whole batch.
     *
     * @param connectionsByUser user id -> connection ids of that user
     */
    List<Settled> alive(Map<String, List<String>> connectionsByUser, Moment at) {
        long now = at.now();
        List<Supplier<Object>> replies = new ArrayList<>(connectionsByUser.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            connectionsByUser.forEach((userId, ids) -> {
                List<String> keys = new ArrayList<>(userKeys(userId));
                ids.forEach(id -> keys.add(PresenceKeys.subscriptions(userId, id)));
                List<String> args = new ArrayList<>(List.of(Long.toString(now), Long.toString(at.cutoff()),
                        ms(connectionTtl), ms(retention)));
                args.addAll(ids);
                replies.add(ALIVE.queue(redis, pipeline, keys, args));
                pipeline.zadd(PresenceKeys.due(), now + connectionTtl.toMillis(), userId);
            });
            pipeline.sync();
        }
        List<Settled> settled = new ArrayList<>(replies.size());
        int i = 0;
        for (String userId : connectionsByUser.keySet()) {
            settled.add(Settled.from(userId, (List<?>) replies.get(i++).get()));
        }
        scheduleEarlier(settled, now + connectionTtl.toMillis());
        return settled;
    }

    /** A connection closed: it stops counting, and a last one starts the grace period. */
    Settled closed(String userId, String connectionId, Moment at) {
        long now = at.now();
        Supplier<Object> reply;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            reply = CLOSED.queue(redis, pipeline, userKeys(userId), List.of(Long.toString(now),
                    Long.toString(at.cutoff()), ms(connectionTtl), ms(grace), ms(retention), connectionId));
            pipeline.zadd(PresenceKeys.due(), now + grace.toMillis(), userId);
            pipeline.sync();
        }
        Settled settled = Settled.from(userId, (List<?>) reply.get());
        scheduleEarlier(List.of(settled), now + grace.toMillis());
        return settled;
    }

    /**
     * Sets the user's status and, when {@code custom} is present, custom status ("" clears
     * it), if {@code check} allows; the connection counts as alive.
     */
    UpdateOutcome update(String userId, String connectionId, Status status, Optional<String> custom, RateCheck check,
                         Moment at) {
        long now = at.now();
        Supplier<Object> reply;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            reply = UPDATE.queue(redis, pipeline, check.keys(userKeys(userId)), check.args(List.of(Long.toString(now),
                    Long.toString(at.cutoff()), ms(connectionTtl), ms(retention), connectionId, status.wireName(),
                    custom.isPresent() ? "1" : "0", custom.orElse(""))));
            pipeline.zadd(PresenceKeys.due(), now + connectionTtl.toMillis(), userId);
            pipeline.sync();
        }
        List<?> answer = (List<?>) reply.get();
        long code = answer.get(0) instanceof Long l ? l : 0;
        if (code == -3) {
            return new UpdateOutcome.RateLimited((Long) answer.get(1));
        }
        if (code == -4) {
            return new UpdateOutcome.ConnectionClosed();
        }
        Settled settled = Settled.from(userId, answer);
        scheduleEarlier(List.of(settled), now + connectionTtl.toMillis());
        return new UpdateOutcome.Done(settled);
    }

    /** A user the sweep is to look at, with the schedule entry it read. */
    record Due(String userId, double score) {
    }

    /** Up to {@code limit} users whose next check is at or before {@code now}. */
    List<Due> due(long now, int limit) {
        return redis.zrangeByScoreWithScores(PresenceKeys.due(), Double.NEGATIVE_INFINITY, now, 0, limit).stream()
                .map((Tuple t) -> new Due(t.getElement(), t.getScore())).toList();
    }

    /** The sweep's look at each due user: expired connections leave, ended grace periods end; then reschedules. */
    List<Settled> settle(List<Due> due, Moment at) {
        long now = at.now();
        List<Supplier<Object>> replies = new ArrayList<>(due.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Due d : due) {
                replies.add(SETTLE.queue(redis, pipeline,
                        List.of(PresenceKeys.connections(d.userId()), PresenceKeys.state(d.userId())),
                        List.of(Long.toString(now), Long.toString(at.cutoff()), ms(connectionTtl))));
            }
            pipeline.sync();
        }
        List<Settled> settled = new ArrayList<>(due.size());
        List<Supplier<Object>> rescheduled = new ArrayList<>(due.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < due.size(); i++) {
                Settled s = Settled.from(due.get(i).userId(), (List<?>) replies.get(i).get());
                settled.add(s);
                // While recovering, a record past its expiry is looked at again once expiries count.
                long next = s.nextCheckMs() >= 0 && s.nextCheckMs() <= now ? Math.max(at.notBefore(), now + 1)
                        : s.nextCheckMs();
                rescheduled.add(RESCHEDULE.queue(redis, pipeline, List.of(PresenceKeys.due()), List.of(s.userId(),
                        Long.toString((long) due.get(i).score()), Long.toString(next))));
            }
            pipeline.sync();
        }
        rescheduled.forEach(Supplier::get); // a script Redis did not know yet runs here
        return settled;
    }

    /**
     * The presence stored for each user, in order ({@link Presence#unknown} for a user with
     * nothing stored); {@code now} stands in as last seen for connected users.
     */
    public List<Presence> read(List<String> userIds, long now) {
        Map<String, Response<List<String>>> replies = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String userId : userIds) {
                replies.put(userId, pipeline.hmget(PresenceKeys.state(userId), "shown", "lastSeen", "custom"));
            }
            pipeline.sync();
        }
        List<Presence> presences = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            List<String> fields = replies.get(userId).get();
            Status shown = Status.fromWire(fields.get(0)).orElse(Status.OFFLINE);
            presences.add(Presence.of(userId, shown,
                    Optional.ofNullable(fields.get(1)).map(Long::parseLong), Optional.ofNullable(fields.get(2)), now));
        }
        return presences;
    }

    /** When a script found that a user needs a look before the time just scheduled, schedule that. */
    private void scheduleEarlier(List<Settled> settled, long scheduled) {
        List<Settled> earlier = settled.stream().filter(s -> s.nextCheckMs() >= 0 && s.nextCheckMs() < scheduled).toList();
        if (earlier.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            earlier.forEach(s -> pipeline.zadd(PresenceKeys.due(), s.nextCheckMs(), s.userId(),
                    ZAddParams.zAddParams().lt()));
            pipeline.sync();
        }
    }

    private static List<String> userKeys(String userId) {
        return List.of(PresenceKeys.connections(userId), PresenceKeys.closed(userId), PresenceKeys.state(userId));
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }
}
