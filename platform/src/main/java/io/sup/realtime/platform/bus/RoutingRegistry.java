package io.sup.realtime.platform.bus;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The routing registry: which gateway instances hold connections of a user, or connections
 * in a room. A gateway instance writes its own entries (on the first local connection of a
 * user or room, then on every {@link #refresh} heartbeat) and removes them when the last
 * local connection goes. Entries of an instance that dies stop being refreshed and drop out
 * after {@code ttl}: publishers then skip it, and the key itself expires.
 *
 * <p>Every write that changes a key's members (adds one that was not there, removes one that
 * was: the replies of {@code ZADD} and {@code ZREM} say which) is announced on
 * {@code gw:{routes}:changes} once it has been applied, for the publishers'
 * {@link RouteCache}s; re-stamping an entry is not a change. A registry built with a cache
 * reads through it.
 */
public final class RoutingRegistry {
    /** Entries refreshed per pipeline round trip. */
    private static final int BATCH = 1_000;

    private final UnifiedJedis redis;
    private final Duration ttl;
    private final Clock clock;
    private final RouteCache cache;

    /**
     * A registry that reads Redis on every look-up (the gateways, which write it).
     *
     * @param redis the client for the {@code gw:} keyspace
     * @param ttl   how long an entry lives without a refresh; refresh at least every ttl/3
     * @param clock time source (entries are scored in milliseconds since the epoch)
     */
    public RoutingRegistry(UnifiedJedis redis, Duration ttl, Clock clock) {
        this(redis, ttl, clock, null);
    }

    /**
     * A registry whose look-ups go through {@code cache} (the publishing services).
     *
     * @param cache kept routes, following the gateways' announcements; null for none
     */
    public RoutingRegistry(UnifiedJedis redis, Duration ttl, Clock clock, RouteCache cache) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
        this.cache = cache;
    }

    /**
     * Records that {@code instance} now holds a connection of {@code userId}.
     *
     * @return whether that was a change (the instance was not listed for the user), announced
     */
    public boolean addUser(String instance, String userId) {
        return stamp(instance, List.of(userId), List.of(), List.of()) > 0;
    }

    /**
     * Records that {@code instance} no longer holds any connection of {@code userId}.
     *
     * @return whether that was a change (the instance was listed for the user), announced
     */
    public boolean removeUser(String instance, String userId) {
        return remove(BusKeys.userRoutes(userId), instance);
    }

    /** Records that {@code instance} now has a connection in {@code room}. */
    public void addRoom(String instance, String room) {
        stamp(instance, List.of(), List.of(room), List.of());
    }

    /** Records that {@code instance} no longer has any connection in {@code room}. */
    public void removeRoom(String instance, String room) {
        remove(BusKeys.roomRoutes(room), instance);
    }

    /** A user with a connection in a room. */
    public record RoomUser(String room, String userId) {
    }

    /** Records that {@code instance} has a connection of {@code userId} in {@code room}. */
    public void addRoomUser(String instance, String room, String userId) {
        stamp(instance, List.of(), List.of(), List.of(new RoomUser(room, userId)));
    }

    /** Records that {@code instance} has no connection of {@code userId} in {@code room} any more. */
    public void removeRoomUser(String instance, String room, String userId) {
        remove(BusKeys.roomUsers(room), userId + "|" + instance);
    }

    /** The users with a live connection in {@code room} on any instance, sorted. */
    public List<String> usersIn(String room) {
        return liveInstances(List.of(BusKeys.roomUsers(room))).getFirst().stream()
                .map(entry -> entry.substring(0, entry.lastIndexOf('|')))
                .distinct().sorted().toList();
    }

    /**
     * Heartbeat: re-stamps every entry of {@code instance}, drops entries of instances that
     * stopped refreshing and extends the keys' TTL, pipelined in batches; entries that were
     * missing (new, or dropped while this instance was out of reach) are announced.
     */
    public void refresh(String instance, Collection<String> userIds, Collection<String> rooms) {
        refresh(instance, userIds, rooms, List.of());
    }

    /** {@link #refresh(String, Collection, Collection)}, also re-stamping who is in which room. */
    public void refresh(String instance, Collection<String> userIds, Collection<String> rooms,
                        Collection<RoomUser> roomUsers) {
        stamp(instance, userIds, rooms, roomUsers);
    }

    /** {@link #refresh}: the number of entries that were missing, and were announced. */
    private int stamp(String instance, Collection<String> userIds, Collection<String> rooms,
                      Collection<RoomUser> roomUsers) {
        long now = clock.millis();
        long staleBefore = now - ttl.toMillis();
        List<Map.Entry<String, String>> entries = Stream.concat(
                keys(userIds, rooms).stream().map(key -> Map.entry(key, instance)),
                roomUsers.stream().map(ru -> Map.entry(BusKeys.roomUsers(ru.room()), ru.userId() + "|" + instance)))
                .toList();
        List<String> added = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<Map.Entry<String, String>> batch = entries.subList(from, Math.min(from + BATCH, entries.size()));
            List<Response<Long>> replies = new ArrayList<>(batch.size());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (Map.Entry<String, String> entry : batch) {
                    String key = entry.getKey();
                    replies.add(pipeline.zadd(key, now, entry.getValue()));
                    // Exclusive bound: an entry scored exactly staleBefore is still live for
                    // liveInstances (inclusive there), so it must not be dropped here.
                    pipeline.zremrangeByScore(key, "-inf", "(" + staleBefore);
                    pipeline.pexpire(key, ttl.toMillis());
                }
                pipeline.sync();
            }
            for (int i = 0; i < batch.size(); i++) {
                if (replies.get(i).get() > 0) {
                    added.add(batch.get(i).getKey());
                }
            }
        }
        announce(added);
        return added.size();
    }

    /**
     * Of {@code userIds}, those with at least one connection on a live gateway instance, in
     * the order given (one pipelined round trip at most): who can be reached over the delivery bus.
     */
    public List<String> connectedUsers(List<String> userIds) {
        List<List<String>> instances = liveInstances(userIds.stream().map(BusKeys::userRoutes).toList());
        List<String> connected = new ArrayList<>();
        for (int i = 0; i < userIds.size(); i++) {
            if (!instances.get(i).isEmpty()) {
                connected.add(userIds.get(i));
            }
        }
        return connected;
    }

    /**
     * The live instances for each key, in key order: those the cache keeps from it, the rest
     * read in one pipelined round trip (none when the cache kept all).
     */
    List<List<String>> liveInstances(List<String> keys) {
        List<List<String>> found = new ArrayList<>(keys.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            List<String> kept = kept(keys.get(i));
            found.add(kept);
            if (kept == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<QueuedRead> reads = missing.stream().map(i -> queueRead(pipeline, keys.get(i))).toList();
            pipeline.sync();
            for (int j = 0; j < missing.size(); j++) {
                found.set(missing.get(j), reads.get(j).liveInstances());
            }
        }
        return found;
    }

    /** The live instances the cache keeps for {@code key}, or null when it keeps none (or there is no cache). */
    List<String> kept(String key) {
        List<Tuple> members = cache == null ? null : cache.members(key);
        return members == null ? null : live(members);
    }

    /**
     * Queues in {@code pipeline} a read of {@code key}'s members, whose live instances are known
     * once the pipeline has synced.
     */
    QueuedRead queueRead(AbstractPipeline pipeline, String key) {
        long ticket = cache == null ? 0 : cache.ticket(); // before the read is sent: see RouteCache
        return new QueuedRead(key, pipeline.zrangeWithScores(key, 0, -1), ticket);
    }

    /** A read of one key's members, queued in a pipeline. */
    final class QueuedRead {
        private final String key;
        private final Response<List<Tuple>> reply;
        private final long ticket;

        private QueuedRead(String key, Response<List<Tuple>> reply, long ticket) {
            this.key = key;
            this.reply = reply;
            this.ticket = ticket;
        }

        /**
         * The key's live instances, once the pipeline has synced (and they are kept in the cache).
         *
         * @throws redis.clients.jedis.exceptions.JedisDataException when the read failed
         */
        List<String> liveInstances() {
            List<Tuple> members = reply.get();
            if (cache != null) {
                cache.remember(key, members, ticket);
            }
            return live(members);
        }
    }

    /** The members scored within the TTL (inclusive), in score order: those whose instance is live. */
    private List<String> live(List<Tuple> members) {
        long staleBefore = clock.millis() - ttl.toMillis();
        List<String> live = new ArrayList<>(members.size());
        for (Tuple member : members) {
            if (member.getScore() >= staleBefore) {
                live.add(member.getElement());
            }
        }
        return live;
    }

    /**
     * Announces that any route may have changed, so every {@link RouteCache} drops all it keeps:
     * for writes that no gateway announced ({@code FLUSHALL}, a restore from a backup; the same
     * as {@code redis-cli SPUBLISH 'gw:{routes}:changes' '*'}).
     */
    public static void announceAllChanged(UnifiedJedis redis) {
        announce(redis, List.of(RouteCache.ALL_KEYS));
    }

    private boolean remove(String key, String member) {
        if (redis.zrem(key, member) == 0) {
            return false;
        }
        announce(List.of(key));
        return true;
    }

    /**
     * Announces changed keys, after their writes were applied (a separate round trip: on a
     * cluster a pipeline's commands run on different nodes, in no order).
     */
    private void announce(List<String> keys) {
        announce(redis, keys);
    }

    private static void announce(UnifiedJedis redis, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String key : keys) {
                // The channel is the command's key, so a cluster pipeline sends it to its slot's master.
                pipeline.sendCommand(new ClusterCommandArguments(Protocol.Command.SPUBLISH)
                        .key(BusKeys.routeChanges()).add(key));
            }
            pipeline.sync();
        }
    }

    private static List<String> keys(Collection<String> userIds, Collection<String> rooms) {
        return Stream.concat(
                userIds.stream().map(BusKeys::userRoutes),
                rooms.stream().map(BusKeys::roomRoutes)).toList();
    }
}
