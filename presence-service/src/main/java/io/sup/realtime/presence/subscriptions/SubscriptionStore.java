package io.sup.realtime.presence.subscriptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.presence.PresenceKeys;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Subscriptions in Redis, kept from both sides so that each question is one key's: the users
 * a connection watches ({@link PresenceKeys#subscriptions}, for releasing them when it closes)
 * and who watches a user ({@link PresenceKeys#watchers}, for telling them of a change). Each
 * side is on its own user's slot, so they are written one after the other; a watcher entry
 * left behind by a failure between the two (or by a subscription racing its connection's
 * close) is dropped at the watched user's next change, since its connection no longer lives.
 */
public final class SubscriptionStore {
    private static final LuaScript SUBSCRIBE = LuaScript.fromResources(SubscriptionStore.class, "/lua/presence.lua",
            "/lua/subscribe.lua");

    private final UnifiedJedis redis;
    private final Duration connectionTtl;
    private final Duration retention;

    /**
     * @param redis         the presence service's Redis
     * @param connectionTtl how long a connection counts after its last report
     * @param retention     how long subscription keys outlast their last use (a safety net:
     *                      they are deleted when their connection closes or expires)
     */
    public SubscriptionStore(UnifiedJedis redis, Duration connectionTtl, Duration retention) {
        this.redis = redis;
        this.connectionTtl = connectionTtl;
        this.retention = retention;
    }

    /** What a subscription did. */
    sealed interface Outcome {
        /** The connection has closed already; nothing recorded. */
        record ConnectionClosed() implements Outcome {
        }

        /** The connection holds {@code held} subscriptions: the new ones would pass its bound. */
        record TooMany(long held) implements Outcome {
        }

        /** Recorded. */
        record Done() implements Outcome {
        }
    }

    /** A subscriber connection, as a watcher entry names it. */
    record Watcher(String connectionId, String userId) {
        String member() {
            return connectionId + " " + userId;
        }

        static Watcher parse(String member) {
            int space = member.indexOf(' ');
            return new Watcher(member.substring(0, space), member.substring(space + 1));
        }
    }

    /** Subscribes {@code subscriber}'s connection to {@code userIds} (non-empty), within {@code most}. */
    Outcome subscribe(Watcher subscriber, List<String> userIds, int most, long now) {
        List<String> args = new ArrayList<>(List.of(Long.toString(now), Long.toString(connectionTtl.toMillis()),
                subscriber.connectionId(), Integer.toString(most), Long.toString(retention.toMillis())));
        args.addAll(userIds);
        Object reply = SUBSCRIBE.run(redis, List.of(PresenceKeys.connections(subscriber.userId()),
                PresenceKeys.closed(subscriber.userId()),
                PresenceKeys.subscriptions(subscriber.userId(), subscriber.connectionId())), args);
        if (reply instanceof List<?> refused) {
            return (Long) refused.get(0) == -4 ? new Outcome.ConnectionClosed() : new Outcome.TooMany((Long) refused.get(1));
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            userIds.forEach(u -> {
                pipeline.sadd(PresenceKeys.watchers(u), subscriber.member());
                pipeline.pexpire(PresenceKeys.watchers(u), retention.toMillis());
            });
            pipeline.zadd(PresenceKeys.due(), now + connectionTtl.toMillis(), subscriber.userId());
            pipeline.sync();
        }
        return new Outcome.Done();
    }

    /** Ends {@code subscriber}'s subscriptions to {@code userIds}, in the round trip that runs {@code check}. */
    void unsubscribe(Watcher subscriber, List<String> userIds, RateCheck check) {
        check.alongside(redis, pipeline -> {
            pipeline.srem(PresenceKeys.subscriptions(subscriber.userId(), subscriber.connectionId()),
                    userIds.toArray(String[]::new));
            userIds.forEach(u -> pipeline.srem(PresenceKeys.watchers(u), subscriber.member()));
            return () -> null;
        });
    }

    /** Ends every subscription of {@code subscriber}'s connection; its keys are gone afterwards. */
    void release(Watcher subscriber) {
        String subscriptions = PresenceKeys.subscriptions(subscriber.userId(), subscriber.connectionId());
        Set<String> watched = redis.smembers(subscriptions);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            watched.forEach(u -> pipeline.srem(PresenceKeys.watchers(u), subscriber.member()));
            pipeline.del(subscriptions);
            pipeline.sync();
        }
    }

    /**
     * The connections watching {@code userId} that still live (their user's connection record
     * expires after {@code cutoff}); entries of connections that no longer live are removed.
     */
    List<Watcher> liveWatchers(String userId, long cutoff) {
        List<Watcher> watchers = redis.smembers(PresenceKeys.watchers(userId)).stream().map(Watcher::parse).toList();
        if (watchers.isEmpty()) {
            return watchers;
        }
        List<Response<Double>> expiries = new ArrayList<>(watchers.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            watchers.forEach(w -> expiries.add(pipeline.zscore(PresenceKeys.connections(w.userId()), w.connectionId())));
            pipeline.sync();
        }
        List<Watcher> live = new ArrayList<>(watchers.size());
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < watchers.size(); i++) {
            Double expiry = expiries.get(i).get();
            if (expiry != null && expiry > cutoff) {
                live.add(watchers.get(i));
            } else {
                gone.add(watchers.get(i).member());
            }
        }
        if (!gone.isEmpty()) {
            redis.srem(PresenceKeys.watchers(userId), gone.toArray(String[]::new));
        }
        return live;
    }
}
